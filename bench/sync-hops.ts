/*
 * Timestamps per hop of bench/sync.ts's commit → live query rounds, across processes (hrtime ms: one clock for
 * all processes on Linux), and the tail breakdown they give.
 */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { Socket as ClientSocket } from 'socket.io-client';
import { now, percentile } from './stats';

/** Server side of one commit: its frame arrived, the first push left, the answer left. */
export interface Hop {
  in: number;
  push: number;
  ack: number;
  /** Time in the storage's commit, and in its event reads, while handling this commit (ms). */
  store: number;
  read: number;
  /** When the storage commit returned. */
  stored: number;
  /** This process's CPU time (ms) when the frame arrived, then from there until the first push left (with SYNC_CPU=1; else 0). */
  cpu: number;
  pushCpu: number;
}

/** This process's CPU time (user + system), ms. */
export function cpuMs(): number {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
}

/** Client side of one round: commit() called, A's request emitted, B's push received, B emitted. */
export interface Round {
  t0: number;
  sent: number;
  received: number;
  /** A's answer to its commit arrived (in the same process as B). */
  acked: number;
  emitted: number;
  /** CPU time of the clients' process during the round, ms (with SYNC_CPU=1; else NaN). */
  cpu: number;
}

/** A GC pause, hrtime ms. */
export interface Pause {
  start: number;
  end: number;
  major: boolean;
}

/** Starts recording this process's GC pauses (in hrtime ms). */
export function gcPauses(): Pause[] {
  const pauses: Pause[] = [];
  const offset = now() - performance.now();
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      const start = e.startTime + offset;
      pauses.push({ start, end: start + e.duration, major: kind !== 1 });
    }
  }).observe({ entryTypes: ['gc'] });
  return pauses;
}

/** Records when socket.io-client sockets emit a request and receive a push (the last of each). */
export function clientMarks(): { sent: number; received: number; acked: number } {
  const marks = { sent: 0, received: 0, acked: 0 };
  const proto = ClientSocket.prototype as unknown as {
    emit(ev: string, ...a: unknown[]): unknown;
    onevent(packet: { data?: unknown[] }): void;
    onack(packet: unknown): void;
  };
  const onack = proto.onack;
  proto.onack = function (this: unknown, packet) {
    marks.acked = now();
    onack.call(this, packet);
  };
  const emit = proto.emit;
  proto.emit = function (this: unknown, ev: string, ...a: unknown[]) {
    if (ev === 'ankurah:req') marks.sent = now();
    return emit.call(this, ev, ...a);
  };
  const onevent = proto.onevent;
  proto.onevent = function (this: unknown, packet) {
    if (packet.data?.[0] === 'ankurah:push') marks.received = now();
    onevent.call(this, packet);
  };
  return marks;
}

const us = (ms: number): string => `${(ms * 1000).toFixed(0)}`;
const median = (v: readonly number[]): number => percentile(v, 50);

