import { type Node } from 'ankurah';
import { type Watch, type WatchHandler } from '../../../src/reactor/watch';
import { Album } from '../../fixtures/models';
import { addAlbum, request, Rig, until } from './harness';
import { internals } from '../../fixtures/internals';

/** Records every watch the server's reactor opens and how many batches each handler received. */
function spyWatches(server: Node): { watches: Watch[]; calls: number[] } {
  const watches: Watch[] = [];
  const calls: number[] = [];
  const reactor = internals(server).reactor;
  const open = reactor.watch.bind(reactor);
  jest.spyOn(reactor, 'watch').mockImplementation((collection, predicate, handler: WatchHandler) => {
    const i = watches.length;
    calls.push(0);
    const w = open(collection, predicate, {
      changes: (c) => {
        calls[i] = (calls[i] ?? 0) + 1;
        handler.changes(c);
      },
      closed: () => handler.closed(),
    });
    watches.push(w);
    return w;
  });
  return { watches, calls };
}

/** Resolves once `cond` holds, checking on each turn of the event loop (fails after 5 s). */
async function eventually(cond: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not reached within 5 s');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('server relay through the reactor index', () => {
  const rig = new Rig();
  afterEach(async () => {
    jest.restoreAllMocks();
    await rig.closeAll();
  });

  it('tests a change only against the subscriptions it can affect', async () => {
    const { node: server, srv } = await rig.server();
    const { watches, calls } = spyWatches(server);
    const raw = await rig.raw(srv.url);
    const pushes: { states: { id: string }[] }[] = [];
    raw.on('ankurah:push', (frame: { states: { id: string }[] }) => pushes.push(frame));
    for (let i = 0; i < 200; i++) {
      const answer = await request(raw, {
        id: i + 1,
        kind: 'subscribe',
        sub: `s${i}`,
        collection: 'album',
        selection: `year = ${1900 + i}`,
        held: [],
      });
      expect(answer.ok).toBe(true);
    }
    expect(watches).toHaveLength(200);
    expect(watches.every((w) => internals(server).reactor.placement(w) === 'eq')).toBe(true);
    const seen = new Promise<void>((resolve) => raw.once('ankurah:push', () => resolve()));
    const id = await addAlbum(server, 'Indexed', 2050);
    await seen;
    // Only the `year = 2050` watch was handed the change.
    expect(calls.filter((n) => n > 0)).toHaveLength(1);
    expect(calls[150]).toBe(1);
    expect(pushes.map((p) => p.states.map((s) => s.id))).toEqual([[id]]);
  });

  it('leaves no watch behind after unsubscribe and after a client disconnects', async () => {
    const { node: server, srv } = await rig.server();
    const before = internals(server).reactor.size;
    const raw = await rig.raw(srv.url);
    const sub = { kind: 'subscribe', collection: 'album', selection: 'year > 2000', held: [] };
    expect((await request(raw, { ...sub, id: 1, sub: 'a' })).ok).toBe(true);
    expect(internals(server).reactor.size).toBe(before + 1);
    expect((await request(raw, { id: 2, kind: 'unsubscribe', sub: 'a' })).ok).toBe(true);
    expect(internals(server).reactor.size).toBe(before);

    const { node: client, conn } = await rig.client(srv.url);
    const queries = [
      client.context().query(Album, 'year > 2000'),
      client.context().query(Album, "artist = 'Muse' ORDER BY year LIMIT 2"),
      client.context().query(Album, 'year IN (2001, 2002)'),
    ];
    await Promise.all(queries.map((q) => q.loaded));
    await addAlbum(server, 'Tracked', 2001);
    await until((queries[0] as (typeof queries)[number]).items$, (items) => items.length === 1);
    expect(internals(server).reactor.size).toBe(before + 3);
    conn.close();
    await eventually(() => internals(server).reactor.size === before);
    expect(internals(server).reactor.size).toBe(before);
  });

  it('follows an entity that leaves an ORDER BY … LIMIT window and refills it', async () => {
    const { node: server, srv } = await rig.server();
    await addAlbum(server, 'A', 2001);
    const second = await addAlbum(server, 'B', 2002);
    await addAlbum(server, 'C', 2003);
    const { node: client } = await rig.client(srv.url);
    const q = client.context().query(Album, 'year > 2000 ORDER BY year LIMIT 2');
    await until(q.items$, (items) => items.map((v) => v.name).join() === 'A,B');
    await server
      .context()
      .collection(Album)
      .edit(second, (m) => {
        m.year = 1999;
      });
    await until(q.items$, (items) => items.map((v) => v.name).join() === 'A,C');
  });

  it("updates a row held in a client's window buffer that stops matching", async () => {
    const { node: server, srv } = await rig.server();
    const ids: string[] = [];
    for (let y = 1; y <= 5; y++) ids.push(await addAlbum(server, `A${y}`, 2000 + y));
    const { node: client } = await rig.client(srv.url);
    const q = client.context().query(Album, 'year > 2000 ORDER BY year LIMIT 2');
    await until(q.items$, (items) => items.map((v) => v.name).join() === 'A1,A2');
    const albums = server.context().collection(Album);
    // A pushed edit shows that the server side of the subscription is in place.
    await albums.edit(ids[1] as string, (m) => {
      m.rating = 5;
    });
    await until(q.items$, (items) => items[1]?.rating === 5);
    // A4 sits in the client's buffer beyond the window; it leaves the result on the server.
    await albums.edit(ids[3] as string, (m) => {
      m.year = 1999;
    });
    await until(internals(client).changes$, (b) => b.changes.some((c) => c.entity.id === ids[3]));
    await albums.delete(ids[0] as string);
    await albums.delete(ids[1] as string);
    await until(q.items$, (items) => items.map((v) => v.name).join() === 'A3,A5');
  });
});
