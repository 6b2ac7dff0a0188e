/* The result table of the peers-like benchmark. */

interface Line {
  readonly workload: string;
  readonly ours: string;
  readonly base: string;
  readonly ratio: string;
  readonly target: string;
  readonly met: boolean | undefined;
}
export const lines: Line[] = [];
export const f = (n: number, d = 1): string => n.toFixed(d);
export const k = (perSec: number): string => `${Math.round(perSec / 1000)}k/s`;
export const us = (ms: number): string => `${Math.round(ms * 1000)} µs`;
export function add(
  workload: string,
  ours: string,
  base: string,
  ratio: string,
  target: string,
  met?: boolean,
): void {
  lines.push({ workload, ours, base, ratio, target, met });
  console.log(
    `  ${workload}: ${ours} | ${base} | ${ratio} | ${target} | ${met === undefined ? '' : met ? 'yes' : 'NO'}`,
  );
}

/** Prints every row gathered so far as one aligned table. */
export function printTable(): void {
  const head: Line = {
    workload: 'workload',
    ours: 'ours',
    base: 'baseline / peers (same run)',
    ratio: 'ratio',
    target: 'target',
    met: undefined,
  };
  const rows = [head, ...lines];
  const w = (key: keyof Omit<Line, 'met'>): number => Math.max(...rows.map((r) => r[key].length));
  console.log('');
  for (const r of rows) {
    const met = r === head ? 'met?' : r.met === undefined ? '' : r.met ? 'yes' : 'NO';
    console.log(
      `  ${r.workload.padEnd(w('workload'))} | ${r.ours.padEnd(w('ours'))} | ${r.base.padEnd(w('base'))} | ${r.ratio.padEnd(w('ratio'))} | ${r.target.padEnd(w('target'))} | ${met}`,
    );
  }
}
