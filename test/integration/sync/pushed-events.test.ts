import { type Socket } from 'socket.io-client';
import { PermissiveAgent, type Node } from 'ankurah';
import { newId } from '../../../src/event/ids';
import { ServerSession } from '../../../src/serve/server-session';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';
import { addAlbum, Rig, request, until } from './harness';

interface PushFrame {
  readonly seq: number;
  readonly states: { id: string; head: string[] }[];
  readonly gone: unknown[];
  readonly events?: { id: string; entityId: string; parents: string[] }[];
}

interface Pushes {
  /** The pushes received so far, each with its size on the wire (frame JSON plus binary attachment). */
  readonly list: { frame: PushFrame; bytes: number }[];
  /** Resolves once `n` pushes arrived. */
  atLeast(n: number): Promise<{ frame: PushFrame; bytes: number }[]>;
}

/** Records the pushes a raw subscriber receives. */
function pushes(socket: Socket): Pushes {
  const list: { frame: PushFrame; bytes: number }[] = [];
  let wake: (() => void) | undefined;
  socket.on(
    'ankurah:push',
    (frame: PushFrame, attachment?: { at: unknown; len: unknown; bytes: ArrayBuffer }) => {
      // The attachment is { at, len, bytes }: where the binary values go, and their bytes in one buffer.
      const binary = attachment
        ? JSON.stringify([attachment.at, attachment.len]).length + attachment.bytes.byteLength
        : 0;
      list.push({ frame, bytes: JSON.stringify(frame).length + binary });
      wake?.();
    },
  );
  return {
    list,
    async atLeast(n) {
      while (list.length < n) await new Promise<void>((resolve) => (wake = resolve));
      return list;
    },
  };
}

/** Counts the `get` requests the server answers (how often clients read an entity again). */
function countGets(): () => number {
  const real = ServerSession.prototype.handle;
  let gets = 0;
  jest.spyOn(ServerSession.prototype, 'handle').mockImplementation(function (this: ServerSession, raw) {
    if ((raw as { kind?: unknown } | null)?.kind === 'get') gets++;
    return real.call(this, raw);
  });
  return () => gets;
}

/** An event that edits album `id` on `parents`, as a peer sends it. */
function edit(
  id: string,
  parents: string[],
  lww: Record<string, unknown>,
): Record<string, unknown> & { id: string } {
  return { id: newId(), entityId: id, collection: 'album', parents, operations: { lww } };
}

async function subscribeRaw(socket: Socket, selection: string): Promise<PushFrame> {
  const answer = await request(socket, {
    id: 1,
    kind: 'subscribe',
    sub: 's1',
    collection: 'album',
    selection,
    held: [],
  });
  expect(answer.ok).toBe(true);
  return answer.result as PushFrame;
}

/**
 * Watches the states of `id` that `node` stores (its storage commit is wrapped): the returned function
 * resolves with the first stored head, since the call to storedHead, that `pred` accepts.
 */