/** p50 / p99 of each hop, and what the rounds at or above the p99 overlapped. */
export function breakdown(rounds: readonly Round[], hops: readonly Hop[], gc: GcSides): string[] {
  const n = Math.min(rounds.length, hops.length);
  const legs: [string, (r: Round, h: Hop) => number][] = [
    ['A: commit() → request emitted', (r) => r.sent - r.t0],
    ['A → server (wire, parse)', (r, h) => h.in - r.sent],
    ['server: frame in → push out', (_r, h) => h.push - h.in],
    ['  its CPU time', (_r, h) => h.pushCpu],
    ['server → B (wire, parse)', (r, h) => r.received - h.push],
    ['B: push in → live query emits', (r) => r.emitted - r.received],
    ['server: frame in → answer out', (_r, h) => h.ack - h.in],
    ['  of which storage.commit', (_r, h) => h.store],
    ['  of which storage.getEvents', (_r, h) => h.read],
    ['  frame in → storage.commit called', (_r, h) => h.stored - h.store - h.in],
    ['  storage.commit returned → push out', (_r, h) => h.push - h.stored],
  ];
  const out = ['  hop (µs)                                            p50      p99'];
  const pairs = Array.from({ length: n }, (_, i) => [rounds[i] as Round, hops[i] as Hop] as const);
  const cpu = hops.some((h) => h.cpu > 0);
  const line = (label: string, v: readonly number[]): string =>
    `    ${label.padEnd(46)} ${us(percentile(v, 50)).padStart(7)} ${us(percentile(v, 99)).padStart(8)}`;
  for (const [label, f] of legs) {
    if (label.includes('CPU') && !cpu) continue;
    out.push(
      line(
        label,
        pairs.map(([r, h]) => f(r, h)),
      ),
    );
  }
  // CPU time per round of each process: everything it did for one commit (frames, storage, writes).
  const perRound: [string, number[]][] = [
    ["CPU per round: A and B's process", pairs.map(([r]) => r.cpu)],
    [
      'CPU per round: server (frame in → next frame in)',
      hops.slice(1, n).map((h, i) => h.cpu - (hops[i] as Hop).cpu),
    ],
  ];
  // Without SYNC_CPU=1 the clients send no CPU time (NaN, which arrives as null through process.send).
  const clientsCpu = rounds.every((r) => Number.isFinite(r.cpu));
  for (const [label, v] of perRound.filter((_, i) => (i === 0 ? clientsCpu : cpu))) out.push(line(label, v));
  const total = pairs.map(([r]) => r.emitted - r.t0);
  const cut = percentile(total, 99);
  const tail = pairs.filter(([r]) => r.emitted - r.t0 >= cut);
  const overlaps = (ps: readonly Pause[], r: Round, major: boolean): boolean =>
    ps.some((p) => p.major === major && p.start < r.emitted && p.end > r.t0);
  const count = (f: (r: Round) => boolean): number => tail.filter(([r]) => f(r)).length;
  const checkpointed = (r: Round): boolean => gc.checkpoints.some((p) => p.start < r.emitted && p.end > r.t0);
  const worst = (r: Round, h: Hop): string => {
    const parts = legs
      .slice(0, 6)
      .filter(([label]) => !label.startsWith(' '))
      .map(([label, f]) => [label, f(r, h)] as const);
    return parts.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
  };
  const where = new Map<string, number>();
  for (const [r, h] of tail) where.set(worst(r, h), (where.get(worst(r, h)) ?? 0) + 1);
  out.push(
    `  p99 tail (${tail.length} rounds >= ${us(cut)} µs): major GC clients ${count((r) => overlaps(gc.clients, r, true))}, ` +
      `server ${count((r) => overlaps(gc.server, r, true))}; scavenge clients ${count((r) => overlaps(gc.clients, r, false))}, ` +
      `server ${count((r) => overlaps(gc.server, r, false))}; a WAL checkpoint on the server ${count(checkpointed)}` +
      (clientsCpu
        ? `; clients' process on CPU < half the round ${count((r) => r.cpu < (r.emitted - r.t0) / 2)}`
        : ''),
    `  A's answer arrived before B's push in ${pairs.filter(([r]) => r.acked < r.received).length}, between B's push ` +
      `and B's emission in ${pairs.filter(([r]) => r.acked > r.received && r.acked < r.emitted).length} of ${n} rounds`,
    `  slowest hop of each tail round: ${[...where].map(([k, v]) => `${k} ×${v}`).join('; ')}`,
    `  the server's part of the tail rounds (median µs): before storage.commit ` +
      `${us(median(tail.map(([, h]) => h.stored - h.store - h.in)))}, storage.commit ${us(median(tail.map(([, h]) => h.store)))}, ` +
      `after it until the push ${us(median(tail.map(([, h]) => h.push - h.stored)))}; ` +
      `${gc.checkpoints.length} WAL checkpoints in the whole run`,
  );
  return out;
}

/** The GC pauses of the clients' process and of the server's, and the server's WAL checkpoints. */
export interface GcSides {
  clients: readonly Pause[];
  server: readonly Pause[];
  /** When the server's SQLite storage ran a WAL checkpoint (hrtime ms; `major` unused). */
  checkpoints: readonly Pause[];
}

/** Starts recording when better-sqlite3 runs a WAL checkpoint in this process (SqliteStorage's, after commits). */
export function walCheckpoints(database: {
  prototype: { pragma(source: string, ...a: unknown[]): unknown };
}): Pause[] {
  const out: Pause[] = [];
  const proto = database.prototype;
  const original = proto.pragma;
  proto.pragma = function (this: unknown, source: string, ...a: unknown[]) {
    if (!source.startsWith('wal_checkpoint')) return original.call(this, source, ...a);
    const start = now();
    try {
      return original.call(this, source, ...a);
    } finally {
      out.push({ start, end: now(), major: false });
    }
  };
  return out;
}
