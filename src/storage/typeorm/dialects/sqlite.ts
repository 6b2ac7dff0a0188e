import { StorageError } from '../../../errors/errors';
import { type FieldType } from '../../../model/field-type';
import { type Path } from '../../../query/ast';
import { type CollectionWork } from '../commit-work';
import { type ConflictRef } from '../../conflict';
import {
  type ColumnDef,
  type CommitSession,
  type Dialect,
  type NarrowOp,
  type OnConflict,
  type Scalar,
  type SqlBinder,
  tuples,
} from '../dialect';
import { quotedJsonPath } from '../json-sql';
import { sqliteConnection } from '../typeorm-internals';

const types: Record<FieldType, ColumnDef> = {
  string: { type: 'text' },
  text: { type: 'text' },
  ref: { type: 'text' },
  date: { type: 'text' },
  json: { type: 'text' },
  number: { type: 'real' },
  integer: { type: 'integer' },
  boolean: { type: 'integer' },
};

/** A double-quoted identifier (SQLite and Postgres). */
export function doubleQuote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** `INSERT … ON CONFLICT (key) DO NOTHING | DO UPDATE` (SQLite and Postgres; the key is `names[0]`). */
export function onConflictInsert(
  d: Pick<Dialect, 'placeholder'>,
  table: string,
  names: readonly string[],
  rows: number,
  onConflict: OnConflict,
): string {
  const [key, ...rest] = names.map(doubleQuote);
  const action =
    onConflict === 'update'
      ? `DO UPDATE SET ${rest.map((n) => `${n} = EXCLUDED.${n}`).join(', ')}`
      : 'DO NOTHING';
  const cols = [key, ...rest].join(', ');
  return `INSERT INTO ${table} (${cols}) VALUES ${tuples(d, rows, names.length)} ON CONFLICT (${key}) ${action}`;
}

/**
 * One synchronous transaction on the better-sqlite3 connection: rows are built and bound one at a time through
 * statements prepared once, with no query-runner round trip per statement. SQLite has one writer per file,
 * so it never checks heads.
 */
async function commit(session: CommitSession, work: readonly CollectionWork[]): Promise<ConflictRef[]> {
  const db = sqliteConnection(session.ds);
  if (!db?.open) throw StorageError.connectionNotOpen(session.what);
  db.transaction(() => {
    // Events before states: a state never refers to an event that is not kept. Each row is bound as soon as
    // it is built, so one array per collection serves every row.
    for (const w of work) {
      const insert = w.writer.sqlite(db).event;
      const row: unknown[] = [];
      for (const e of w.events) insert.run(w.writer.eventRow(e, row));
    }
    for (const w of work) {
      const insert = w.writer.sqlite(db).state;
      const row: unknown[] = [];
      for (const s of w.states) insert.run(w.writer.stateRow(s, row));
    }
  })();
  return [];
}

/** SQLite: TEXT compares with the BINARY collation by default, which is code-point order for UTF-8. */
export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  quote: doubleQuote,
  placeholder: () => '?',
  column: (type) => types[type],
  valuesColumn: { type: 'text' },
  keyColumn: { type: 'text' },
  textColumn: { type: 'text' },
  binary: (sql) => sql,
  bool: (value) => (value ? 1 : 0),
  storesText: () => true,
  // A lone surrogate (escaped by JSON.stringify) does not survive SQLite's JSON functions.
  readsJson: (json) => !json.includes('\\u') || !/\\ud[89a-f]/i.test(json),
  dropsUnreadableJson: false,
  maxColumnText: Infinity,
  // SQLITE_MAX_VARIABLE_NUMBER (32766) and SQLITE_MAX_EXPR_DEPTH (1000), with room for the rest of the query.
  maxParams: 32_000,
  maxDepth: 400,
  nullsOrder: true,
  serial: true,
  manyIn: (expr, values, _type, b) =>
    `${expr} IN (SELECT value FROM json_each(${b.add(JSON.stringify(values))}))`,
  arrayType: () => 'text',
  unsafeInteger: (ph) => ph,
  insert: (table, names, rows, onConflict) => onConflictInsert(sqliteDialect, table, names, rows, onConflict),
  partialIndex: (condition) => condition,
  json: {
    type(path: Path, b: SqlBinder) {
      const p = quotedJsonPath(path);
      return p && `json_type("_values", ${b.add(p)})`;
    },
    typeName: (name) => name,
    match(path: Path, op: NarrowOp, values: readonly Scalar[], b: SqlBinder) {
      const p = quotedJsonPath(path);
      if (!p) return undefined;
      // json_extract yields TEXT for strings, numbers for numbers and 1/0 for booleans: a superset of typed equality.
      const ext = `json_extract("_values", ${b.add(p)})`;
      return b.relation(
        ext,
        op,
        values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)),
      );
    },
  },
  commit,
};
