/*
 * Child process of bench/sync.ts: a durable node served over Socket.IO, reporting its heap on request.
 * `--sqlite` stores on a SQLite file (a temporary directory) instead of memory; `--hops` records, per commit
 * request, when its frame arrived and when the pushes and the answer left (hrtime ms, comparable across
 * processes), the GC pauses and the WAL checkpoints, sent on 'hops'.
 */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Socket } from 'socket.io';
import { MemoryStorage, Node } from 'ankurah';
import { type StorageEngine } from 'ankurah/spi';
import { SocketServer } from 'ankurah/server';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../samples/albums/models';
import { cpuMs, gcPauses, walCheckpoints, type Hop, type Pause } from './sync-hops';
import { now } from './stats';

/** SYNC_CPU=1 also records CPU time per hop (two getrusage calls per commit, inside the timed hop). */
const CPU = process.env.SYNC_CPU === '1';

/** Wraps socket.io's server Socket to time commit frames in, pushes out and answers out. */
function recordHops(): Hop[] {
  const hops: Hop[] = [];
  const proto = Socket.prototype as unknown as {
    onevent(packet: { data?: unknown[] }): void;
    ack(id: number): (...a: unknown[]) => void;
    emit(ev: string, ...args: unknown[]): boolean;
  };
  const onevent = proto.onevent;
  proto.onevent = function (this: unknown, packet) {
    const [ev, frame] = packet.data ?? [];
    if (ev === 'ankurah:req' && (frame as { kind?: string } | null)?.kind === 'commit') {
      hops.push({
        in: now(),
        push: 0,
        ack: 0,
        store: 0,
        read: 0,
        stored: 0,
        cpu: CPU ? cpuMs() : 0,
        pushCpu: 0,
      });
    }
    onevent.call(this, packet);
  };
  const ack = proto.ack;
  proto.ack = function (this: unknown, id: number) {
    const answer = ack.call(this, id);
    const hop = hops.at(-1);
    return (...a: unknown[]) => {
      if (hop && hop.ack === 0) hop.ack = now();
      answer(...a);
    };
  };
  const emit = proto.emit;
  proto.emit = function (this: unknown, ev: string, ...args: unknown[]) {
    const hop = hops.at(-1);
    if (ev === 'ankurah:push' && hop && hop.push === 0) {
      hop.push = now();
      if (CPU) hop.pushCpu = cpuMs() - hop.cpu;
    }
    return emit.call(this, ev, ...args);
  };
  return hops;
}

/** Adds the time spent in storage reads and commits to the current commit's hop. */
function timeStorage(storage: StorageEngine, hops: Hop[]): void {
  const s = storage as unknown as Record<'commit' | 'getEvents', (...a: unknown[]) => Promise<unknown>>;
  for (const method of ['commit', 'getEvents'] as const) {
    const f = s[method].bind(storage);
    s[method] = async (...a: unknown[]) => {
      const t0 = now();
      try {
        return await f(...a);
      } finally {
        const hop = hops.at(-1);
        const t1 = now();
        if (hop && method === 'commit') [hop.store, hop.stored] = [hop.store + t1 - t0, t1];
        else if (hop) hop.read += t1 - t0;
      }
    };
  }
}

async function main(): Promise<void> {
  const sqlite = process.argv.includes('--sqlite');
  const hops = process.argv.includes('--hops') ? recordHops() : undefined;
  const pauses: Pause[] | undefined = hops ? gcPauses() : undefined;
  const checkpoints: Pause[] = hops ? walCheckpoints(Database) : [];
  const dir = sqlite ? mkdtempSync(join(tmpdir(), 'ankurah-sync-')) : undefined;
  const storage = dir ? await SqliteStorage.open(join(dir, 'server.db')) : new MemoryStorage();
  if (hops) timeStorage(storage, hops);
  const node = await Node.durable(storage, { models: [Album] });
  const srv = await SocketServer.listen(node, { port: 0, host: '127.0.0.1' });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (msg: string) => {
    if (msg === 'memory') {
      gc?.();
      gc?.();
      process.send?.({
        heap: process.memoryUsage().heapUsed,
        rss: process.memoryUsage().rss,
        connections: srv.connections,
      });
    } else if (msg === 'hops') {
      process.send?.({ hops: hops ?? [], pauses: pauses ?? [], checkpoints });
    } else if (msg === 'close') {
      void srv
        .close()
        .then(() => node.close())
        .then(() => {
          if (dir) rmSync(dir, { recursive: true, force: true });
          process.exit(0);
        });
    }
  });
  process.send?.({ url: srv.url });
}

void main();
