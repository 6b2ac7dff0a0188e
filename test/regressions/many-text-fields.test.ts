import { ProtocolError, type Node } from 'ankurah';
import { Album } from '../fixtures/models';
import { Rig, request, until } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// socket.io-parser refuses a packet with more than 10 binary attachments: every frame carrying Yjs state must
// travel whatever the number of text fields in it, and a frame the transport cannot carry must be an error.

async function commitWithNotes(node: Node, count: number, note = 'liner notes'): Promise<string[]> {
  const trx = node.context().begin();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const m = await trx.create(Album, { name: `A${i}`, artist: 'Muse', year: 2000 + i });
    m.text('notes').insert(0, `${note} ${i}`);
    ids.push(m.id);
  }
  await trx.commit();
  return ids;
}

describe('frames with more than 10 text fields', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('commits 11 and fetches 12 entities with notes; other clients stay connected', async () => {
    const { node: server, srv } = await rig.server();
    const { node: writer, conn: writerConn } = await rig.client(srv.url);
    const { node: reader, conn: readerConn } = await rig.client(srv.url);
    const q = reader.context().query(Album, "artist = 'Muse'");
    await q.loaded;
    const all = until(q.items$, (items) => items.length === 11);
    const ids = await commitWithNotes(writer, 11);
    expect(internals(writer).pending$.value).toBe(0);
    for (const id of ids) expect((await server.context().get(Album, id)).notes).toMatch(/^liner notes/);
    expect((await all).map((v) => v.notes).sort()).toEqual(ids.map((_, i) => `liner notes ${i}`).sort());
    await commitWithNotes(server, 1);
    const { node: fresh } = await rig.client(srv.url);
    const rows = await fresh.context().fetch(Album, "artist = 'Muse'");
    expect(rows).toHaveLength(12);
    expect(rows.every((r) => r.notes?.startsWith('liner notes'))).toBe(true);
    expect(writerConn.connected && readerConn.connected).toBe(true);
    expect(srv.connections).toBe(3);
    q.unsubscribe();
  });

  it('keeps text binary on the wire, in one attachment whatever the number of fields', async () => {
    const { node: server, srv } = await rig.server();
    const ids = await commitWithNotes(server, 20);
    const raw = await rig.raw(srv.url);
    const frame = { id: 1, kind: 'fetch', collection: 'album', selection: 'true' };
    const args = await new Promise<unknown[]>((resolve) =>
      raw.emit('ankurah:req', frame, (...a: unknown[]) => resolve(a)),
    );
    expect(args).toHaveLength(2);
    const attachment = args[1] as { at: unknown[]; len: number[]; bytes: unknown };
    expect(Buffer.isBuffer(attachment.bytes)).toBe(true);
    expect(attachment.at).toHaveLength(20);
    const answer = await request(raw, { ...frame, id: 2 });
    expect(answer.ok).toBe(true);
    const states = (answer.result as { states: { text: Record<string, unknown> }[] }).states;
    expect(states).toHaveLength(ids.length);
    for (const s of states) expect(Buffer.isBuffer(s.text.notes)).toBe(true);
  });

  it('refuses a frame larger than the server accepts with ProtocolError at the caller', async () => {
    const { srv } = await rig.server({}, { limits: { maxFrameBytes: 20_000 } });
    const { node: writer, conn } = await rig.client(srv.url);
    // Ten times the limit: beyond what the server's transport reads, so it must never be sent.
    const trx = writer.context().begin();
    const m = await trx.create(Album, { name: 'Huge', artist: 'Muse', year: 2001 });
    m.text('notes').insert(0, 'x'.repeat(200_000));
    await expect(trx.commit()).rejects.toBeInstanceOf(ProtocolError);
    expect(conn.connected).toBe(true);
    expect(internals(writer).pending$.value).toBe(0);
  });

  it('splits a push larger than maxAnswerBytes and refuses a larger answer with ProtocolError', async () => {
    const { srv } = await rig.server({}, { limits: { maxAnswerBytes: 50_000 } });
    const { node: writer } = await rig.client(srv.url);
    const raw = await rig.raw(srv.url);
    const sub = { id: 1, kind: 'subscribe', sub: 's1', collection: 'album', selection: 'true', held: [] };
    expect((await request(raw, sub)).ok).toBe(true);
    const frames: { states: number; bytes: number }[] = [];
    const all = new Promise<void>((resolve) => {
      let seen = 0;
      raw.on('ankurah:push', (frame: { states: unknown[] }, attachment?: { bytes: Uint8Array }) => {
        frames.push({ states: frame.states.length, bytes: attachment?.bytes.byteLength ?? 0 });
        if ((seen += frame.states.length) === 10) resolve();
      });
    });
    await commitWithNotes(writer, 10, 'n'.repeat(10_000)); // one transaction: one push of ~100 kB
    await all;
    expect(frames.length).toBeGreaterThan(1);
    for (const f of frames) expect(f.bytes).toBeLessThan(50_000);
    const fetched = await request(raw, { id: 2, kind: 'fetch', collection: 'album', selection: 'true' });
    expect(fetched.error?.code).toBe('PROTOCOL');
    expect(fetched.error?.message).toMatch(/maxAnswerBytes 50000.*LIMIT/);
    const limited = await request(raw, {
      id: 3,
      kind: 'fetch',
      collection: 'album',
      selection: 'true LIMIT 2',
    });
    expect(limited.ok).toBe(true);
  });
});
