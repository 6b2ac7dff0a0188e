import { firstValueFrom, toArray } from 'rxjs';
import { LocalConnector, MemoryStorage, Node, UnavailableError } from 'ankurah';
import { SocketServer } from 'ankurah/server';
import { SocketClient } from 'ankurah';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';
import { waitUntil } from '../fixtures/poll';

// Found while tracking a Jest worker that did not exit: closing an ephemeral node left its SocketClient's
// socket open (the process stayed alive, the server kept the connection and its live queries), and a connect
// still under way when the node closed went on retrying until its timeout. A connection now ends with its node.

const models = [Album];

describe('regression: closing a node ends its connections', () => {
  it('a connected SocketClient disconnects when its node closes, and the server drops the connection', async () => {
    const server = await Node.durable(new MemoryStorage(), { models });
    const srv = await SocketServer.listen(server, { port: 0, host: '127.0.0.1' });
    const node = await Node.ephemeral(new MemoryStorage(), { models });
    try {
      const conn = await SocketClient.connect(node, srv.url);
      await node.ready();
      const q = node.context().query(Album, 'year > 2000');
      await q.loaded;
      const states = firstValueFrom(conn.connected$.pipe(toArray()));
      expect(srv.connections).toBe(1);
      await node.close();
      // connected$ completed (toArray resolves only then), its last value false.
      expect((await states).at(-1)).toBe(false);
      expect(conn.connected).toBe(false);
      await waitUntil(() => srv.connections === 0, 'the server to see the client leave');
      conn.close(); // still harmless
    } finally {
      if (!node.closed) await node.close();
      await srv.close();
      await server.close();
    }
  });

  it('a connect under way fails at once with UnavailableError when the node closes', async () => {
    const node = await Node.ephemeral(new MemoryStorage(), { models });
    // Nothing listens on the discard port: Socket.IO retries until the timeout, a minute here.
    const connecting = SocketClient.connect(node, 'http://127.0.0.1:9', { timeout: 60_000 });
    const started = Date.now();
    await node.close();
    const error: unknown = await connecting.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnavailableError);
    expect((error as Error).message).toMatch(/is closed/);
    // Well before the timeout (the test's own timeout is 30 s).
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('a connect on a node closed already fails at once, without opening a socket', async () => {
    const server = await Node.durable(new MemoryStorage(), { models });
    const srv = await SocketServer.listen(server, { port: 0, host: '127.0.0.1' });
    const node = await Node.ephemeral(new MemoryStorage(), { models });
    try {
      await node.close();
      await expect(SocketClient.connect(node, srv.url)).rejects.toThrow(/is closed/);
      expect(srv.connections).toBe(0);
    } finally {
      await srv.close();
      await server.close();
    }
  });

  it("closing the ephemeral node of a LocalConnector ends the server session's live queries", async () => {
    const server = await Node.durable(new MemoryStorage(), { models });
    const node = await Node.ephemeral(new MemoryStorage(), { models });
    try {
      const watches = internals(server).reactor.size;
      await LocalConnector.connect(server, node);
      const q = node.context().query(Album, 'year > 2000');
      await q.loaded;
      expect(internals(server).reactor.size).toBe(watches + 1);
      await node.close();
      expect(internals(server).reactor.size).toBe(watches);
    } finally {
      if (!node.closed) await node.close();
      await server.close();
    }
  });

  it('closing the durable node of a LocalConnector takes the ephemeral node offline', async () => {
    const server = await Node.durable(new MemoryStorage(), { models });
    const node = await Node.ephemeral(new MemoryStorage(), { models });
    try {
      await LocalConnector.connect(server, node);
      await node.ready();
      expect(internals(node).peers.connected).toBe(true);
      await server.close();
      expect(internals(node).peers.connected).toBe(false);
    } finally {
      await node.close();
      if (!server.closed) await server.close();
    }
  });
});
