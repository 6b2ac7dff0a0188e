/*
 * The live fan-out row of peers-like alone: 100 live `year = ?` queries on a durable MemoryStorage node,
 * single-field updates, commit → first emission. RUNS times (default 5) after a warm-up; prints per run
 * p50/p99 latency and CPU per update, then min/median over runs. PROF=file.cpuprofile profiles run 2.
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/fan-out.ts` (UPDATES=2000 RUNS=5).
 */
import 'reflect-metadata';
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { MemoryStorage, Node } from 'ankurah';
import { albums, PlAlbum } from './peers-models';
import { collectGarbage, percentile, random } from './stats';
import { begin, end, type Sample, watchGc } from './peers-tails';

const N = 10_000;
const UPDATES = Number(process.env.UPDATES ?? 2_000);
const RUNS = Number(process.env.RUNS ?? 5);

const blocks: number[] = [];

async function main(): Promise<void> {
  const data = albums(N);
  // PRE=1: first what peers-like runs before this row (three bulk creates of 10k on other nodes).
  for (let r = 0; r < (process.env.PRE ? 3 : 0); r++) {
    const other = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
    const trx = other.context().begin();
    for (const a of data) await trx.create(PlAlbum, { ...a });
    await trx.commit();
    await other.close();
  }
  if (process.env.PRE === 'gc') collectGarbage();
  const node = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
  const ctx = node.context();
  const ids: string[] = [];
  const trx0 = ctx.begin();
  for (const a of data) ids.push((await trx0.create(PlAlbum, { ...a })).id);
  await trx0.commit();
  const run = async (
    seed: number,
    updates: number,
    hooks?: { start: () => Promise<unknown>; stop: () => Promise<unknown> },
  ): Promise<{ lat: Sample[]; cpu: number }> => {
    const qs = Array.from({ length: 100 }, (_, y) => ctx.query(PlAlbum, 'year = ?', 1950 + y));
    await Promise.all(qs.map((q) => q.loaded));
    const lat: Sample[] = [];
    let t0 = begin();
    let seen = -1;
    let i = 0;
    // CPU=1: no per-sample CPU reading (two system calls per update), so CPU per update is the work's alone.
    const mark = process.env.CPU
      ? (): Sample => ({ start: 0, ms: performance.now() - t0.start, cpu: 0 })
      : () => end(t0);
    qs.forEach((q) => q.subscribe((c) => !c.initial && seen !== i && ((seen = i), lat.push(mark()))));
    const rnd = random(seed);
    await hooks?.start();
    const c0 = process.cpuUsage();
    let b0 = process.cpuUsage();
    for (i = 0; i < updates; i++) {
      if (i % 100 === 99) {
        const b = process.cpuUsage(b0);
        blocks.push((b.user + b.system) / 100);
        b0 = process.cpuUsage();
      }
      const id = ids[Math.floor(rnd() * ids.length)]!;
      const trx = ctx.begin();
      (await trx.edit(PlAlbum, id)).year = 1950 + Math.floor(rnd() * 100);
      t0 = process.env.CPU ? { start: performance.now(), cpu: c0 } : begin();
      await trx.commit();
    }
    const c = process.cpuUsage(c0);
    await hooks?.stop();
    qs.forEach((q) => q.unsubscribe());
    return { lat, cpu: (c.user + c.system) / updates };
  };
  await run(9, 500);
  blocks.length = 0;
  const prof = process.env.PROF;
  let session: Session | undefined;
  const post = (m: string, p?: object): Promise<unknown> =>
    new Promise((res, rej) => (session as Session).post(m, p ?? {}, (e, r) => (e ? rej(e) : res(r))));
  const p50s: number[] = [];
  // CPU per update of each block of 100 updates: their minimum is the least disturbed by other processes.
  const p99s: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const heap = process.env.HEAP;
    const hooks =
      heap && r === 1
        ? {
            start: async (): Promise<void> => {
              session = new Session();
              session.connect();
              await post('HeapProfiler.enable');
              await post('HeapProfiler.startSampling', {
                samplingInterval: 256,
                includeObjectsCollectedByMajorGC: true,
                includeObjectsCollectedByMinorGC: true,
              });
            },
            stop: async (): Promise<void> => {
              const { profile } = (await post('HeapProfiler.stopSampling')) as { profile: object };
              writeFileSync(heap, JSON.stringify(profile));
            },
          }
        : prof && r === 1
          ? {
              start: async (): Promise<void> => {
                session = new Session();
                session.connect();
                await post('Profiler.enable');
                await post('Profiler.setSamplingInterval', { interval: 50 });
                await post('Profiler.start');
              },
              stop: async (): Promise<void> => {
                const { profile } = (await post('Profiler.stop')) as { profile: object };
                writeFileSync(prof, JSON.stringify(profile));
              },
            }
          : undefined;
    const gc = process.env.GC ? watchGc() : undefined;
    const { lat, cpu } = await run(1 + r, UPDATES, hooks);
    const ms = lat.map((s) => s.ms);
    const p50 = percentile(ms, 50) * 1000;
    const p99 = percentile(ms, 99) * 1000;
    p50s.push(p50);
    p99s.push(p99);
    cpus.push(cpu);
    console.log(
      `run ${r}: p50 ${p50.toFixed(1)} µs p99 ${p99.toFixed(0)} µs; CPU per update ${cpu.toFixed(1)} µs ` +
        `(emits ${lat.length}, cpu p50 ${(
          percentile(
            lat.map((s) => s.cpu),
            50,
          ) * 1000
        ).toFixed(1)} µs)`,
    );
    if (gc) {
      await new Promise((res) => setTimeout(res, 50));
      gc.stop();
      console.log('  ' + gc.explain(lat));
    }
  }
  await node.close();
  const med = (xs: number[]): number => percentile(xs, 50);
  console.log(
    `fan-out: p50 min ${Math.min(...p50s).toFixed(1)} med ${med(p50s).toFixed(1)} µs; p99 min ` +
      `${Math.min(...p99s).toFixed(0)} med ${med(p99s).toFixed(0)} max ${Math.max(...p99s).toFixed(0)} µs; ` +
      `CPU/update min ${Math.min(...cpus).toFixed(1)} med ${med(cpus).toFixed(1)} µs; per block of 100: min ` +
      `${Math.min(...blocks).toFixed(1)} p10 ${percentile(blocks, 10).toFixed(1)} µs`,
  );
}

void main();
