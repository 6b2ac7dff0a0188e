/* Small helpers shared by the benchmark scripts. */
import type Database from 'better-sqlite3';
import { type DataSource } from 'typeorm';
import { sqliteConnection } from '../src/storage/typeorm/typeorm-internals';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Milliseconds since an arbitrary origin, sub-millisecond precision. */
export function now(): number {
  return Number(process.hrtime.bigint()) / 1e6;
}

/** Runs fn and returns its duration in milliseconds. */
export async function time(fn: () => unknown): Promise<number> {
  const t0 = now();
  await fn();
  return now() - t0;
}

/** The p-th percentile (0..100) of a list of numbers. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] as number;
}

/** Formats a rate with thousands separators. */
export function rate(count: number, ms: number): string {
  return `${Math.round((count / ms) * 1000).toLocaleString('en-US')}/s`;
}

/** Prints one aligned line of a result table. */
export function row(label: string, ...cells: (string | number)[]): void {
  console.log(`  ${label.padEnd(48)} ${cells.map((c) => String(c).padStart(14)).join(' ')}`);
}

/** A deterministic pseudo-random sequence (mulberry32), so every run does the same work. */
export function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A full garbage collection (V8's gc(), exposed at run time): a row starts without the garbage of the last. */
export function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/**
 * The better-sqlite3 connection of a SQLite storage: raw SQL baselines run on it, as SqliteStorage holds its
 * file in exclusive locking mode (no other connection can read it while it is open).
 */
export function sqliteHandle(storage: { readonly dataSource: DataSource }): Database.Database {
  const db = sqliteConnection(storage.dataSource);
  if (!db) throw new Error('the SQLite storage has no open connection');
  return db;
}
