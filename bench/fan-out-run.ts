/* The fan-out row's workload, shared by peers-like and bench/fan-out.ts. */
import { type Context } from 'ankurah';
import { PlAlbum } from './peers-models';
import { begin, end, type Sample } from './peers-tails';
import { type ProfileHooks } from './profile';
import { random } from './stats';

export interface FanOutOptions {
  /**
   * No CPU reading per sample. The readings (a getrusage system call before and after each sample, outside
   * its clock) cost the measured code 6–20 µs of its p50 on a VM with page-table isolation, where the code
   * after a system call finds the TLB cold; without them the samples carry no CPU time (NaN).
   */
  readonly noSampleCpu?: boolean;
  /** Called after each block of 100 updates with its CPU per update (µs). */
  readonly block?: (cpuPerUpdateUs: number) => void;
  /** Profiles the updates (not the queries' setup). */
  readonly hooks?: ProfileHooks;
}

/**
 * 100 live `year = ?` queries over the albums `ids`, then `updates` single-field updates of random albums, each
 * its own transaction: one sample per commit, commit → its first emission (an update emits on two queries at
 * most). Returns the samples and the CPU per update (µs).
 */
export async function fanOutRun(
  ctx: Context,
  ids: readonly string[],
  seed: number,
  updates: number,
  options: FanOutOptions = {},
): Promise<{ lat: Sample[]; cpu: number }> {
  const qs = Array.from({ length: 100 }, (_, y) => ctx.query(PlAlbum, 'year = ?', 1950 + y));
  await Promise.all(qs.map((q) => q.loaded));
  const lat: Sample[] = [];
  let t0 = begin();
  let seen = -1;
  let i = 0;
  const mark = options.noSampleCpu
    ? (): Sample => ({ start: t0.start, ms: performance.now() - t0.start, cpu: NaN })
    : () => end(t0);
  qs.forEach((q) => q.subscribe((c) => !c.initial && seen !== i && ((seen = i), lat.push(mark()))));
  const rnd = random(seed);
  await options.hooks?.start();
  const c0 = process.cpuUsage();
  let b0 = c0;
  for (i = 0; i < updates; i++) {
    if (options.block && i % 100 === 99) {
      const b = process.cpuUsage(b0);
      options.block((b.user + b.system) / 100);
      b0 = process.cpuUsage();
    }
    const id = ids[Math.floor(rnd() * ids.length)]!;
    const trx = ctx.begin();
    (await trx.edit(PlAlbum, id)).year = 1950 + Math.floor(rnd() * 100);
    t0 = options.noSampleCpu ? { start: performance.now(), cpu: c0 } : begin();
    await trx.commit();
  }
  const c = process.cpuUsage(c0);
  await options.hooks?.stop();
  qs.forEach((q) => q.unsubscribe());
  return { lat, cpu: (c.user + c.system) / updates };
}
