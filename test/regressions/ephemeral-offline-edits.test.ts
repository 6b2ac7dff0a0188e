import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album, Artist } from '../fixtures/models';
import { addAlbum, until } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// An ephemeral node holds states without their history. A transaction's event names the head it read as
// parents; when the entity moved on before the commit (a remote update adopted, or another local transaction),
// applying the event locally needs to know which standing writes are in its past. That used to be a causal walk
// over history the node does not hold: CausalError, and the offline edit was lost.
describe('regression: offline edits of an entity an ephemeral node holds without its history', () => {
  const open: Node[] = [];
  const node = async (durable: boolean): Promise<Node> => {
    const n = await (durable ? Node.durable : Node.ephemeral)(new MemoryStorage(), {
      models: [Album, Artist],
    });
    open.push(n);
    return n;
  };
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) if (!n.closed) await n.close();
  });

  it('commits an edit opened online after a remote update arrived and the connection dropped', async () => {
    const server = await node(true);
    const [a, b] = [await node(false), await node(false)];
    const link = await LocalConnector.connect(server, a);
    await LocalConnector.connect(server, b);
    const id = await addAlbum(b, 'Shared', 2001);

    const trx = a.context().begin();
    const m = await trx.edit(Album, id);
    m.name = 'Renamed by A';
    // B edits another field; A adopts the new state (its head no longer is the transaction's base).
    await b
      .context()
      .collection(Album)
      .edit(id, (x) => {
        x.year = 2002;
      });
    expect((await a.context().get(Album, id)).year).toBe(2002);
    link.close();

    await trx.commit();
    const local = await a.context().get(Album, id);
    expect([local.name, local.year]).toEqual(['Renamed by A', 2002]);
    expect(local.head).toHaveLength(2);
    expect(internals(a).pending$.value).toBe(1);

    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    const remote = await server.context().get(Album, id);
    expect([remote.name, remote.year]).toEqual(['Renamed by A', 2002]);
    expect((await a.context().get(Album, id)).head).toEqual(remote.head);
  });

  it('commits two concurrent offline transactions on one adopted entity', async () => {
    const server = await node(true);
    const a = await node(false);
    const b = await node(false);
    await LocalConnector.connect(server, b);
    const id = await addAlbum(b, 'Adopted', 2001);
    const link = await LocalConnector.connect(server, a);
    await a.context().get(Album, id);
    link.close();

    const t1 = a.context().begin();
    const t2 = a.context().begin();
    (await t1.edit(Album, id)).year = 2010;
    const m2 = await t2.edit(Album, id);
    m2.name = 'Edited twice';
    m2.text('notes').insert(0, 'offline');
    await t1.commit();
    await t2.commit();
    const local = await a.context().get(Album, id);
    expect([local.name, local.year, local.notes]).toEqual(['Edited twice', 2010, 'offline']);
    expect(internals(a).pending$.value).toBe(2);

    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    const remote = await server.context().get(Album, id);
    expect([remote.name, remote.year, remote.notes]).toEqual(['Edited twice', 2010, 'offline']);
    const after = await a.context().get(Album, id);
    expect([after.name, after.year, after.notes, after.head]).toEqual([
      remote.name,
      remote.year,
      remote.notes,
      remote.head,
    ]);
  });

  it('lets a delete adopted before the drop win over the offline edit, as on the server', async () => {
    const server = await node(true);
    const [a, b] = [await node(false), await node(false)];
    const link = await LocalConnector.connect(server, a);
    await LocalConnector.connect(server, b);
    const id = await addAlbum(b, 'Doomed', 2001);
    const trx = a.context().begin();
    (await trx.edit(Album, id)).year = 2020;
    await b.context().collection(Album).delete(id);
    await expect(a.context().get(Album, id)).rejects.toThrow(/No album entity/);
    link.close();
    await trx.commit();
    expect(await a.context().fetch(Album, 'true')).toEqual([]);
    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    expect(await server.context().fetch(Album, 'true')).toEqual([]);
    expect(await a.context().fetch(Album, 'true')).toEqual([]);
  });

  it('resolves concurrent offline writes to one field as every node does (greatest event id)', async () => {
    const server = await node(true);
    const a = await node(false);
    const link = await LocalConnector.connect(server, a);
    const id = await addAlbum(a, 'Base', 2001);
    link.close();
    const t1 = a.context().begin();
    const t2 = a.context().begin();
    (await t1.edit(Album, id)).year = 2011;
    (await t2.edit(Album, id)).year = 2012;
    // t2 commits first: its event id is the smaller one, so t1's write wins everywhere.
    await t2.commit();
    await t1.commit();
    expect((await a.context().get(Album, id)).year).toBe(2011);
    await LocalConnector.connect(server, a);
    await until(a.pending$, (n) => n === 0);
    expect((await server.context().get(Album, id)).year).toBe(2011);
    expect((await a.context().get(Album, id)).year).toBe(2011);
  });
});
