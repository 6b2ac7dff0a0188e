/*
 * Child process of bench/sync.ts: clients A and B (ephemeral nodes, SocketClient) in one process, and raw
 * Socket.IO clients of the echo server (an echo client, and two relay clients standing for A and B). Blocks of
 * echo round trips, of commit → live query rounds and of relay rounds alternate, so that all three figures see
 * the same load; they are measured twice, while the processes warm up and once they are steady (ClientsResult).
 * Reports the samples, the per-round marks and its GC pauses.
 */
import 'reflect-metadata';
import { io, type Socket } from 'socket.io-client';
import { Album } from '../samples/albums/models';
import { type RelayFrame } from './sync-echo';
import { addAlbum, client, ECHO_PAYLOAD } from './sync-shared';
import { clientMarks, gcPauses, type Pause, type Round } from './sync-hops';
import { now } from './stats';

export interface ClientsRun {
  readonly url: string;
  readonly echoUrl: string;
  readonly blocks: number;
  readonly perBlock: number;
  /** Untimed rounds of each kind before the first measured phase. */
  readonly warmUp: number;
  /** Further untimed rounds of each kind between the two measured phases. */
  readonly steadyWarmUp: number;
}

/** One measured phase: `blocks` blocks of each kind, in the order they ran. */
export interface Phase {
  readonly echoes: number[];
  readonly rounds: Round[];
  readonly relays: number[];
}

/**
 * Two phases: `warming`, right after `warmUp` rounds, while V8 is still optimising the code of all three
 * processes (its compiler threads share the machine's cores), and `steady`, after `steadyWarmUp` more.
 */
export interface ClientsResult {
  readonly warming: Phase;
  readonly steady: Phase;
  readonly pauses: Pause[];
}

/**
 * SYNC_CPU=1 also reads this process's CPU time around each round (two getrusage calls, outside its clock).
 * Off by default: the echo rounds make no such call, and on a VM a system call costs the code after it some
 * µs (it finds the caches cold), so the readings would slow only our rounds.
 */
const CPU = process.env.SYNC_CPU === '1';

/** A raw Socket.IO client of the echo server, connected. */
async function rawClient(url: string): Promise<Socket> {
  const s = io(url, { transports: ['websocket'] });
  await new Promise<void>((r) => s.once('connect', () => r()));
  return s;
}

async function main(run: ClientsRun): Promise<void> {
  const marks = clientMarks();
  const pauses = gcPauses();
  const echo = await rawClient(run.echoUrl);
  // The relay's A and B: A sends a commit-like frame, B's push is awaited with A's answer, as in our rounds.
  const relayA = await rawClient(run.echoUrl);
  const relayB = await rawClient(run.echoUrl);
  await relayB.emitWithAck('watch', null);
  let relayed: (() => void) | undefined;
  relayB.on('relayed', () => relayed?.());
  const a = await client(run.url);
  const b = await client(run.url);
  const id = await addAlbum(a.node, 'bench', 1900);
  const q = b.node.context().query(Album, "name = 'bench'");
  const waiting = new Map<number, () => void>();
  q.items$.subscribe((items) => {
    const year = items[0]?.year;
    if (year !== undefined) waiting.get(year)?.();
  });
  await new Promise<void>((r) => waiting.set(1900, r));
  waiting.clear();

  let n = 0;
  const round = async (): Promise<Round> => {
    const year = 1901 + (n++ % 199);
    const t = a.node.context().begin();
    (await t.edit(Album, id)).year = year;
    let emitted = 0;
    const seen = new Promise<void>((r) =>
      waiting.set(year, () => {
        emitted = now();
        waiting.delete(year);
        r();
      }),
    );
    const cpu = CPU ? process.cpuUsage() : undefined;
    const t0 = now();
    await Promise.all([seen, t.commit()]);
    const c = cpu ? process.cpuUsage(cpu) : undefined;
    return {
      t0,
      sent: marks.sent,
      received: marks.received,
      acked: marks.acked,
      emitted,
      cpu: c ? (c.user + c.system) / 1000 : NaN,
    };
  };
  const echoOnce = async (): Promise<number> => {
    const t0 = now();
    await echo.emitWithAck('echo', ECHO_PAYLOAD);
    return now() - t0;
  };

  let r = 0;
  const relayEntity = '01JRELAYENTITY0000000000AA';
  let relayHead = '01JRELAYEVENT0000000000000';
  const relayOnce = async (): Promise<number> => {
    r++;
    const event = `01JRELAY${String(r).padStart(18, '0')}`;
    const frame: RelayFrame = {
      id: r,
      events: [
        {
          id: event,
          entityId: relayEntity,
          parents: [relayHead],
          operations: {
            lww: r === 1 ? { name: 'bench', artist: 'A', year: 1900, notes: '' } : { year: 1901 + (r % 199) },
          },
        },
      ],
    };
    relayHead = event;
    const seen = new Promise<void>((res) => (relayed = res));
    const t0 = now();
    await Promise.all([seen, relayA.emitWithAck('relay', frame)]);
    return now() - t0;
  };

  const warm = async (rounds: number): Promise<void> => {
    for (let i = 0; i < rounds; i++) {
      await echoOnce();
      await round();
      await relayOnce();
    }
  };
  const measure = async (): Promise<Phase> => {
    const phase: Phase = { echoes: [], rounds: [], relays: [] };
    for (let blk = 0; blk < run.blocks; blk++) {
      for (let i = 0; i < run.perBlock; i++) phase.echoes.push(await echoOnce());
      for (let i = 0; i < run.perBlock; i++) phase.rounds.push(await round());
      for (let i = 0; i < run.perBlock; i++) phase.relays.push(await relayOnce());
    }
    return phase;
  };
  await warm(run.warmUp);
  const warming = await measure();
  await warm(run.steadyWarmUp);
  const steady = await measure();
  q.unsubscribe();
  for (const s of [echo, relayA, relayB]) s.close();
  for (const c of [a, b]) {
    c.conn.close();
    await c.node.close();
  }
  const done: ClientsResult = { warming, steady, pauses };
  // Exits only once the result is written: an exit right after send() can lose it.
  await new Promise<void>((resolve, reject) => {
    if (!process.send) resolve();
    else process.send(done, undefined, {}, (e) => (e ? reject(e) : resolve()));
  });
}

process.once('message', (msg: ClientsRun) => {
  main(msg).then(
    () => process.exit(0),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
});
