/*
 * Child process of bench/scale.ts: a share of the simulated clients, each with its own connection and a live
 * query on one room (ankurah: an ephemeral node per client; raw: a bare Socket.IO socket that joined the room),
 * plus the writers placed here. Each client records, for every update written through another server, the
 * time from the writer's commit to its own emission (process.hrtime is system-wide monotonic on Linux).
 */
import 'reflect-metadata';
import { io, type Socket } from 'socket.io-client';
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { Msg } from '../test/fixtures/fanout-model';
import { now } from './stats';

export interface ClientSetup {
  readonly mode: 'ankurah' | 'raw';
  readonly urls: readonly string[];
  /** Global indexes of this process' clients: [first, first + count). */
  readonly first: number;
  readonly count: number;
  readonly rooms: number;
  /** Rooms whose writer runs here (the writer of room k connects to server k % servers). */
  readonly writers: readonly number[];
}

const MAX_SAMPLES = 30_000;
const samples: number[] = [];
let seen = 0;
/** Reservoir sampling keeps the latency list bounded whatever the rate. */
function record(ms: number): void {
  seen++;
  if (samples.length < MAX_SAMPLES) samples.push(ms);
  else {
    const i = Math.floor(Math.random() * seen);
    if (i < MAX_SAMPLES) samples[i] = ms;
  }
}

const serverOf = (g: number, s: ClientSetup): number => Math.floor(g / s.rooms) % s.urls.length;
const closers: (() => unknown)[] = [];

async function ankurahClient(g: number, s: ClientSetup): Promise<void> {
  const server = serverOf(g, s);
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Msg] });
  const conn = await SocketClient.connect(node, s.urls[server] as string);
  const q = node.context().query(Msg, 'room = ?', `r${g % s.rooms}`);
  q.subscribe((cs) => {
    if (cs.initial) return;
    const t = now();
    for (const c of cs.changes) if (c.view.body !== String(server)) record(t - c.view.t);
  });
  await q.loaded;
  closers.push(
    () => conn.close(),
    () => node.close(),
  );
}

async function rawClient(g: number, s: ClientSetup): Promise<void> {
  const server = serverOf(g, s);
  const socket = io(s.urls[server] as string, { transports: ['websocket'], forceNew: true });
  socket.on('msg', (m: { s: number; t: number }) => {
    if (m.s !== server) record(now() - m.t);
  });
  await socket.emitWithAck('join', `r${g % s.rooms}`);
  closers.push(() => socket.close());
}

/** A closed-loop writer: commits (or publishes) one update after the other until `until`. */
async function writer(room: number, s: ClientSetup, until: number): Promise<number> {
  const server = room % s.urls.length;
  const url = s.urls[server] as string;
  let n = 0;
  if (s.mode === 'raw') {
    const socket: Socket = io(url, { transports: ['websocket'], forceNew: true });
    while (now() < until) {
      await socket.emitWithAck('pub', { room: `r${room}`, s: server, t: now() });
      n++;
    }
    socket.close();
    return n;
  }
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Msg] });
  const conn = await SocketClient.connect(node, url);
  const trx = node.context().begin();
  const id = (await trx.create(Msg, { room: `r${room}`, body: String(server), t: now() })).id;
  await trx.commit();
  // The view this client holds (an edit of a held view needs no read from the server first).
  const view = await node.context().get(Msg, id);
  while (now() < until) {
    const t = node.context().begin();
    (await t.edit(view)).t = now();
    await t.commit();
    n++;
  }
  conn.close();
  await node.close();
  return n;
}

let setup: ClientSetup;
process.on('message', (m: { kind: string; setup?: ClientSetup; ms?: number }) => {
  void (async () => {
    if (m.kind === 'setup' && m.setup) {
      setup = m.setup;
      const make = setup.mode === 'raw' ? rawClient : ankurahClient;
      // In small waves: a thousand handshakes at once would only measure the accept queue.
      for (let i = 0; i < setup.count; i += 25) {
        const wave = [];
        for (let j = i; j < Math.min(setup.count, i + 25); j++) wave.push(make(setup.first + j, setup));
        await Promise.all(wave);
      }
      process.send?.({ kind: 'ready' });
    } else if (m.kind === 'go') {
      const until = now() + (m.ms ?? 0);
      const counts = await Promise.all(setup.writers.map((room) => writer(room, setup, until)));
      process.send?.({ kind: 'written', commits: counts.reduce((a, b) => a + b, 0) });
    } else if (m.kind === 'report') {
      process.send?.({ kind: 'report', samples, seen });
    } else if (m.kind === 'close') {
      for (const c of closers) await c();
      process.exit(0);
    }
  })();
});
