import { type PoolClient } from 'pg';
import { type FieldType } from '../../../model/field-type';
import { type Path } from '../../../query/ast';
import { type ConflictRef } from '../../conflict';
import { type CollectionWork, commitStatements } from '../commit-work';
import {
  type ColumnDef,
  type CommitSession,
  type Dialect,
  type NarrowOp,
  type Scalar,
  type SqlBinder,
} from '../dialect';
import { doubleQuote, onConflictInsert } from './sqlite';

const types: Record<FieldType, ColumnDef> = {
  string: { type: 'text', collation: 'C' },
  text: { type: 'text', collation: 'C' },
  ref: { type: 'text', collation: 'C' },
  date: { type: 'text', collation: 'C' },
  json: { type: 'jsonb' },
  number: { type: 'double precision' },
  integer: { type: 'bigint' },
  boolean: { type: 'boolean' },
};

/**
 * Runs the statements on the pg connection itself: recurring statements are prepared once per connection (by
 * name), and no query-runner bookkeeping runs per statement. Checked statements that change no row are
 * conflicts: the transaction is rolled back.
 */
async function commit(
  session: CommitSession,
  work: readonly CollectionWork[],
  cas: boolean,
): Promise<ConflictRef[]> {
  const statements = commitStatements(work, cas);
  const client = (await session.qr.connect()) as PoolClient;
  const conflicts: ConflictRef[] = [];
  await client.query('BEGIN');
  try {
    for (const s of statements) {
      const r = await client.query(
        s.name ? { name: s.name, text: s.sql, values: s.params } : { text: s.sql, values: s.params },
      );
      if (s.check && r.rowCount !== 1) conflicts.push(s.check);
    }
    await client.query(conflicts.length > 0 ? 'ROLLBACK' : 'COMMIT');
    return conflicts;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}

function jsonPath(path: Path, b: SqlBinder): string {
  return `CAST(${b.add([...path])} AS text[])`;
}

/** Postgres: every text column and comparison uses the "C" collation (byte order of UTF-8 = code-point order). */
export const postgresDialect: Dialect = {
  kind: 'postgres',
  quote: doubleQuote,
  placeholder: (i) => `$${i + 1}`,
  column: (type) => types[type],
  valuesColumn: { type: 'json' },
  keyColumn: { type: 'text', collation: 'C' },
  textColumn: { type: 'text', collation: 'C' },
  binary: (sql) => `${sql} COLLATE "C"`,
  bool: (value) => value,
  storesText: (value) => !value.includes('\u0000'),
  // jsonb holds neither a lone surrogate nor NUL.
  readsJson: (json) => !json.includes('\\u') || !/\\ud[89a-f]|\\u0000/i.test(json),
  dropsUnreadableJson: true,
  maxColumnText: Infinity,
  // The wire protocol counts parameters in 16 bits (65,535), but planning slows down long before: past
  // ~4,000 JSON comparisons reading the rows and evaluating in memory is faster.
  maxParams: 16_000,
  maxDepth: 400,
  nullsOrder: true,
  serial: false,
  manyIn: (expr, values, arrayType, b) => `${expr} = ANY(CAST(${b.add([...values])} AS ${arrayType}[]))`,
  arrayType: (type) => String(types[type].type),
  // Postgres would type the parameter as bigint and reject 2001.5; numeric compares exactly (rare, unindexed).
  unsafeInteger: (ph) => `CAST(${ph} AS numeric)`,
  insert: (table, names, rows, onConflict) =>
    onConflictInsert(postgresDialect, table, names, rows, onConflict),
  partialIndex: (condition) => condition,
  json: {
    type: (path, b) => `json_typeof("_values" #> ${jsonPath(path, b)})`,
    typeName: (name) => name,
    match(path: Path, op: NarrowOp, values: readonly Scalar[], b: SqlBinder) {
      const byType = new Map<string, Scalar[]>();
      for (const v of values) {
        const list = byType.get(typeof v);
        if (list) list.push(v);
        else byType.set(typeof v, [v]);
      }
      if (op === 'between' && byType.size !== 1) return undefined;
      const parts: string[] = [];
      for (const [type, vs] of byType) {
        const node = `"_values" #> ${jsonPath(path, b)}`;
        const leaf = `"_values" #>> ${jsonPath(path, b)}`;
        const jsonType = type === 'string' ? 'string' : type === 'number' ? 'number' : 'boolean';
        const sqlType = type === 'string' ? 'text' : type === 'number' ? 'double precision' : 'boolean';
        const cast = type === 'string' ? leaf : `CAST(${leaf} AS ${sqlType})`;
        const typed = `(CASE WHEN json_typeof(${node}) = '${jsonType}' THEN ${cast} END)`;
        const rel = b.relation(type === 'string' ? `${typed} COLLATE "C"` : typed, op, vs, sqlType);
        if (!rel) return undefined;
        parts.push(rel);
      }
      return parts.length === 0 ? undefined : parts.join(' OR ');
    },
  },
  commit,
};
