/*
 * The live fan-out row of peers-like alone: 100 live `year = ?` queries on a durable MemoryStorage node,
 * single-field updates, commit → first emission. RUNS times (default 5) after a warm-up; prints per run
 * p50/p99 latency and CPU per update, then min/median over runs. PROF=file.cpuprofile profiles run 2.
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/fan-out.ts` (UPDATES=2000 RUNS=5).
 */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { fanOutRun } from './fan-out-run';
import { albums, createAll, PlAlbum } from './peers-models';
import { watchGc } from './peers-tails';
import { profileHooks } from './profile';
import { collectGarbage, percentile } from './stats';

const N = 10_000;
const UPDATES = Number(process.env.UPDATES ?? 2_000);
const RUNS = Number(process.env.RUNS ?? 5);

const blocks: number[] = [];

async function main(): Promise<void> {
  const data = albums(N);
  // PRE=1: first what peers-like runs before this row (three bulk creates of 10k on other nodes).
  for (let r = 0; r < (process.env.PRE ? 3 : 0); r++) {
    const other = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
    await createAll(other.context(), PlAlbum, data);
    await other.close();
  }
  if (process.env.PRE === 'gc') collectGarbage();
  const node = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
  const ctx = node.context();
  const ids = await createAll(ctx, PlAlbum, data);
  // CPU=1: no CPU reading per sample, so CPU per update is the work's alone.
  const noSampleCpu = Boolean(process.env.CPU);
  const block = (us: number): void => {
    blocks.push(us);
  };
  await fanOutRun(ctx, ids, 9, 500, { noSampleCpu, block });
  blocks.length = 0;
  const p50s: number[] = [];
  // CPU per update of each block of 100 updates: their minimum is the least disturbed by other processes.
  const p99s: number[] = [];
  const cpus: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    const heap = process.env.HEAP;
    const prof = process.env.PROF;
    const hooks =
      r !== 1 ? undefined : heap ? profileHooks(heap, 'heap') : prof ? profileHooks(prof, 'cpu') : undefined;
    const gc = process.env.GC ? watchGc() : undefined;
    const { lat, cpu } = await fanOutRun(ctx, ids, 1 + r, UPDATES, {
      noSampleCpu,
      block,
      ...(hooks ? { hooks } : {}),
    });
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
      await gc.stop();
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
