/* Attributes latency tails: which slow samples overlapped a GC pause (perf_hooks 'gc' entries). */
import { performance, PerformanceObserver } from 'node:perf_hooks';
import { percentile } from './stats';

/** One timed operation, in performance.now() milliseconds. */
export interface Sample {
  readonly start: number;
  readonly ms: number;
  /** CPU time of this process during the sample (user + system), ms: far below `ms` means it waited. */
  readonly cpu: number;
}

/** Marks the start of a sample (the CPU reading, a system call, is taken before the clock starts). */
export function begin(): { start: number; cpu: NodeJS.CpuUsage } {
  const cpu = process.cpuUsage();
  return { cpu, start: performance.now() };
}

/** Closes a sample opened by `begin`. */
export function end(b: { start: number; cpu: NodeJS.CpuUsage }): Sample {
  // The clock stops first: the CPU reading costs a few µs that are not the operation's.
  const ms = performance.now() - b.start;
  const c = process.cpuUsage(b.cpu);
  return { start: b.start, ms, cpu: (c.user + c.system) / 1000 };
}

/** Starts recording GC pauses; `explain` tells how much of the p99 tail of some samples overlapped one. */
export function watchGc(): {
  explain: (samples: readonly Sample[]) => string;
  inside: (spans: readonly Sample[], what: string) => string;
  /** Stops recording, once the entries of the pauses so far have arrived (the observer gets them later). */
  stop: () => Promise<void>;
} {
  const pauses: { start: number; end: number; major: boolean }[] = [];
  const obs = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) {
      const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
      // kind 1: minor (scavenge); 2/4/8: major, incremental, weak callbacks.
      pauses.push({ start: e.startTime, end: e.startTime + e.duration, major: kind !== 1 });
    }
  });
  obs.observe({ entryTypes: ['gc'] });
  const explain = (samples: readonly Sample[]): string => {
    const cut = percentile(
      samples.map((s) => s.ms),
      99,
    );
    const tail = samples.filter((s) => s.ms >= cut);
    const hit = (s: Sample, major: boolean): boolean =>
      pauses.some((p) => p.major === major && p.start < s.start + s.ms && p.end > s.start);
    const inSpan = pauses.filter((p) => samples.some((s) => p.start < s.start + s.ms && p.end > s.start));
    const gcMs = inSpan.reduce((a, p) => a + p.end - p.start, 0);
    const major = tail.filter((s) => hit(s, true)).length;
    const minor = tail.filter((s) => !hit(s, true) && hit(s, false)).length;
    // Samples taken without CPU readings (NaN) cannot tell a descheduled process from a slow step.
    const withCpu = samples.every((s) => !Number.isNaN(s.cpu));
    const waited = tail.filter((s) => s.cpu < s.ms / 2).length;
    const cpu99 = withCpu
      ? percentile(
          samples.map((s) => s.cpu),
          99,
        )
      : NaN;
    const cpu = withCpu
      ? `${waited} of them used < half their wall time on CPU (the process was descheduled); p99 of CPU time ` +
        `per sample ${(cpu99 * 1000).toFixed(0)} µs; `
      : '';
    return (
      `p99 tail (${tail.length} samples >= ${(cut * 1000).toFixed(0)} µs): ${major} overlap a major GC, ${minor} a ` +
      `scavenge, ${tail.length - major - minor} no GC; ${cpu}` +
      `GC inside samples ${gcMs.toFixed(1)} ms of ${samples.reduce((a, s) => a + s.ms, 0).toFixed(1)} ms ` +
      `(${pauses.length} GC pauses seen in all)`
    );
  };
  /** The GC pauses inside spans of time (performance.now() ms, `what` they timed), major and minor. */
  const inside = (spans: readonly Sample[], what: string): string => {
    const within = pauses.filter((p) => spans.some((s) => p.start < s.start + s.ms && p.end > s.start));
    const total = spans.reduce((a, s) => a + s.ms, 0);
    const ms = (major: boolean): string =>
      within
        .filter((p) => p.major === major)
        .reduce((a, p) => a + p.end - p.start, 0)
        .toFixed(1);
    const n = within.filter((p) => p.major).length;
    return `GC pauses inside the ${total.toFixed(0)} ms of ${what}: ${n} major (${ms(true)} ms), ${within.length - n} scavenges (${ms(false)} ms)`;
  };
  const stop = async (): Promise<void> => {
    await new Promise((res) => setTimeout(res, 50));
    obs.disconnect();
  };
  return { explain, inside, stop };
}

export const pnow = (): number => performance.now();