function storedHead(
  node: Node,
  id: string,
): (pred: (head: readonly string[]) => boolean) => Promise<readonly string[]> {
  const storage = internals(node).storage;
  const commit = storage.commit.bind(storage);
  const heads: (readonly string[])[] = [];
  const waiting: (() => void)[] = [];
  storage.commit = async (batch) => {
    const out = await commit(batch);
    for (const s of batch.states) if (s.id === id) heads.push(s.head);
    for (const wake of waiting.splice(0)) wake();
    return out;
  };
  return async (pred) => {
    for (;;) {
      const found = heads.find(pred);
      if (found) return found;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
}

async function headOn(node: Node, id: string): Promise<readonly string[] | undefined> {
  return (await internals(node).loadLocal('album', id))?.head;
}

/**
 * A server, a writer that made one album of 2001, a raw subscriber to `year > 2000` recording its pushes, and a
 * reader's live query on the same selection; `head` is the album's head on the server then.
 */
async function scene(rig: Rig, name: string) {
  const { node: server, srv } = await rig.server();
  const { node: writer } = await rig.client(srv.url);
  const { node: reader } = await rig.client(srv.url);
  const id = await addAlbum(writer, name, 2001);
  const raw = await rig.raw(srv.url);
  const answer = await subscribeRaw(raw, 'year > 2000');
  const seen = pushes(raw);
  const q = rig.track(reader.context().query(Album, 'year > 2000'), (live) => live.unsubscribe());
  await q.loaded;
  const head = [...((await headOn(server, id)) ?? [])];
  return { server, srv, writer, reader, id, answer, seen, q, head };
}

describe('pushes carry the events of an edit to connections that hold the entity', () => {
  const rig = new Rig();
  afterEach(async () => {
    jest.restoreAllMocks();
    await rig.closeAll();
  });

  it('an edit reaches a subscriber as its event, and the copy it makes equals the server state', async () => {
    const { server, writer, reader, id, answer, seen, q, head } = await scene(rig, 'Origin');
    expect(answer.states.map((s) => s.id)).toEqual([id]);

    await writer
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2002;
      });
    await until(q.items$, (items) => items[0]?.year === 2002);
    const [push] = await seen.atLeast(1);
    expect(push?.frame.states).toEqual([]);
    expect(push?.frame.events).toHaveLength(1);
    expect(push?.frame.events?.[0]?.parents).toEqual(head);

    const serverEntity = await internals(server).loadLocal('album', id);
    const readerEntity = await internals(reader).loadLocal('album', id);
    expect(readerEntity?.head).toEqual(serverEntity?.head);
    expect(readerEntity?.state()).toEqual(serverEntity?.state());
    q.unsubscribe();
  });

  it('a one-character insert into a 100,000-character text pushes under 1 KB', async () => {
    const { node: server, srv } = await rig.server();
    const { node: writer } = await rig.client(srv.url);
    const { node: reader } = await rig.client(srv.url);
    const id = await addAlbum(writer, 'Long', 2001);
    const albums = writer.context().collection(Album);
    await albums.edit(id, (m) => m.text('notes').insert(0, 'x'.repeat(100_000)));
    const raw = await rig.raw(srv.url);
    await subscribeRaw(raw, 'year > 2000');
    const seen = pushes(raw);
    const q = reader.context().query(Album, 'year > 2000');
    await q.loaded;

    await albums.edit(id, (m) => m.text('notes').insert(50_000, 'y'));
    await until(q.items$, (items) => items[0]?.notes?.length === 100_001);
    const [push] = await seen.atLeast(1);
    expect(push?.frame.events).toHaveLength(1);
    expect(push?.bytes).toBeLessThan(1_000);
    const text = (await internals(server).loadLocal('album', id))?.values()['notes'];
    expect((await internals(reader).loadLocal('album', id))?.values()['notes']).toBe(text);
    q.unsubscribe();
  });

  it('sends the state when the edit does not continue what the connection holds (concurrent events)', async () => {
    const { server, srv, reader, id, seen, q, head } = await scene(rig, 'Fork');

    // Two events on the same parents: the server's head becomes both, which no single event line reaches.
    const a = edit(id, head, { name: 'A' });
    const b = edit(id, head, { year: 2003 });
    const committer = await rig.raw(srv.url);
    expect((await request(committer, { id: 1, kind: 'commit', events: [a, b] })).ok).toBe(true);
    await until(q.items$, (items) => items[0]?.year === 2003 && items[0]?.name === 'A');

    const [push] = await seen.atLeast(1);
    expect(push?.frame.events).toBeUndefined();
    expect(push?.frame.states.map((s) => s.head)).toEqual([[a.id, b.id].sort()]);
    expect(await headOn(reader, id)).toEqual(await headOn(server, id));
    q.unsubscribe();
  });

  it('reads the entity again when the copy is not at the events’ parents, and catches up', async () => {
    const { node: server, srv } = await rig.server();
    const { node: writer } = await rig.client(srv.url);
    const { node: reader } = await rig.client(srv.url);
    const id = await addAlbum(writer, 'Lost', 2001);
    // The writer holds the entity in a live query too, so its edits read nothing from the server.
    const held = writer.context().query(Album, 'year > 2000');
    await held.loaded;
    const q = reader.context().query(Album, 'year > 2000');
    await q.loaded;
    const albums = writer.context().collection(Album);

    // The reader's storage fails while it keeps the first edit: its copy stays where it was.
    const storage = internals(reader).storage;
    const commit = storage.commit.bind(storage);
    let failures = 0;
    storage.commit = async (batch) => {
      if (failures === 0 && batch.states.some((s) => s.id === id && s.values['year'] === 2002)) {
        failures++;
        throw new Error('disk full');
      }
      return commit(batch);
    };
    const reported = until(reader.errors$, (e) => /disk full/.test(e.message));
    const gets = countGets();
    await albums.edit(id, (m) => {
      m.year = 2002;
    });
    await reported;
    expect((await internals(reader).loadLocal('album', id))?.values()['year']).toBe(2001);

    // The next edit's event continues a head the reader lacks: it reads the entity again.
    await albums.edit(id, (m) => {
      m.name = 'Found';
    });
    await until(q.items$, (items) => items[0]?.name === 'Found' && items[0]?.year === 2002);
    expect(gets()).toBe(1);
    expect(await headOn(reader, id)).toEqual(await headOn(server, id));
    q.unsubscribe();
    held.unsubscribe();
  });

  it('a writer subscribed to its own edits keeps them without reading again', async () => {
    const { node: server, srv } = await rig.server();
    const { node: writer } = await rig.client(srv.url);
    const id = await addAlbum(writer, 'Mine', 2001);
    const q = writer.context().query(Album, 'year > 2000');
    await q.loaded;
    const gets = countGets();
    const albums = writer.context().collection(Album);
    for (let year = 2002; year < 2012; year++)
      await albums.edit(id, (m) => {
        m.year = year;
      });
    await until(q.items$, (items) => items[0]?.year === 2011);
    // One more round trip, so every push of the edits above has been handled.
    await writer.context().fetch(Album, 'year > 3000');
    expect(gets()).toBe(0);
    expect(await headOn(writer, id)).toEqual(await headOn(server, id));
    q.unsubscribe();
  });

  it('a commit of several events in a line pushes them all, in order', async () => {
    const { srv, reader, id, seen, q, head } = await scene(rig, 'Line');
    const a = edit(id, head, { year: 2005 });
    const b = edit(id, [a.id], { name: 'B' });
    const committer = await rig.raw(srv.url);
    expect((await request(committer, { id: 1, kind: 'commit', events: [a, b] })).ok).toBe(true);
    await until(q.items$, (items) => items[0]?.name === 'B');
    const [push] = await seen.atLeast(1);
    expect(push?.frame.events?.map((e) => e.id)).toEqual([a.id, b.id]);
    expect(push?.frame.states).toEqual([]);
    expect(await headOn(reader, id)).toEqual([b.id]);
    q.unsubscribe();
  });

  it('a connection remembers at most maxTrackedRows heads; an entity it forgot is pushed as its state', async () => {
    const { srv } = await rig.server({}, { limits: { maxTrackedRows: 2 } });
    const { node: writer } = await rig.client(srv.url);
    const first = await addAlbum(writer, 'First', 2001);
    const raw = await rig.raw(srv.url);
    await subscribeRaw(raw, 'year = 2001');
    const seen = pushes(raw);
    // Two more albums fetched by this connection: the first one's head is the oldest, and forgotten.
    await addAlbum(writer, 'Second', 2002);
    await addAlbum(writer, 'Third', 2003);
    const fetched = await request(raw, {
      id: 2,
      kind: 'fetch',
      collection: 'album',
      selection: 'year > 2001',
    });
    expect((fetched.result as PushFrame).states).toHaveLength(2);
    await writer
      .context()
      .collection(Album)
      .edit(first, (m) => {
        m.name = 'Edited';
      });
    const [push] = await seen.atLeast(1);
    expect(push?.frame.events).toBeUndefined();
    expect(push?.frame.states.map((s) => s.id)).toEqual([first]);
  });

  it('an edit that hides the entity from the connection goes out as gone, never as its events', async () => {
    const rest = await rig.server({
      policy: new (class extends PermissiveAgent {
        override filterPredicate(): string {
          return "name != 'Secret'";
        }
      })(),
    });
    const { node: server, srv } = rest;
    const { node: writer } = await rig.client(srv.url);
    const id = await addAlbum(writer, 'Open', 2001);
    const raw = await rig.raw(srv.url);
    await subscribeRaw(raw, 'year > 2000');
    const seen = pushes(raw);
    const head = [...((await headOn(server, id)) ?? [])];
    const hide = edit(id, head, { name: 'Secret' });
    const committer = await rig.raw(srv.url);
    expect((await request(committer, { id: 1, kind: 'commit', events: [hide] })).ok).toBe(true);
    const [push] = await seen.atLeast(1);
    expect(push?.frame.events).toBeUndefined();
    expect(push?.frame.states).toEqual([]);
    expect(push?.frame.gone).toEqual([{ collection: 'album', id }]);
  });

  it('splits a push of events larger than maxAnswerBytes between entities, keeping each one’s events whole', async () => {
    const { srv } = await rig.server({}, { limits: { maxAnswerBytes: 50_000 } });
    const { node: writer } = await rig.client(srv.url);
    const create = writer.context().begin();
    const ids: string[] = [];
    for (let i = 0; i < 10; i++)
      ids.push((await create.create(Album, { name: `A${i}`, artist: 'M', year: 2001 })).id);
    await create.commit();
    const raw = await rig.raw(srv.url);
    await subscribeRaw(raw, 'true');
    const seen = pushes(raw);
    // One transaction: one push of about 100 kB of events, 10 kB per entity.
    const trx = writer.context().begin();
    for (const id of ids) (await trx.edit(Album, id)).text('notes').insert(0, 'n'.repeat(10_000));
    await trx.commit();
    const events = (): number => seen.list.reduce((n, p) => n + (p.frame.events?.length ?? 0), 0);
    while (events() < ids.length) await seen.atLeast(seen.list.length + 1);
    expect(seen.list.length).toBeGreaterThan(1);
    for (const p of seen.list) {
      expect(p.bytes).toBeLessThan(50_000);
      expect(p.frame.states).toEqual([]);
    }
    expect(seen.list.flatMap((p) => p.frame.events?.map((e) => e.entityId) ?? []).sort()).toEqual(
      [...ids].sort(),
    );
  });

  it('an edit that changes no value still moves the subscriber’s head, without telling its live queries', async () => {
    const { server, srv, reader, id, seen, q, head } = await scene(rig, 'Same');
    let emissions = 0;
    q.items$.subscribe(() => emissions++);
    const before = emissions;
    const stored = storedHead(reader, id);
    const same = edit(id, head, { year: 2001 }); // the value it already has
    const committer = await rig.raw(srv.url);
    expect((await request(committer, { id: 1, kind: 'commit', events: [same] })).ok).toBe(true);
    const [push] = await seen.atLeast(1);
    expect(push?.frame.events?.map((e) => e.id)).toEqual([same.id]);
    expect(await stored((h) => h.includes(same.id))).toEqual([same.id]);
    expect(await headOn(server, id)).toEqual([same.id]);
    // A read through the reader's node, after its adoption (the node's lock orders them): nothing was emitted.
    await reader.context().fetch(Album, 'year > 3000');
    expect(emissions).toBe(before);
  });

  it('a concurrent write that loses still moves the subscriber’s head to the merge', async () => {
    const { server, srv, reader, id, seen, q, head } = await scene(rig, 'Lose');
    const loser = edit(id, head, { year: 2004 }); // minted first: the smaller id loses the field
    const winner = edit(id, head, { year: 2005 });
    const committer = await rig.raw(srv.url);
    expect((await request(committer, { id: 1, kind: 'commit', events: [winner] })).ok).toBe(true);
    await until(q.items$, (items) => items[0]?.year === 2005);
    const stored = storedHead(reader, id);
    expect((await request(committer, { id: 2, kind: 'commit', events: [loser] })).ok).toBe(true);
    const merged = [loser.id, winner.id].sort();
    expect(await stored((h) => h.length === 2)).toEqual(merged);
    expect(await headOn(server, id)).toEqual(merged);
    expect((await seen.atLeast(2)).at(-1)?.frame.states.map((s) => s.head)).toEqual([merged]);
  });
});
