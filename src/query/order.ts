import { type OrderKey } from './ast';
import { compareStrings, compareValues } from './collation';
import { type RecordValues } from './evaluate';
import { type PathOptions, valueAt } from './path-scan';

export { compareValues } from './collation';

/** A total order over records. */
export type RecordComparator = (a: RecordValues, b: RecordValues) => number;

/**
 * Builds the total order of an ORDER BY: each key compares with the cross-type order of `compareValues`,
 * nulls/missing last for ASC and first for DESC, and ties end with ascending `id` by code point,
 * so results are stable on every engine; no keys means ascending id.
 */
export function compareRecords(orderBy: readonly OrderKey[], options: PathOptions = {}): RecordComparator {
  const keys = compareKeys(orderBy, options);
  return (a, b) => keys(a, b) || compareIds(a['id'], b['id']);
}

/** The ORDER BY keys alone, without the id tie-break (0 when every key ties); see compareRecords. */
export function compareKeys(orderBy: readonly OrderKey[], options: PathOptions = {}): RecordComparator {
  const { deref } = options;
  const keys = orderBy.map(({ path, direction }) => ({ path, sign: direction === 'desc' ? -1 : 1 }));
  return (a, b) => {
    for (const { path, sign } of keys) {
      const x = valueAt(a, path, deref);
      const y = valueAt(b, path, deref);
      const xNull = x === null || x === undefined;
      const yNull = y === null || y === undefined;
      // Nulls sort as if greater than every value: last ascending, first descending.
      if (xNull || yNull) {
        if (xNull !== yNull) return (xNull ? 1 : -1) * sign;
        continue;
      }
      const c = compareValues(x, y);
      if (c !== 0) return c * sign;
    }
    return 0;
  };
}

function compareIds(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') return compareStrings(a, b);
  return compareValues(a, b);
}
