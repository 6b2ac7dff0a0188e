import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album, Artist } from '../fixtures/models';
import { Rig, addAlbum, request } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// `ctx.subscribe()` then `unsubscribe()` left the subscription on the server: the unsubscribe frame overtook
// the subscribe still being set up there (frames are handled concurrently), found nothing to drop, and the
// subscribe then registered. After ~800 cycles the 256-per-connection cap was reached and every new live
// query failed.
describe('regression: unsubscribing a live query releases its server subscription', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('ctx.subscribe + unsubscribe cycles over LocalConnector leave nothing on the server', async () => {
    const server = rig.track(await Node.durable(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const client = rig.track(await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    await LocalConnector.connect(server, client, { limits: { maxSubscriptions: 4 } });
    const errors: Error[] = [];
    client.errors$.subscribe((e) => errors.push(e));
    await addAlbum(client, 'Showbiz', 1999);
    const ctx = client.context();
    for (let i = 0; i < 40; i++) {
      const q = await ctx.subscribe(Album, 'year = ?', 1999, () => undefined);
      expect(q.items.map((a) => a.name)).toEqual(['Showbiz']);
      q.unsubscribe();
    }
    // Unsubscribed at every point of its setup: before the local read, while the subscribe is in flight…
    for (let delay = 0; delay < 60; delay++) {
      const q = ctx.query(Album, 'year = ?', 1999);
      for (let i = 0; i < delay; i++) await Promise.resolve();
      q.unsubscribe();
    }
    expect(internals(client).peers.queryCount).toBe(0);
    // A new live query still works (the frames before it were handled first: the channel is ordered).
    const q = ctx.query(Album, 'true');
    await q.loaded;
    expect(internals(server).reactor.size).toBe(1);
    q.unsubscribe();
    await ctx.fetch(Album, 'true'); // a round trip: the unsubscribe before it has been handled
    expect(internals(server).reactor.size).toBe(0);
    expect(errors).toEqual([]);
  });

  it('an unsubscribe frame right behind its subscribe ends it on the server (Socket.IO)', async () => {
    const { node: server, srv } = await rig.server({}, { limits: { maxSubscriptions: 2 } });
    const raw = await rig.raw(srv.url);
    let id = 0;
    for (let i = 0; i < 10; i++) {
      const sub = `s${i}`;
      const subscribed = request(raw, {
        id: ++id,
        kind: 'subscribe',
        sub,
        collection: 'album',
        selection: 'true',
        held: [],
      });
      const unsubscribed = request(raw, { id: ++id, kind: 'unsubscribe', sub });
      await Promise.all([subscribed, unsubscribed]);
    }
    expect(internals(server).reactor.size).toBe(0);
    const last = await request(raw, {
      id: ++id,
      kind: 'subscribe',
      sub: 'last',
      collection: 'album',
      selection: 'true',
      held: [],
    });
    expect(last.ok).toBe(true);
    expect(internals(server).reactor.size).toBe(1);
  });

  it('ctx.subscribe + unsubscribe cycles over Socket.IO keep a new live query working', async () => {
    const { node: server, srv } = await rig.server({}, { limits: { maxSubscriptions: 3 } });
    const { node: client } = await rig.client(srv.url);
    const ctx = client.context();
    for (let i = 0; i < 20; i++) {
      const q = await ctx.subscribe(Album, 'year > ?', i, () => undefined);
      q.unsubscribe();
    }
    for (let delay = 0; delay < 40; delay++) {
      const q = ctx.query(Album, 'true');
      for (let i = 0; i < delay; i++) await Promise.resolve();
      q.unsubscribe();
    }
    const q = ctx.query(Album, 'true');
    await q.loaded;
    expect(internals(server).reactor.size).toBe(1);
    await addAlbum(client, 'Drones', 2015);
    await q.settled();
    expect(q.items.map((a) => a.name)).toEqual(['Drones']);
    q.unsubscribe();
    await ctx.fetch(Album, 'true');
    expect(internals(server).reactor.size).toBe(0);
  });
});
