import { type OrderKey } from './ast';
import { compareStrings, compareValues } from './collation';
import { type RecordValues } from './evaluate';
import { own, type PathOptions, valueAt } from './path-scan';

export { compareValues } from './collation';

/** A total order over records. */
export type RecordComparator = (a: RecordValues, b: RecordValues) => number;

/**
 * Builds the total order of an ORDER BY: each key compares with the cross-type order of `compareValues`,
 * nulls/missing last for ASC and first for DESC, and ties end with ascending `id` by code point,
 * so results are stable on every engine; no keys means ascending id.
 */
export function compareRecords(orderBy: readonly OrderKey[], options: PathOptions = {}): RecordComparator {
  // No keys (the order of a plain filter): the id alone, without a call through an empty key loop.
  if (orderBy.length === 0) return (a, b) => compareIds(a['id'], b['id']);
  const keys = compareKeys(orderBy, options);
  return (a, b) => keys(a, b) || compareIds(a['id'], b['id']);
}

/** The ORDER BY keys alone, without the id tie-break (0 when every key ties); see compareRecords. */
export function compareKeys(orderBy: readonly OrderKey[], options: PathOptions = {}): RecordComparator {
  const { deref } = options;
  // One top-level field, no references to follow (the common ORDER BY): read it directly.
  const only = orderBy.length === 1 ? orderBy[0] : undefined;
  if (only && only.path.length === 1 && deref === undefined) {
    const field = only.path[0] as string;
    const sign = only.direction === 'desc' ? -1 : 1;
    return (a, b) => compareKey(own(a, field), own(b, field), sign);
  }
  const keys = orderBy.map(({ path, direction }) => ({ path, sign: direction === 'desc' ? -1 : 1 }));
  return (a, b) => {
    for (const { path, sign } of keys) {
      const c = compareKey(valueAt(a, path, deref), valueAt(b, path, deref), sign);
      if (c !== 0) return c;
    }
    return 0;
  };
}

/** One key of an ORDER BY: nulls sort as if greater than every value (last ascending, first descending). */
function compareKey(x: unknown, y: unknown, sign: number): number {
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y) * sign;
  const xNull = x === null || x === undefined;
  const yNull = y === null || y === undefined;
  if (xNull || yNull) return xNull === yNull ? 0 : (xNull ? 1 : -1) * sign;
  return compareValues(x, y) * sign;
}

function compareIds(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return compareValues(a, b);
}
