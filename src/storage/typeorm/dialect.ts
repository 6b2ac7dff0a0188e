import { type ColumnType, type DataSource, type QueryRunner } from 'typeorm';
import { type FieldType } from '../../model/field-type';
import { type Path } from '../../query/ast';
import { type ConflictRef } from '../conflict';
import { type CollectionWork } from './commit-work';

/** The SQL engines this package drives through TypeORM. */
export type DialectKind = 'sqlite' | 'postgres' | 'mysql';

/** A column type, its length for bounded text, and the collation text columns need (binary, code-point order). */
export interface ColumnDef {
  readonly type: ColumnType;
  readonly length?: number;
  readonly collation?: string;
}

/** What an INSERT does with a row whose key exists (see Dialect.insert). */
export type OnConflict = 'ignore' | 'update' | 'fail';

/** A JSON value type as the engine's JSON type function names it. */
export type JsonTypeName = 'null' | 'array';

/** The comparison forms JSON narrowing supports (`!=` cannot narrow: it is TRUE across types). */
export type NarrowOp = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'between';

/** A scalar literal of a query. */
export type Scalar = string | number | boolean;

/** Binds values of one generated statement and builds relations over them (see JsonSql). */
export interface SqlBinder {
  /** Registers a value and returns its placeholder. */
  add(value: unknown): string;
  /** `expr op values` with bound values; undefined when the form cannot be expressed. */
  relation(expr: string, op: NarrowOp, values: readonly Scalar[], arrayType?: string): string | undefined;
}

/** How one engine reads the `_values` JSON column (see json-sql.ts for the shared rules). */
export interface JsonDialect {
  /** The expression of the JSON type of the value at `path` (undefined: the path cannot be expressed). */
  type(path: Path, b: SqlBinder): string | undefined;
  /** The literal the type expression yields for a JSON type. */
  typeName(name: JsonTypeName): string;
  /** A superset of the rows where the value at `path` satisfies the comparison (undefined: cannot narrow). */
  match(path: Path, op: NarrowOp, values: readonly Scalar[], b: SqlBinder): string | undefined;
}

/** The connection a commit runs on: a query runner of the DataSource (one at a time on SQLite). */
export interface CommitSession {
  readonly ds: DataSource;
  readonly qr: QueryRunner;
  /** What the commit does, for error messages ("committing 2 events and 2 states"). */
  readonly what: string;
}

/**
 * Everything that differs between the SQL engines: column types, quoting, placeholders and binds, upsert
 * syntax, JSON SQL and the commit executor. One object per engine (src/storage/typeorm/dialects/); nothing
 * else in this folder branches on the engine.
 */
export interface Dialect {
  readonly kind: DialectKind;
  /** Quotes one identifier. */
  quote(name: string): string;
  /** The native placeholder of the i-th (0-based) parameter of a raw statement. */
  placeholder(i: number): string;
  /** The column of a materialised field. */
  column(type: FieldType): ColumnDef;
  /** The column of `_values` (the values as JSON). */
  readonly valuesColumn: ColumnDef;
  /** The column of ids and other keys (primary keys, indexed). */
  readonly keyColumn: ColumnDef;
  /** The column of serialised JSON text. */
  readonly textColumn: ColumnDef;
  /** An expression of a text operand in binary collation (for comparisons and ORDER BY). */
  binary(sql: string): string;
  /** How a boolean field value is bound. */
  bool(value: boolean): boolean | number;
  /** True when a string can be bound and stored byte-exactly (Postgres text has no NUL). */
  storesText(value: string): boolean;
  /** False for `_values` JSON the engine's JSON functions cannot read: such rows are evaluated in memory. */
  readsJson(json: string): boolean;
  /** True when such JSON cannot be stored in `_values` at all (it stays in `_state` only). */
  readonly dropsUnreadableJson: boolean;
  /** The longest string a text column of this type holds (longer values are kept in `_state` only). */
  readonly maxColumnText: number;
  /** The most parameters one statement may bind (a query needing more is answered in memory). */
  readonly maxParams: number;
  /** The deepest parenthesised nesting a generated WHERE may have (deeper is answered in memory). */
  readonly maxDepth: number;
  /** True when ORDER BY takes NULLS FIRST / NULLS LAST (otherwise an `IS NULL` term goes first). */
  readonly nullsOrder: boolean;
  /** True when the engine runs on one connection: every use is serialised. */
  readonly serial: boolean;
  /** `expr IN (...)` for a long list of values, bound as one parameter where the engine allows (`arrayType`: its SQL element type). */
  manyIn(expr: string, values: readonly unknown[], arrayType: string, b: Pick<SqlBinder, 'add'>): string;
  /** The SQL element type of a long IN list over a column of this field type. */
  arrayType(type: FieldType): string;
  /** A placeholder compared with an integer column when the value is no safe integer. */
  unsafeInteger(placeholder: string): string;
  /**
   * The INSERT of `rows` rows, for rows whose key (`names[0]`) exists: keep the stored row (`ignore`),
   * overwrite its other columns (`update`), or change no row (`fail`: rowCount 0, or a duplicate-key error).
   */
  insert(table: string, names: readonly string[], rows: number, onConflict: OnConflict): string;
  /** A partial index condition, when the engine has partial indexes. */
  partialIndex(condition: string): string | undefined;
  /** JSON SQL over `_values`. */
  readonly json: JsonDialect;
  /**
   * Runs one commit in a transaction: events (insert-if-absent) before states. With `cas`, states whose
   * `heads` entry is given are written only while the stored head matches; resolves to the entities whose
   * head did not (the transaction is then rolled back).
   */
  commit(session: CommitSession, work: readonly CollectionWork[], cas: boolean): Promise<ConflictRef[]>;
  /**
   * The same commit run synchronously to its end, for engines whose driver is synchronous (SQLite; never
   * `cas`). SqlStorage uses it when no other operation of the storage is in progress (see #commitNow there).
   */
  readonly commitNow?: (ds: DataSource, what: () => string, work: readonly CollectionWork[]) => void;
}

/** The values of a VALUES tuple list of `rows` rows of `width` placeholders. */
export function tuples(d: Pick<Dialect, 'placeholder'>, rows: number, width: number): string {
  const out: string[] = [];
  for (let r = 0; r < rows; r++) {
    const ph: string[] = [];
    for (let c = 0; c < width; c++) ph.push(d.placeholder(r * width + c));
    out.push(`(${ph.join(', ')})`);
  }
  return out.join(', ');
}
