import { createServer, type Server as HttpServer } from 'node:http';
import { type Socket as NetSocket } from 'node:net';
import { MemoryStorage, Node } from 'ankurah';
import { SocketServer } from 'ankurah/server';
import { addAlbum, Rig, request } from './harness';
import { Album, Artist } from '../../fixtures/models';

/** Counts the writes a server makes to the operating system, per accepted TCP connection. */
function countWrites(http: HttpServer): NetSocket[] & { writes: Map<NetSocket, number> } {
  const sockets = Object.assign([] as NetSocket[], { writes: new Map<NetSocket, number>() });
  http.on('connection', (s: NetSocket) => {
    sockets.push(s);
    sockets.writes.set(s, 0);
    const raw = s as unknown as Record<'_write' | '_writev', (...a: unknown[]) => unknown>;
    for (const method of ['_write', '_writev'] as const) {
      const f = raw[method].bind(s);
      raw[method] = (...a: unknown[]) => {
        sockets.writes.set(s, (sockets.writes.get(s) ?? 0) + 1);
        return f(...a);
      };
    }
  });
  return sockets;
}

describe('Socket.IO packets with a binary attachment', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  async function serve(): Promise<{ url: string; node: Node; sockets: ReturnType<typeof countWrites> }> {
    const http = createServer();
    const sockets = countWrites(http);
    const node = rig.track(await Node.durable(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const srv = rig.track(await SocketServer.listen(node, { httpServer: http }), (s) => s.close());
    rig.track(http, (h) => new Promise((r) => h.close(r)));
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    rig.track(http, (h) => h.closeAllConnections());
    return { url: `http://127.0.0.1:${srv.port}`, node, sockets };
  }

  it('leave the server in one write: answers and pushes', async () => {
    const { url, sockets } = await serve();
    const { node: writer } = await rig.client(url);
    const id = await addAlbum(writer, 'Bytes', 2001);
    const albums = writer.context().collection(Album);
    await albums.edit(id, (m) => m.text('notes').insert(0, 'binary'));
    const raw = await rig.raw(url);
    const mine = sockets.at(-1) as NetSocket;

    sockets.writes.set(mine, 0);
    const answer = await request(raw, { id: 1, kind: 'get', collection: 'album', entityId: id });
    const notes = (answer.result as { states: { text: Record<string, unknown> }[] }).states[0]?.text.notes;
    expect(Buffer.isBuffer(notes) || notes instanceof ArrayBuffer || notes instanceof Uint8Array).toBe(true);
    // The header frame and the binary frame, together.
    expect(sockets.writes.get(mine)).toBe(1);

    const sub = await request(raw, {
      id: 2,
      kind: 'subscribe',
      sub: 's1',
      collection: 'album',
      selection: 'year = 2001',
      held: [],
    });
    expect(sub.ok).toBe(true);
    const pushed = new Promise<unknown[]>((resolve) =>
      raw.once('ankurah:push', (...a: unknown[]) => resolve(a)),
    );
    sockets.writes.set(mine, 0);
    await albums.edit(id, (m) => m.text('notes').insert(0, 'one write '));
    const [frame, attachment] = await pushed;
    // The client was sent the entity at its parents, so the push carries the edit's event (its Yjs update binary).
    expect((frame as { states: unknown[] }).states).toHaveLength(0);
    expect((frame as { events: unknown[] }).events).toHaveLength(1);
    expect(attachment).toBeDefined();
    expect(sockets.writes.get(mine)).toBe(1);
  });
});
