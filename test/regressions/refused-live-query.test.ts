import { firstValueFrom, lastValueFrom, type Observable } from 'rxjs';
import { LocalConnector, MemoryStorage, Node, ProtocolError, type Limits } from 'ankurah';
import { Album, Artist } from '../fixtures/models';
import { Rig, addAlbum } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// A live query the durable peer refused (its subscription cap, the held-ids limit…) resolved `loaded` from
// the client's own read and then went quietly stale: the peer never pushed anything to it. The docs promise
// that `loaded` rejects and the observables error when a query cannot be loaded.
describe('regression: a live query refused by the server rejects loaded', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  async function connected(limits: Partial<Limits>): Promise<{ server: Node; client: Node }> {
    const server = rig.track(await Node.durable(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const client = rig.track(await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    await LocalConnector.connect(server, client, { limits });
    return { server, client };
  }

  it('over the subscription cap: loaded rejects, items$ errors, ctx.subscribe rejects', async () => {
    const { server, client } = await connected({ maxSubscriptions: 1 });
    const ctx = client.context();
    const first = ctx.query(Album, 'year > 2000');
    await first.loaded;

    const refused = ctx.query(Album, 'year < 2000');
    const failed = lastValueFrom(refused.items$).catch((e: unknown) => e);
    await expect(refused.loaded).rejects.toThrow(ProtocolError);
    await expect(refused.loaded).rejects.toThrow(/at most 1 subscriptions/);
    expect(await failed).toBeInstanceOf(ProtocolError);
    expect(refused.closed).toBe(true);
    await expect(ctx.subscribe(Album, 'true', () => undefined)).rejects.toThrow(ProtocolError);

    // The accepted query keeps working, and nothing of the refused ones is left on either side.
    expect(internals(client).peers.queryCount).toBe(1);
    expect(internals(server).reactor.size).toBe(1);
    await addAlbum(client, 'Drones', 2015);
    await first.settled();
    expect(first.items.map((a) => a.name)).toEqual(['Drones']);
  });

  it('over the held-ids limit: loaded rejects', async () => {
    const { client } = await connected({ maxIdsPerRequest: 2 });
    for (const [name, year] of [
      ['a', 2001],
      ['b', 2002],
      ['c', 2003],
    ] as const) {
      await addAlbum(client, name, year);
    }
    // The client's own read holds three albums: the subscription naming them is refused.
    const q = client.context().query(Album, 'true');
    await expect(q.loaded).rejects.toThrow(ProtocolError);
    expect(q.closed).toBe(true);
    expect(internals(client).peers.queryCount).toBe(0);
  });

  it('over maxResultRows: loaded rejects, and so does an update that grows past it', async () => {
    const { client } = await connected({ maxResultRows: 2 });
    for (const [name, year] of [
      ['a', 2001],
      ['b', 2002],
      ['c', 2003],
    ] as const) {
      await addAlbum(client, name, year);
    }
    const ctx = client.context();
    await expect(ctx.query(Album, 'true').loaded).rejects.toThrow(/more than 2 rows/);
    const q = ctx.query(Album, 'year > 2002');
    await q.loaded;
    await expect(q.update('year > 2000')).rejects.toThrow(/more than 2 rows/);
    expect(q.closed).toBe(true);
  });

  it('an update racing the re-registration after a reconnect is not a refusal', async () => {
    const server = rig.track(await Node.durable(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const client = rig.track(await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    let link = await LocalConnector.connect(server, client);
    await addAlbum(client, 'a', 2001);
    const q = client.context().query(Album, 'year > 2000');
    await q.loaded;
    // Reconnected, then updated at every point of the re-registration still in flight.
    for (let delay = 0; delay < 20; delay++) {
      link.close();
      link = await LocalConnector.connect(server, client);
      for (let i = 0; i < delay; i++) await Promise.resolve();
      await q.update('year > ?', 2000 - (delay % 2));
    }
    expect(q.closed).toBe(false);
    await addAlbum(client, 'b', 2002);
    await q.settled();
    expect(q.items.map((x) => x.name).sort()).toEqual(['a', 'b']);
    expect(internals(server).reactor.size).toBe(1);
  });

  it('refused when re-established after a reconnect: the query errors instead of going stale', async () => {
    const server = rig.track(await Node.durable(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const client = rig.track(await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const link = await LocalConnector.connect(server, client, { limits: { maxSubscriptions: 2 } });
    const ctx = client.context();
    const a = ctx.query(Album, 'year > 2000');
    const b = ctx.query(Album, 'year < 2000');
    await Promise.all([a.loaded, b.loaded]);
    // Before the fix the refusal was only reported on errors$, and both queries stayed open.
    const reported = firstValueFrom(client.errors$);
    const refused = Promise.race([firstErrorOf(a, b), reported]);
    link.close();
    await LocalConnector.connect(server, client, { limits: { maxSubscriptions: 1 } });
    expect(await refused).toBeInstanceOf(ProtocolError);
    expect(await reported).toBeInstanceOf(ProtocolError); // and reported: nobody awaits a reconnect
    expect([a.closed, b.closed].filter(Boolean)).toHaveLength(1);
    expect(internals(client).peers.queryCount).toBe(1);
  });
});

/** The first error either query's observables end with. */
function firstErrorOf(...queries: { changes$: Observable<unknown> }[]): Promise<unknown> {
  return new Promise((resolve) => {
    for (const q of queries) q.changes$.subscribe({ error: resolve });
  });
}
