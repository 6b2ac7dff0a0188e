import { type ColumnType } from 'typeorm';
import { type FieldType } from '../../model/field-type';

/** The SQL engines this package drives through TypeORM. */
export type DialectKind = 'sqlite' | 'postgres';

/** The SQL differences between the engines: column types, quoting, placeholders, JSON access, flags. */
export interface Dialect {
  readonly kind: DialectKind;
  /** Quotes one identifier. */
  quote(name: string): string;
  /** The native placeholder of the i-th (0-based) parameter of a raw statement. */
  placeholder(i: number): string;
  /** The TypeORM column type of a materialised field. */
  columnType(type: FieldType): ColumnType;
  /** The TypeORM column type of the `_values` JSON column. */
  readonly valuesType: ColumnType;
  /** The TypeORM column type of id-like and JSON-text columns. */
  readonly textType: ColumnType;
  /** The collation every text column gets (binary, code-point order), if the engine needs one. */
  readonly collation: string | undefined;
  /** An expression of a text operand in binary collation (for comparisons and ORDER BY). */
  binary(sql: string): string;
  /** How a boolean field value is bound. */
  bool(value: boolean): boolean | number;
  /** The most parameters one statement may bind (a query needing more is answered in memory). */
  readonly maxParams: number;
  /** The deepest parenthesised nesting a generated WHERE may have (deeper is answered in memory). */
  readonly maxDepth: number;
  /** The SQL type of an array parameter of values of a column type (Postgres `= ANY(...)`). */
  arrayType(type: FieldType): string;
}

const sqliteTypes: Record<FieldType, ColumnType> = {
  string: 'text',
  text: 'text',
  ref: 'text',
  date: 'text',
  json: 'text',
  number: 'real',
  integer: 'integer',
  boolean: 'integer',
};

const postgresTypes: Record<FieldType, ColumnType> = {
  string: 'text',
  text: 'text',
  ref: 'text',
  date: 'text',
  json: 'jsonb',
  number: 'double precision',
  integer: 'bigint',
  boolean: 'boolean',
};

function quote(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

/** SQLite: TEXT compares with the BINARY collation by default, which is code-point order for UTF-8. */
export const sqliteDialect: Dialect = {
  kind: 'sqlite',
  quote,
  placeholder: () => '?',
  columnType: (type) => sqliteTypes[type],
  valuesType: 'text',
  textType: 'text',
  collation: undefined,
  binary: (sql) => sql,
  bool: (value) => (value ? 1 : 0),
  // SQLITE_MAX_VARIABLE_NUMBER (32766) and SQLITE_MAX_EXPR_DEPTH (1000), with room for the rest of the query.
  maxParams: 32_000,
  maxDepth: 400,
  arrayType: () => 'text',
};

/** Postgres: every text column and comparison uses the "C" collation (byte order of UTF-8 = code-point order). */
export const postgresDialect: Dialect = {
  kind: 'postgres',
  quote,
  placeholder: (i) => `$${i + 1}`,
  columnType: (type) => postgresTypes[type],
  valuesType: 'json',
  textType: 'text',
  collation: 'C',
  binary: (sql) => `${sql} COLLATE "C"`,
  bool: (value) => value,
  // The wire protocol counts parameters in 16 bits (65,535), but planning slows down long before: past
  // ~4,000 JSON comparisons reading the rows and evaluating in memory is faster.
  maxParams: 16_000,
  maxDepth: 400,
  arrayType: (type) => String(postgresTypes[type]),
};
