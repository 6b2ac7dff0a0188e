import { filter, firstValueFrom, lastValueFrom } from 'rxjs';
import { LocalConnector, MemoryStorage, Node, ProtocolError, type View } from 'ankurah';
import { Album, Artist } from '../fixtures/models';
import { Rig, addAlbum } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// A live query whose last RxJS subscriber left (an Angular `async` pipe unsubscribing from items$) kept its
// reactor registration and its subscription on the server until `q.unsubscribe()`, which such code never
// calls. `ctx.sharedQuery` is the reference-counted form: released with its last subscriber.
describe('regression: a shared query is released with its last subscriber', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  async function nodes(maxSubscriptions = 256): Promise<{ server: Node; client: Node; writer: Node }> {
    const open = async (durable: boolean): Promise<Node> =>
      rig.track(
        await (durable ? Node.durable : Node.ephemeral)(new MemoryStorage(), { models: [Album, Artist] }),
        (n) => n.close(),
      );
    const server = await open(true);
    const client = await open(false);
    const writer = await open(false);
    await LocalConnector.connect(server, client, { limits: { maxSubscriptions } });
    await LocalConnector.connect(server, writer);
    return { server, client, writer };
  }
  const names = (items: readonly View<Album>[]): string[] => items.map((a) => a.name);

  it('opens on the first subscriber, shares, releases here and on the server, and reopens', async () => {
    const { server, client, writer } = await nodes();
    await addAlbum(writer, 'Showbiz', 1999);
    const ctx = client.context();
    const shared = ctx.sharedQuery(Album, 'year > ? ORDER BY name', 1990);
    expect(shared.current).toBeUndefined();
    expect(internals(server).reactor.size).toBe(0);

    const seen: string[][] = [];
    const a = shared.items$.subscribe((items) => seen.push(names(items)));
    const sets: boolean[] = [];
    const b = shared.subscribe((c) => sets.push(c.initial));
    const q = shared.current;
    await q?.loaded;
    expect(internals(server).reactor.size).toBe(1); // one subscription for both subscribers
    expect(internals(client).reactor.size).toBe(1);
    expect(shared.items.map((x) => x.name)).toEqual(['Showbiz']);

    await addAlbum(writer, 'Drones', 2015);
    await firstValueFrom(shared.items$.pipe(filter((items) => items.length === 2)));
    expect(seen.at(-1)).toEqual(['Drones', 'Showbiz']);
    expect(sets).toEqual([true, false]);

    a.unsubscribe();
    expect(shared.current).toBe(q); // b still listens
    b.unsubscribe();
    expect(shared.current).toBeUndefined();
    expect(q?.closed).toBe(true);
    expect(internals(client).reactor.size).toBe(0);
    expect(internals(client).peers.queryCount).toBe(0);
    await ctx.fetch(Album, 'true'); // a round trip: the unsubscribe before it has been handled
    expect(internals(server).reactor.size).toBe(0);

    // A later subscriber opens it again, with the live result.
    const again = await firstValueFrom(shared.items$.pipe(filter((items) => items.length === 2)));
    expect(names(again)).toEqual(['Drones', 'Showbiz']);
    expect(shared.current).toBeUndefined(); // firstValueFrom left: released again
    await ctx.fetch(Album, 'true');
    expect(internals(server).reactor.size).toBe(0);
  });

  it('an async-pipe-like subscribe/unsubscribe loop never accumulates subscriptions', async () => {
    const { server, client } = await nodes(2);
    const shared = client.context().collection(Album).sharedQuery('true');
    for (let i = 0; i < 30; i++) {
      const sub = shared.items$.subscribe();
      if (i % 2 === 0) await shared.current?.loaded;
      sub.unsubscribe();
    }
    await client.context().fetch(Album, 'true');
    expect(internals(server).reactor.size).toBe(0);
    expect(internals(client).peers.queryCount).toBe(0);
  });

  it('keeps the selection of update() for the next opening', async () => {
    const { client, writer } = await nodes();
    await addAlbum(writer, 'Showbiz', 1999);
    await addAlbum(writer, 'Drones', 2015);
    const shared = client.context().sharedQuery(Album, 'year < 2000');
    const sub = shared.items$.subscribe();
    await shared.current?.loaded;
    expect(names(shared.items)).toEqual(['Showbiz']);
    await shared.update('year > ?', 2000); // in place on the open query
    expect(names(shared.items)).toEqual(['Drones']);
    sub.unsubscribe();
    expect(names(shared.items)).toEqual([]);
    const reopened = await firstValueFrom(shared.items$);
    expect(names(reopened)).toEqual(['Drones']);
  });

  it('a refused opening errors its subscribers; the next subscriber retries', async () => {
    const { client } = await nodes(1);
    const ctx = client.context();
    const holder = ctx.query(Album, 'year > 2000');
    await holder.loaded;
    const shared = ctx.sharedQuery(Album, 'true');
    await expect(lastValueFrom(shared.items$)).rejects.toThrow(ProtocolError);
    expect(shared.current).toBeUndefined();
    holder.unsubscribe();
    const items = await firstValueFrom(shared.items$);
    expect(items).toEqual([]);
  });

  it('a throwing subscriber is reported on errors$ and does not disturb the others', async () => {
    const { client } = await nodes();
    const errors: string[] = [];
    client.errors$.subscribe((e) => errors.push(e.message));
    const shared = client.context().sharedQuery(Album, 'true');
    shared.subscribe(() => {
      throw new Error('a buggy subscriber');
    });
    const items = await firstValueFrom(shared.items$);
    expect(items).toEqual([]);
    expect(errors).toEqual(['a buggy subscriber']);
  });

  it('a LiveQuery (ctx.query) keeps its subscription when its RxJS subscribers leave', async () => {
    const { server, client } = await nodes();
    const q = client.context().query(Album, 'true');
    const sub = q.items$.subscribe();
    await q.loaded;
    sub.unsubscribe();
    await client.context().fetch(Album, 'true');
    expect(internals(server).reactor.size).toBe(1); // documented: released by q.unsubscribe() only
    q.unsubscribe();
    await client.context().fetch(Album, 'true');
    expect(internals(server).reactor.size).toBe(0);
  });
});
