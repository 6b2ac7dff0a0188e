import { type CompareOp } from './ast';
import { unitOrderIsSafe } from './collation';
import { type Scalar } from './leaf-test';
import { type Deref, type LeafTest, MATCH, scan } from './path-scan';

type Row = Readonly<Record<string, unknown>>;
type Fast = (r: Row) => boolean;

/**
 * Hand-specialised "is it TRUE?" closures for the commonest leaves on a top-level field. Each operator
 * gets its own function literal so V8 keeps every property load and comparison monomorphic; values that
 * are not of the literal's scalar type fall back to the general scan (arrays, objects) or to false.
 */
export function fastCompare(
  key: string,
  op: CompareOp,
  lit: Scalar,
  test: LeafTest,
  deref?: Deref,
): Fast | undefined {
  const deep = (v: unknown): boolean =>
    typeof v === 'object' && v !== null && scan(v, [key], 1, test, deref) === MATCH;
  if (op === '=') return (r) => r[key] === lit || deep(r[key]);
  if (typeof lit === 'number') {
    switch (op) {
      case '>':
        return (r) => {
          const v = r[key];
          return typeof v === 'number' ? v > lit : deep(v);
        };
      case '>=':
        return (r) => {
          const v = r[key];
          return typeof v === 'number' ? v >= lit : deep(v);
        };
      case '<':
        return (r) => {
          const v = r[key];
          return typeof v === 'number' ? v < lit : deep(v);
        };
      case '<=':
        return (r) => {
          const v = r[key];
          return typeof v === 'number' ? v <= lit : deep(v);
        };
      case '!=':
        return undefined;
    }
  }
  if (typeof lit !== 'string' || !unitOrderIsSafe(lit)) return undefined;
  switch (op) {
    case '>':
      return (r) => {
        const v = r[key];
        return typeof v === 'string' ? v > lit : deep(v);
      };
    case '>=':
      return (r) => {
        const v = r[key];
        return typeof v === 'string' ? v >= lit : deep(v);
      };
    case '<':
      return (r) => {
        const v = r[key];
        return typeof v === 'string' ? v < lit : deep(v);
      };
    case '<=':
      return (r) => {
        const v = r[key];
        return typeof v === 'string' ? v <= lit : deep(v);
      };
    case '!=':
      return undefined;
  }
}

/** Specialised "is it TRUE?" closure for `key IN (...)` on a top-level field. */
export function fastIn(key: string, values: ReadonlySet<unknown>, deref?: Deref): Fast {
  const test: LeafTest = (v) => values.has(v);
  return (r) => {
    const v = r[key];
    return typeof v !== 'object' ? values.has(v) : v !== null && scan(v, [key], 1, test, deref) === MATCH;
  };
}
