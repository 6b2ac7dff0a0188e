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

/**
 * The ORDER BY keys alone, without the id tie-break (0 when every key ties); see compareRecords. When every
 * key is a top-level field and no references are followed (the common ORDER BY, and the hot path of a bounded
 * scan, which compares each match with the window's last row), the fields are read directly.
 */
export function compareKeys(orderBy: readonly OrderKey[], options: PathOptions = {}): RecordComparator {
  const { deref } = options;
  const signs = orderBy.map((k) => (k.direction === 'desc' ? -1 : 1));
  if (deref === undefined && orderBy.every((k) => k.path.length === 1)) {
    const fields = orderBy.map((k) => k.path[0] as string);
    if (fields.length === 1) {
      const field = fields[0] as string;
      const sign = signs[0] as number;
      return (a, b) => compareKey(own(a, field), own(b, field), sign);
    }
    return (a, b) => {
      for (let i = 0; i < fields.length; i++) {
        const f = fields[i] as string;
        const c = compareKey(own(a, f), own(b, f), signs[i] as number);
        if (c !== 0) return c;
      }
      return 0;
    };
  }
  const paths = orderBy.map((k) => k.path);
  return (a, b) => {
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] as OrderKey['path'];
      const c = compareKey(valueAt(a, path, deref), valueAt(b, path, deref), signs[i] as number);
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
