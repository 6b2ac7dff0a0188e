import { type OrderKey } from '../../query/ast';
import { compareStrings, compareValues } from '../../query/collation';
import { compareKeys } from '../../query/order';

type Row = Readonly<Record<string, unknown>>;

/**
 * The ORDER BY keys of `compareKeys` (no id tie-break), specialised when every key is a top-level field: the
 * scan of a bounded fetch compares each match with the window's last row, so this comparison is its hot path.
 * Same answer as `compareKeys`: own properties only, nulls last ascending and first descending.
 */
export function orderKeys(orderBy: readonly OrderKey[]): (a: Row, b: Row) => number {
  if (orderBy.length === 0) return () => 0;
  if (orderBy.some((k) => k.path.length !== 1)) return compareKeys(orderBy);
  const fields = orderBy.map((k) => k.path[0] as string);
  const signs = orderBy.map((k) => (k.direction === 'desc' ? -1 : 1));
  if (fields.length === 1) {
    const f = fields[0] as string;
    const sign = signs[0] as number;
    return (a, b) =>
      compareField(Object.hasOwn(a, f) ? a[f] : undefined, Object.hasOwn(b, f) ? b[f] : undefined, sign);
  }
  return (a, b) => {
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i] as string;
      const c = compareField(
        Object.hasOwn(a, f) ? a[f] : undefined,
        Object.hasOwn(b, f) ? b[f] : undefined,
        signs[i] as number,
      );
      if (c !== 0) return c;
    }
    return 0;
  };
}

function compareField(x: unknown, y: unknown, sign: number): number {
  if (typeof x === 'string' && typeof y === 'string') return compareStrings(x, y) * sign;
  const xNull = x === null || x === undefined;
  const yNull = y === null || y === undefined;
  if (xNull || yNull) return xNull === yNull ? 0 : (xNull ? 1 : -1) * sign;
  return compareValues(x, y) * sign;
}
