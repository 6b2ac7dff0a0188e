import { type CompareOp } from './ast';
import { compareValues, unitOrderIsSafe } from './collation';
import { type LeafTest } from './path-scan';

/** A non-null literal. */
export type Scalar = string | number | boolean;

/**
 * The per-value test of `path <op> literal`; it is only called with non-null values.
 * Equality is strict (`9` never equals `'9'`); ordering holds only between values of the literal's type.
 */
export function compareTest(op: CompareOp, lit: Scalar): LeafTest {
  if (op === '=') return (v) => v === lit;
  if (op === '!=') return (v) => v !== lit;
  if (typeof lit === 'number') return numberTest(op, lit);
  // Unit order equals code-point order whenever one side has no unit >= 0xD800, so the
  // native operators are exact here and much faster than a code-point loop.
  if (typeof lit === 'string' && unitOrderIsSafe(lit)) return stringTest(op, lit);
  const type = typeof lit;
  const holds = relation(op);
  return (v) => typeof v === type && holds(compareValues(v, lit));
}

/** The per-value test of `path BETWEEN low AND high` (inclusive) for non-null bounds. */
export function betweenTest(low: Scalar, high: Scalar): LeafTest {
  const above = compareTest('>=', low);
  const below = compareTest('<=', high);
  if (typeof low === 'number' && typeof high === 'number') {
    return (v) => typeof v === 'number' && v >= low && v <= high;
  }
  return (v) => above(v) && below(v);
}

function numberTest(op: Exclude<CompareOp, '=' | '!='>, lit: number): LeafTest {
  switch (op) {
    case '<':
      return (v) => typeof v === 'number' && v < lit;
    case '<=':
      return (v) => typeof v === 'number' && v <= lit;
    case '>':
      return (v) => typeof v === 'number' && v > lit;
    case '>=':
      return (v) => typeof v === 'number' && v >= lit;
  }
}

function stringTest(op: Exclude<CompareOp, '=' | '!='>, lit: string): LeafTest {
  switch (op) {
    case '<':
      return (v) => typeof v === 'string' && v < lit;
    case '<=':
      return (v) => typeof v === 'string' && v <= lit;
    case '>':
      return (v) => typeof v === 'string' && v > lit;
    case '>=':
      return (v) => typeof v === 'string' && v >= lit;
  }
}

function relation(op: Exclude<CompareOp, '=' | '!='>): (c: number) => boolean {
  switch (op) {
    case '<':
      return (c) => c < 0;
    case '<=':
      return (c) => c <= 0;
    case '>':
      return (c) => c > 0;
    case '>=':
      return (c) => c >= 0;
  }
}
