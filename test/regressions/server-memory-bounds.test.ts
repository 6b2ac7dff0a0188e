import { firstValueFrom, filter } from 'rxjs';
import { Manager } from 'socket.io-client';
import {
  PermissiveAgent,
  ProtocolError,
  UnavailableError,
  type ContextData,
  type Handshake,
  type Node,
} from 'ankurah';
import { PROTOCOL_VERSION } from 'ankurah/spi';
import { SocketServer } from 'ankurah/server';
import { newId } from '../../src/event/ids';
import { Album } from '../fixtures/models';
import { Rig, request, until } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// The durable node's memory and time must be bounded per connection: a client that does not read its socket
// is cut once over a byte budget, the number of connections is capped, and one connection's requests in flight
// have a cost budget.

async function addWithNotes(node: Node, name: string, notes: string): Promise<void> {
  const trx = node.context().begin();
  const m = await trx.create(Album, { name, artist: 'Muse', year: 2001 });
  m.text('notes').insert(0, notes);
  await trx.commit();
}

/** Answers reads only once opened: requests stay in flight as long as the test wants. */
class GatedAgent extends PermissiveAgent {
  open!: () => void;
  readonly #opened = new Promise<void>((resolve) => (this.open = resolve));

  override async canAccessCollection(): Promise<boolean> {
    await this.#opened;
    return true;
  }
}

/** Authenticates `{ slow: true }` only once opened. */
class SlowAuth extends PermissiveAgent {
  open!: () => void;
  readonly #opened = new Promise<void>((resolve) => (this.open = resolve));

  override async authenticate(h: Handshake): Promise<ContextData> {
    if ((h.auth as { slow?: unknown } | undefined)?.slow) await this.#opened;
    return {};
  }
}

