import { type EntityState } from '../../entity/entity-state';
import { type Scalar } from '../../query/analyze';

/**
 * Keys of the `ix` multiEntry index. Every live entity of a collection has, per `index: true` field, exactly
 * one entry `[collection, field, tag, key?]`: tag 'n' with the number, 's' with the string in sortable form,
 * 'z' for null or missing, 'x' for anything else (booleans, arrays, JSON, NaN). Deleted entities have none.
 */
export type IndexTag = 'n' | 's' | 'z' | 'x';

/**
 * A string re-encoded so that IndexedDB's code-unit order equals the code-point order of the AnkQL evaluator
 * (compareStrings): code units from 0xD800 up are moved the way compareStrings moves them.
 */
export function sortableString(s: string): string {
  if (!/[\uD800-\uFFFF]/.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out += String.fromCharCode(u < 0xd800 ? u : u >= 0xe000 ? u - 0x800 : u + 0x2000);
  }
  return out;
}

/** The tag and key of one value. */
export function keyOf(value: unknown): [IndexTag] | [IndexTag, number | string] {
  if (value === null || value === undefined) return ['z'];
  if (typeof value === 'number') return Number.isNaN(value) ? ['x'] : ['n', value];
  if (typeof value === 'string') return ['s', sortableString(value)];
  return ['x'];
}

/** The `ix` entries of a state for the indexed fields of its collection. */
export function indexEntries(state: EntityState, indexed: readonly string[]): unknown[] {
  if (state.deleted || indexed.length === 0) return [];
  return indexed.map((f) => [state.collection, f, ...keyOf(state.values[f])]);
}

/** Every entry of one field with one tag. */
export function tagRange(collection: string, field: string, tag: IndexTag): IDBKeyRange {
  return IDBKeyRange.bound([collection, field, tag], [collection, field, `${tag}\u0000`], false, true);
}

/** The tag a literal's candidates live under, or undefined when the index cannot serve it. */
export function tagOf(value: Scalar | null): 'n' | 's' | undefined {
  if (typeof value === 'number') return Number.isNaN(value) ? undefined : 'n';
  return typeof value === 'string' ? 's' : undefined;
}

function key(value: Scalar): number | string {
  return typeof value === 'string' ? sortableString(value) : (value as number);
}

/** The entries equal to a number or string literal. */
export function equalRange(collection: string, field: string, value: Scalar): IDBKeyRange | undefined {
  const tag = tagOf(value);
  return tag && IDBKeyRange.only([collection, field, tag, key(value)]);
}

/** The entries between two bounds of one type (either may be missing). */
export function boundRange(
  collection: string,
  field: string,
  low: { value: Scalar; inclusive: boolean } | undefined,
  high: { value: Scalar; inclusive: boolean } | undefined,
): IDBKeyRange | undefined {
  const tag = tagOf((low ?? high)?.value ?? null);
  if (!tag || (low && high && tagOf(low.value) !== tagOf(high.value))) return undefined;
  const lower = low ? [collection, field, tag, key(low.value)] : [collection, field, tag];
  const upper = high ? [collection, field, tag, key(high.value)] : [collection, field, `${tag}\u0000`];
  if (low && high) {
    const c = indexedDB.cmp(lower, upper);
    if (c > 0 || (c === 0 && !(low.inclusive && high.inclusive))) return undefined;
  }
  return IDBKeyRange.bound(lower, upper, low ? !low.inclusive : false, high ? !high.inclusive : true);
}
