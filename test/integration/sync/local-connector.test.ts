import {
  AccessDeniedError,
  LocalConnector,
  MemoryStorage,
  Node,
  PermissiveAgent,
  type ContextData,
} from 'ankurah';
import { Album, Artist } from '../../fixtures/models';
import { addAlbum, names, until } from './harness';
import { internals } from '../../fixtures/internals';

/** Refuses any album named 'Rejected' (to make a queued commit fail later). */
class NoRejected extends PermissiveAgent {
  override checkEvent(_ctx: ContextData, _c: string, _before: object | null, after: object | null): boolean {
    return (after as { name?: unknown } | null)?.name !== 'Rejected';
  }
}

describe('LocalConnector: one durable node, several ephemeral nodes', () => {
  const open: Node[] = [];
  const node = async (durable: boolean, policy = new PermissiveAgent()): Promise<Node> => {
    const n = await (durable ? Node.durable : Node.ephemeral)(new MemoryStorage(), {
      models: [Album, Artist],
      policy,
    });
    open.push(n);
    return n;
  };
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) await n.close();
  });

  it('relays commits between ephemeral nodes through live queries', async () => {
    const server = await node(true);
    const [a, b, c] = await Promise.all([node(false), node(false), node(false)]);
    await Promise.all([a, b, c].map((n) => LocalConnector.connect(server, n)));
    const qb = b.context().query(Album, 'year >= 2000 ORDER BY year DESC LIMIT 2');
    const qc = c.context().query(Album, "artist = 'Muse'");
    await Promise.all([qb.loaded, qc.loaded]);
    await addAlbum(a, 'One', 2001);
    await addAlbum(a, 'Two', 2002);
    await addAlbum(a, 'Three', 2003);
    await until(qb.items$, (items) => names(items).join() === 'Three,Two');
    await until(qc.items$, (items) => items.length === 3);
    const [three] = await a.context().fetch(Album, "name = 'Three'");
    await a
      .context()
      .collection(Album)
      .delete(three?.id as string);
    await until(qb.items$, (items) => names(items).join() === 'One,Two');
    await until(qc.items$, (items) => items.length === 2);
  });

  it('rejects a connected commit the durable node refuses, and keeps nothing of it', async () => {
    const server = await node(true, new NoRejected());
    const a = await node(false);
    await LocalConnector.connect(server, a);
    await expect(addAlbum(a, 'Rejected')).rejects.toThrow(AccessDeniedError);
    expect(await a.context().fetch(Album, 'true')).toEqual([]);
    expect(await server.context().fetch(Album, 'true')).toEqual([]);
  });

  it('sends offline commits in order when a durable peer returns, undoing the ones it refuses', async () => {
    const server = await node(true, new NoRejected());
    const a = await node(false);
    const link = await LocalConnector.connect(server, a);
    const kept = await addAlbum(a, 'Kept', 2001);
    link.close();
    expect(internals(a).peers.connected).toBe(false);
    // Offline: edits of what the node holds, and new entities, are kept locally and queued.
    await a
      .context()
      .collection(Album)
      .edit(kept, (m) => {
        m.year = 2010;
      });
    await addAlbum(a, 'Rejected', 2011);
    const later = await addAlbum(a, 'Later', 2012);
    expect(internals(a).pending$.value).toBe(3);
    expect(names(await a.context().fetch(Album, 'true'))).toEqual(['Kept', 'Later', 'Rejected']);
    const errors: Error[] = [];
    a.errors$.subscribe((e) => errors.push(e));

    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    expect(errors.map((e) => e.constructor.name)).toEqual(['AccessDeniedError']);
    expect(names(await server.context().fetch(Album, 'true'))).toEqual(['Kept', 'Later']);
    expect((await server.context().get(Album, kept)).year).toBe(2010);
    expect((await server.context().get(Album, later)).year).toBe(2012);
    // The refused creation was undone locally too.
    expect(names(await a.context().fetch(Album, 'true'))).toEqual(['Kept', 'Later']);
  });

  it('reads and edits offline what it already holds; ready() waits for a durable peer', async () => {
    const server = await node(true);
    const a = await node(false);
    let ready = false;
    const whenReady = a.ready().then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    const link = await LocalConnector.connect(server, a);
    await whenReady;
    const id = await addAlbum(a, 'Held', 2001);
    link.close();
    const view = await a.context().get(Album, id);
    expect(view.name).toBe('Held');
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => m.text('notes').insert(0, 'offline'));
    expect((await a.context().get(Album, id)).notes).toBe('offline');
    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    expect((await server.context().get(Album, id)).notes).toBe('offline');
  });
});

describe('LocalConnector with SQLite on both sides', () => {
  it('adopts remote states into an ephemeral SQLite store and follows an updated live query', async () => {
    const { SqliteStorage } = await import('ankurah/typeorm');
    const server = await Node.durable(await SqliteStorage.open(':memory:'), { models: [Album, Artist] });
    const client = await Node.ephemeral(await SqliteStorage.open(':memory:'), { models: [Album, Artist] });
    try {
      await LocalConnector.connect(server, client);
      await addAlbum(server, 'Old', 1990);
      await addAlbum(server, 'New', 2010);
      const q = client.context().query(Album, 'year < 2000');
      await until(q.items$, (items) => names(items).join() === 'Old');
      await q.update('year > 2000');
      await until(q.items$, (items) => names(items).join() === 'New');
      await addAlbum(server, 'Newer', 2020);
      await until(q.items$, (items) => names(items).join() === 'New,Newer');
      expect(names(await client.context().fetch(Album, 'true'))).toEqual(['New', 'Newer', 'Old']);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
