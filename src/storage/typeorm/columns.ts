import { type FieldType } from '../../model/field-type';
import { type ColumnSpec } from '../engine';
import { type Dialect } from './dialect';

/** Names of the state table's own columns; declared fields with these names are not materialised. */
export const SYSTEM_COLUMNS = ['id', '_head', '_deleted', '_mismatch', '_state', '_values'] as const;

/** The event table's columns. */
export const EVENT_COLUMNS = ['id', 'entity_id', 'parents', 'operations'] as const;

const RESERVED: ReadonlySet<string> = new Set<string>(SYSTEM_COLUMNS);

/** True when a declared field can get its own column (not a system name, and a sane identifier). */
export function materialisable(name: string): boolean {
  return !RESERVED.has(name) && /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/.test(name);
}

/** What columnValue returns for a value its column cannot hold exactly (the column gets NULL, the row a flag). */
export const MISFIT: unique symbol = Symbol('misfit');

// A lone surrogate cannot be encoded as UTF-8, so the column would hold a different string than memory.
const LONE_SURROGATE = /\p{Surrogate}/u;
type WellFormed = string & { isWellFormed?: () => boolean };
const wellFormed: (s: string) => boolean =
  typeof ('' as WellFormed).isWellFormed === 'function'
    ? (s) => (s as WellFormed).isWellFormed?.() === true
    : (s) => !LONE_SURROGATE.test(s);

/**
 * Converts a field value to what its column holds. A value of another type (a peer's model disagrees), an
 * unsafe integer or a string the engine cannot store byte-exactly does not fit: the result is MISFIT, the
 * column gets NULL and the row is flagged, so queries evaluate it in memory instead of trusting the column.
 * (No object per call: this runs for every column of every state written.)
 */
export function columnValue(type: FieldType, value: unknown, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  switch (type) {
    case 'string':
    case 'text':
    case 'ref':
    case 'date':
      if (typeof value !== 'string' || !wellFormed(value)) return MISFIT;
      // Postgres text cannot hold NUL characters; MySQL's indexed text columns are bounded.
      if (value.length > dialect.maxColumnText || !dialect.storesText(value)) return MISFIT;
      return value;
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? value : MISFIT;
    case 'integer':
      return Number.isSafeInteger(value) ? value : MISFIT;
    case 'boolean':
      return typeof value === 'boolean' ? dialect.bool(value) : MISFIT;
    case 'json': {
      // The JSON column is a convenience copy; queries read `_values`, so a JSON value never flags the row.
      const text = JSON.stringify(value);
      if (dialect.dropsUnreadableJson && !dialect.readsJson(text)) return null;
      return text;
    }
  }
}

/** A materialised column value: `fits` is false when the value cannot be held exactly (it is stored as NULL). */
export interface Fitted {
  readonly value: unknown;
  readonly fits: boolean;
}

/** columnValue as a value and a flag. */
export function fitValue(type: FieldType, value: unknown, dialect: Dialect): Fitted {
  const v = columnValue(type, value, dialect);
  return v === MISFIT ? { value: null, fits: false } : { value: v, fits: true };
}

/** True when a literal of this JS type can be compared in SQL against the column of a field type. */
export function literalFits(type: FieldType, literal: string | number | boolean): boolean {
  switch (type) {
    case 'string':
    case 'text':
    case 'ref':
    case 'date':
      return typeof literal === 'string';
    case 'number':
      return typeof literal === 'number';
    case 'integer':
      return typeof literal === 'number';
    case 'boolean':
      return typeof literal === 'boolean';
    case 'json':
      return false;
  }
}

/** True for columns that are plain SQL scalars queries can use (JSON columns are read through `_values`). */
export function scalarColumn(col: ColumnSpec | undefined): col is ColumnSpec {
  return col !== undefined && col.type !== 'json';
}

/** True for text-valued columns (they need binary collation on Postgres). */
export function textColumn(type: FieldType): boolean {
  return type === 'string' || type === 'text' || type === 'ref' || type === 'date';
}
