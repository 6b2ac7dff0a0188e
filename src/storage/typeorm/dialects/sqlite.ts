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
import { type ManyRows } from '../row-writer';
import { EVENT_COLUMNS } from '../columns';
import { sqliteConnection } from '../typeorm-internals';
import type Database from 'better-sqlite3';
import { type DataSource } from 'typeorm';

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
 * One synchronous transaction on the better-sqlite3 connection: rows are built straight into the bound values
 * of statements prepared once (SQLITE_ROWS rows per statement while that many remain, then one at a time),
 * with no query-runner round trip per statement. SQLite has one writer per file, so it never checks heads.
 */
async function commit(session: CommitSession, work: readonly CollectionWork[]): Promise<ConflictRef[]> {
  commitNow(session.ds, () => session.what, work);
  return [];
}

/** The same transaction, synchronously (see Dialect.commitNow). */
function commitNow(ds: DataSource, what: () => string, work: readonly CollectionWork[]): void {
  const db = sqliteConnection(ds);
  if (!db?.open) throw StorageError.connectionNotOpen(what());
  writeWork(db)(work);
}

const writers = new WeakMap<Database.Database, (work: readonly CollectionWork[]) => void>();

/**
 * The connection's commit transaction, made once: better-sqlite3 builds four wrapper functions and their
 * properties for each `db.transaction(fn)`, which cost a commit about as much as its BEGIN.
 */
function writeWork(db: Database.Database): (work: readonly CollectionWork[]) => void {
  let write = writers.get(db);
  if (write) return write;
  write = db.transaction((work: readonly CollectionWork[]) => {
    // Events before states: a state never refers to an event that is not kept. Rows go in batch order, which
    // a multi-row statement keeps (the first copy of an event stays, the last copy of a state wins).
    for (const w of work) {
      const ins = w.writer.sqlite(db);
      insertRows(w.events, ins.event, ins.events, EVENT_COLUMNS.length, (e, into, at) =>
        w.writer.eventRow(e, into, at),
      );
    }
    for (const w of work) {
      const ins = w.writer.sqlite(db);
      insertRows(w.states, ins.state, ins.states, w.writer.stateWidth, (s, into, at) =>
        w.writer.stateRow(s, into, at),
      );
    }
  });
  writers.set(db, write);
  return write;
}

/** Inserts items through the multi-row statement while a full one remains, then the single-row one. */
function insertRows<T>(
  items: readonly T[],
  one: Database.Statement<unknown[]>,
  many: ManyRows,
  width: number,
  fill: (item: T, into: unknown[], at: number) => void,
): void {
  let i = 0;
  const rows = many.rows;
  if (rows > 1 && items.length >= rows) {
    const insert = many.insert();
    // One array serves every statement: each is bound as soon as it is filled.
    const values = new Array<unknown>(rows * width);
    for (; i + rows <= items.length; i += rows) {
      for (let r = 0; r < rows; r++) fill(items[i + r] as T, values, r * width);
      insert.run(values);
    }
  }
  const row = new Array<unknown>(width);
  for (; i < items.length; i++) {
    fill(items[i] as T, row, 0);
    one.run(row);
  }
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
  commitNow,
};
