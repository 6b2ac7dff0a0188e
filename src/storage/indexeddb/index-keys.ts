import { type EntityState } from '../../entity/entity-state';
import { type Scalar } from '../../query/analyze';

/**
 * Keys of the `ix` multiEntry index. Every live entity of a collection has, per `index: true` field, exactly
 * one entry `[collection, field, tag, key?, id]`: tag 'n' with the number, 's' with the string in sortable
 * form, 'z' for null or missing, 'x' for anything else (booleans, arrays, JSON, NaN). The id last orders
 * equal values by ascending id, the evaluator's tie-break. Deleted entities have none.
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
  return indexed.map((f) => [state.collection, f, ...keyOf(state.values[f]), state.id]);
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

/** The entries equal to a number or string literal (every id: arrays sort after the string ids). */
export function equalRange(collection: string, field: string, value: Scalar): IDBKeyRange | undefined {
  const tag = tagOf(value);
  if (!tag) return undefined;
  const k = [collection, field, tag, key(value)];
  return IDBKeyRange.bound(k, [...k, []]);
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
  // An entry is [..., key, id]: [..., key] sorts before all of a key's entries, [..., key, []] after them.
  const base = [collection, field, tag];
  const lower = low ? (low.inclusive ? [...base, key(low.value)] : [...base, key(low.value), []]) : base;
  const upper = !high
    ? [collection, field, `${tag}\u0000`]
    : high.inclusive
      ? [...base, key(high.value), []]
      : [...base, key(high.value)];
  const upperOpen = !high || !high.inclusive;
  const c = indexedDB.cmp(lower, upper);
  if (c > 0 || (c === 0 && upperOpen)) return undefined;
  return IDBKeyRange.bound(lower, upper, false, upperOpen);
}
