import { type QueryRunner } from 'typeorm';
import { type ColumnSpec } from '../engine';
import { fitValue } from './columns';
import { type Dialect } from './dialect';
import { decodeState } from './state-codec';

/** Recomputes every row's materialised columns and mismatch flag (after columns were added or re-typed). */
export async function backfill(
  qr: QueryRunner,
  d: Dialect,
  table: string,
  collection: string,
  columns: readonly ColumnSpec[],
): Promise<void> {
  const q = (n: string): string => d.quote(n);
  const rows = (await qr.query(
    `SELECT ${q('id')} AS ${q('id')}, ${q('_head')} AS ${q('head')}, ${q('_state')} AS ${q('state')} FROM ${table}`,
  )) as { id: string; head: string; state: string }[];
  const sets = [q('_mismatch'), ...columns.map((c) => q(c.name))].map((c, i) => `${c} = ${d.placeholder(i)}`);
  const sql = `UPDATE ${table} SET ${sets.join(', ')} WHERE ${q('id')} = ${d.placeholder(sets.length)}`;
  await qr.startTransaction();
  try {
    for (const r of rows) {
      const values = decodeState(collection, r.id, r.head, r.state).values;
      const fitted = columns.map((c) => fitValue(c.type, values[c.name], d));
      const mismatch = fitted.some((f) => !f.fits) ? 1 : 0;
      await qr.query(sql, [mismatch, ...fitted.map((f) => f.value), r.id]);
    }
    await qr.commitTransaction();
  } catch (e) {
    await qr.rollbackTransaction();
    throw e;
  }
}
