import {
  LocalConnector,
  MemoryStorage,
  Node,
  NotFoundError,
  PermissiveAgent,
  type ContextData,
} from 'ankurah';
import { type Event } from 'ankurah/spi';
import { Album, Artist } from '../fixtures/models';
import { Rig, addAlbum, request } from '../integration/sync/harness';

/** Hides albums named 'Hidden' from every connection. */
class HideHidden extends PermissiveAgent {
  override filterPredicate(_ctx: ContextData, collection: string): string | null {
    return collection === 'album' ? "name <> 'Hidden'" : null;
  }
}

const ids = (events: readonly Event[]): string[] => events.map((e) => e.id);

// An ephemeral node holds states without their history: ctx.history() answered [] from its empty event store
// while the durable node held the whole history. It now asks the durable peer (with the same checks as get).
describe('regression: ctx.history() on an ephemeral node', () => {
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
    for (const n of open.splice(0).reverse()) if (!n.closed) await n.close();
  });

  it("answers with the durable peer's history, text operations included", async () => {
    const server = await node(true);
    const [a, b] = [await node(false), await node(false)];
    await LocalConnector.connect(server, a);
    await LocalConnector.connect(server, b);
    const id = await addAlbum(b, 'Shared', 2001);
    await b
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2002;
        m.text('notes').insert(0, 'liner');
      });
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.name = 'Renamed';
      });

    const expected = await server.context().history(Album, id);
    expect(expected).toHaveLength(3);
    const got = await a.context().history(Album, id);
    expect(ids(got)).toEqual(ids(expected));
    expect(got.map((e) => e.parents)).toEqual(expected.map((e) => e.parents));
    expect(got[1]?.operations.text?.notes).toBeInstanceOf(Uint8Array);
    expect(got).toEqual(expected);
  });

  it('pages through a history longer than one answer', async () => {
    const server = await node(true);
    const a = await node(false);
    await LocalConnector.connect(server, a, { limits: { maxResultRows: 2 } });
    const id = await addAlbum(server, 'Long', 2001);
    for (let year = 2002; year < 2007; year++) {
      await server
        .context()
        .collection(Album)
        .edit(id, (m) => {
          m.year = year;
        });
    }
    const expected = await server.context().history(Album, id);
    expect(expected).toHaveLength(6);
    expect(ids(await a.context().history(Album, id))).toEqual(ids(expected));
  });

  it('keeps a deleted entity readable and a hidden one NotFoundError, as get does', async () => {
    const server = await node(true, new HideHidden());
    const a = await node(false);
    await LocalConnector.connect(server, a);
    const gone = await addAlbum(server, 'Gone', 2001);
    await server.context().collection(Album).delete(gone);
    const hidden = await addAlbum(server, 'Hidden', 2001);
    expect(ids(await a.context().history(Album, gone))).toEqual(
      ids(await server.context().history(Album, gone)),
    );
    await expect(a.context().history(Album, hidden)).rejects.toBeInstanceOf(NotFoundError);
  });

  it('offline, answers with the events the node holds: its own offline commits', async () => {
    const server = await node(true);
    const a = await node(false);
    const link = await LocalConnector.connect(server, a);
    const id = await addAlbum(a, 'Held', 2001);
    link.close();
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2010;
      });
    const local = await a.context().history(Album, id);
    expect(local).toHaveLength(1);
    expect(local[0]?.operations.lww).toEqual({ year: 2010 });
  });
});

describe('the history request over Socket.IO', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('answers pages of events with their text, and refuses hidden entities as get does', async () => {
    const { node: server, srv } = await rig.server({ policy: new HideHidden() });
    const id = await addAlbum(server, 'Shown', 2001);
    await server
      .context()
      .collection(Album)
      .edit(id, (m) => m.text('notes').insert(0, 'liner'));
    const hidden = await addAlbum(server, 'Hidden', 2001);
    const raw = await rig.raw(srv.url);
    const shown = await request(raw, { id: 1, kind: 'history', collection: 'album', entityId: id });
    expect(shown.ok).toBe(true);
    const result = shown.result as { events: Event[]; more: boolean };
    expect(result.more).toBe(false);
    expect(result.events.map((e) => e.id)).toEqual(ids(await server.context().history(Album, id)));
    const refused = await request(raw, { id: 2, kind: 'history', collection: 'album', entityId: hidden });
    expect(refused.error?.code).toBe('NOT_FOUND');
    const after = await request(raw, {
      id: 3,
      kind: 'history',
      collection: 'album',
      entityId: id,
      after: id,
    });
    expect((after.result as { events: Event[] }).events).toHaveLength(1);

    const { node: client } = await rig.client(srv.url);
    const got = await client.context().history(Album, id);
    expect(ids(got)).toEqual(result.events.map((e) => e.id));
    expect(got[1]?.operations.text?.notes).toBeInstanceOf(Uint8Array);
  });
});