describe('bounds on what one connection costs the server', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('cuts a client that stopped reading once its unread pushes exceed maxPendingBytes; others are served', async () => {
    const { node: server, srv } = await rig.server({}, { limits: { maxPendingBytes: 200_000 } });
    const { node: writer, conn: writerConn } = await rig.client(srv.url);
    const { node: reader, conn: readerConn } = await rig.client(srv.url);
    const stalled = await rig.raw(srv.url);
    const sub = { id: 1, kind: 'subscribe', sub: 's1', collection: 'album', selection: 'true', held: [] };
    expect((await request(stalled, sub)).ok).toBe(true);
    // The stalled client stops reading its TCP socket: what the server writes piles up.
    const ws = (stalled.io.engine as unknown as { transport: { ws: { pause(): void; terminate(): void } } })
      .transport.ws;
    ws.pause();
    rig.track(ws, (w) => w.terminate()); // a paused socket would wait out the close handshake
    const q = reader.context().query(Album, 'true');
    await q.loaded;
    let cut = false;
    const report = firstValueFrom(server.errors$.pipe(filter((e) => /maxPendingBytes/.test(e.message))));
    void report.then(() => (cut = true));
    const note = 'x'.repeat(100_000);
    let written = 0;
    while (!cut && written < 400) await addWithNotes(writer, `A${written++}`, note);
    expect(cut).toBe(true);
    expect((await report).message).toMatch(/bytes written to it were still unread/);
    // Kernel buffers take a few MB before anything waits in the server's memory; far less than 400 commits.
    expect(written).toBeLessThan(400);
    await addWithNotes(writer, 'after', 'still served');
    const items = await until(q.items$, (all) => all.length === written + 1);
    expect(items.find((a) => a.name === 'after')?.notes).toBe('still served');
    expect(writerConn.connected && readerConn.connected).toBe(true);
    expect(srv.connections).toBe(2);
    q.unsubscribe();
  });

  it('refuses the connection over maxConnections at the handshake with UnavailableError', async () => {
    const { srv } = await rig.server({}, { limits: { maxConnections: 2 } });
    const { node: a } = await rig.client(srv.url);
    await rig.client(srv.url);
    const refused = await rig.client(srv.url).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(UnavailableError);
    expect((refused as Error).message).toMatch(/at most 2 connections.*maxConnections/);
    expect(srv.connections).toBe(2);
    await addWithNotes(a, 'served', 'yes');
    expect(await a.context().fetch(Album, 'true')).toHaveLength(1);
  });

  it('a client refused by a full server while reconnecting keeps trying', async () => {
    const { node: server, srv } = await rig.server();
    const { node: client, conn } = await rig.client(srv.url);
    const listen = (maxConnections: number) =>
      rig.track(
        SocketServer.listen(server, { port: srv.port, host: '127.0.0.1', limits: { maxConnections } }),
        async (s) => (await s).close(),
      );
    const refused = firstValueFrom(client.errors$.pipe(filter((e) => e instanceof UnavailableError)));
    await srv.close();
    const full = await listen(0);
    expect((await refused).message).toMatch(/maxConnections/);
    await full.close();
    await listen(1);
    await client.ready(); // attached again: the client retried after the refusal
    expect(conn.connected).toBe(true);
  });

  it('counts one slot per underlying connection, however many handshakes it sends', async () => {
    const policy = new SlowAuth();
    const { srv } = await rig.server({ policy }, { limits: { maxConnections: 2 } });
    // A hand-made client sends five handshakes on one connection while the first is being authenticated.
    const manager = rig.track(
      new Manager(srv.url, { transports: ['websocket'], autoConnect: false, reconnection: false }),
      (m) => m.engine?.close(),
    );
    const refusals: string[] = [];
    await new Promise<void>((resolve) => manager.open(() => resolve()));
    const engine = manager.engine as unknown as {
      write(packet: string): void;
      on(event: 'message', listener: (data: unknown) => void): void;
    };
    const fiveRefused = new Promise<void>((resolve) =>
      engine.on('message', (data) => {
        if (typeof data === 'string' && data.startsWith('4')) refusals.push(data);
        if (refusals.length === 4) resolve();
      }),
    );
    const hello = { v: PROTOCOL_VERSION, nodeId: newId(), durable: false };
    for (let i = 0; i < 5; i++) engine.write(`0${JSON.stringify({ hello, auth: { slow: true } })}`);
    await fiveRefused;
    expect(refusals.every((r) => r.includes('already opened a session'))).toBe(true);
    await rig.client(srv.url); // the second slot is still free
    await expect(rig.client(srv.url)).rejects.toBeInstanceOf(UnavailableError);
    policy.open();
  });

  it("refuses a request over the connection's maxCostInFlight with ProtocolError", async () => {
    const policy = new GatedAgent();
    const { srv } = await rig.server({ policy }, { limits: { maxCostInFlight: 12_000 } });
    const raw = await rig.raw(srv.url);
    const ids = Array.from({ length: 5_000 }, () => newId());
    const frame = (id: number) => ({ id, kind: 'getEvents', collection: 'album', ids });
    const first = request(raw, frame(1));
    const second = request(raw, frame(2));
    const third = await request(raw, frame(3));
    expect(third.ok).toBe(false);
    expect(third.error?.code).toBe('PROTOCOL');
    expect(third.error?.message).toMatch(/would cost 15003.*maxCostInFlight 12000/);
    policy.open();
    expect((await first).ok).toBe(true);
    expect((await second).ok).toBe(true);
    expect((await request(raw, frame(4))).ok).toBe(true);
  });

  it('holds back an honest burst on the client instead of having it refused', async () => {
    const { node: server, srv } = await rig.server({}, { limits: { maxCostInFlight: 100 } });
    const { node: client } = await rig.client(srv.url);
    const commit = async (batch: number): Promise<void> => {
      const trx = client.context().begin();
      for (let i = 0; i < 30; i++)
        await trx.create(Album, { name: `B${batch}-${i}`, artist: 'Muse', year: 2001 });
      await trx.commit();
    };
    await Promise.all([0, 1, 2, 3, 4].map(commit));
    expect(await server.context().fetch(Album, 'true')).toHaveLength(150);
    expect(internals(client).pending$.value).toBe(0);
  });

  it('the cost limit has a ProtocolError at the caller when one request alone is over it', async () => {
    const { srv } = await rig.server({}, { limits: { maxCostInFlight: 10 } });
    const { node: client } = await rig.client(srv.url);
    const trx = client.context().begin();
    for (let i = 0; i < 12; i++) await trx.create(Album, { name: `C${i}`, artist: 'Muse', year: 2001 });
    await expect(trx.commit()).rejects.toBeInstanceOf(ProtocolError);
  });
});

describe('rows tracked by one connection', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('refuses a live query that would make the connection track more than maxTrackedRows', async () => {
    const { node: server, srv } = await rig.server({}, { limits: { maxTrackedRows: 25 } });
    for (let i = 0; i < 20; i++) await addWithNotes(server, `R${i}`, '');
    const raw = await rig.raw(srv.url);
    const sub = (id: number, name: string, kind = 'subscribe') =>
      request(raw, { id, kind, sub: name, collection: 'album', selection: 'year = 2001', held: [] });
    expect((await sub(1, 's1')).ok).toBe(true);
    const refused = await sub(2, 's2');
    expect(refused.error?.code).toBe('PROTOCOL');
    expect(refused.error?.message).toMatch(/track 40 rows \(limit maxTrackedRows 25\)/);
    expect((await request(raw, { id: 3, kind: 'unsubscribe', sub: 's1' })).ok).toBe(true);
    expect((await sub(4, 's3')).ok).toBe(true);
  });
});
