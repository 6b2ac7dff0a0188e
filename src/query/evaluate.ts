import { type Path, type Predicate } from './ast';
import { fastCompare, fastIn } from './fast-leaf';
import { betweenTest, compareTest } from './leaf-test';
import { type Deref, type LeafTest, MATCH, MISS, NOTHING, type PathOptions, scan } from './path-scan';

/** An entity's current values (plain JSON-ish data) plus its `id`. */
export type RecordValues = Readonly<Record<string, unknown>>;

/** A compiled predicate: true when the record is selected. */
export type CompiledPredicate = (record: RecordValues) => boolean;

type Target = typeof MATCH | typeof MISS;

/**
 * Compiles a predicate once into closures with SQL three-valued logic: each node is compiled for the
 * polarity it is needed in ("is it TRUE?" or "is it FALSE?"), so UNKNOWN (null/missing) satisfies neither
 * and `NOT` simply swaps the polarity; no tri-state value is built per record.
 */
export function compilePredicate(p: Predicate, options: PathOptions = {}): CompiledPredicate {
  return compile(p, true, options.deref);
}

function compile(p: Predicate, want: boolean, deref: Deref | undefined): CompiledPredicate {
  switch (p.kind) {
    case 'true':
      return want ? always : never;
    case 'false':
      return want ? never : always;
    case 'not':
      return compile(p.operand, !want, deref);
    case 'and':
    case 'or': {
      const parts = p.operands.map((o) => compile(o, want, deref));
      return (p.kind === 'and') === want ? allOf(parts) : anyOf(parts);
    }
    case 'isNull': {
      const test = isNull(p.path, deref);
      return p.negated !== want ? test : negate(test);
    }
    case 'compare': {
      if (p.value === null) return never;
      const test = compareTest(p.op, p.value);
      const key = topLevel(p.path);
      const fast = want && key !== undefined ? fastCompare(key, p.op, p.value, test, deref) : undefined;
      return fast ?? leaf(p.path, test, want ? MATCH : MISS, deref);
    }
    case 'in': {
      // `x IN (a, b)` means `x = a OR x = b`, so an empty list is FALSE even for a missing x.
      if (p.values.length === 0) return want !== p.negated ? never : always;
      const values: ReadonlySet<unknown> = new Set(p.values.filter((v) => v !== null));
      const hasNull = values.size < p.values.length;
      // A null in the list makes a non-match UNKNOWN rather than FALSE, as in SQL.
      const target = want !== p.negated ? MATCH : MISS;
      if (target === MISS && hasNull) return never;
      const key = topLevel(p.path);
      if (target === MATCH && key !== undefined) return fastIn(key, values, deref);
      return leaf(p.path, (v) => values.has(v), target, deref);
    }
    case 'between':
      if (p.low !== null && p.high !== null) {
        return leaf(p.path, betweenTest(p.low, p.high), want ? MATCH : MISS, deref);
      }
      // BETWEEN with a null bound is `x >= low AND x <= high` with an UNKNOWN side: never TRUE,
      // FALSE only when the non-null side is FALSE.
      if (want) return never;
      if (p.high !== null) return leaf(p.path, compareTest('<=', p.high), MISS, deref);
      if (p.low !== null) return leaf(p.path, compareTest('>=', p.low), MISS, deref);
      return never;
  }
}

/** The field name of a one-segment path that plain property access can read safely. */
function topLevel(path: Path): string | undefined {
  const key = path[0];
  return path.length === 1 && key !== undefined && !(key in Object.prototype) ? key : undefined;
}

/** Tests whether scanning `path` ends in `target`, with a fast path for top-level fields. */
function leaf(path: Path, test: LeafTest, target: Target, deref: Deref | undefined): CompiledPredicate {
  const key = topLevel(path);
  if (key === undefined) {
    return (r) => scan(r, path, 0, test, deref) === target;
  }
  if (target === MATCH) {
    return (r) => {
      const v = r[key];
      if (v === null || v === undefined) return false;
      return typeof v === 'object' ? scan(v, path, 1, test, deref) === MATCH : test(v);
    };
  }
  return (r) => {
    const v = r[key];
    if (v === null || v === undefined) return false;
    return typeof v === 'object' ? scan(v, path, 1, test, deref) === MISS : !test(v);
  };
}

function isNull(path: Path, deref: Deref | undefined): CompiledPredicate {
  const key = topLevel(path);
  if (key !== undefined) return (r) => r[key] == null;
  return (r) => scan(r, path, 0, never, deref) === NOTHING;
}

function allOf(parts: readonly CompiledPredicate[]): CompiledPredicate {
  const [a, b, c] = parts;
  if (parts.length === 0 || a === undefined) return always;
  if (parts.length === 1) return a;
  if (parts.length === 2 && b !== undefined) return (r) => a(r) && b(r);
  if (parts.length === 3 && b !== undefined && c !== undefined) return (r) => a(r) && b(r) && c(r);
  return (r) => parts.every((part) => part(r));
}

function anyOf(parts: readonly CompiledPredicate[]): CompiledPredicate {
  const [a, b] = parts;
  if (parts.length === 0 || a === undefined) return never;
  if (parts.length === 1) return a;
  if (parts.length === 2 && b !== undefined) return (r) => a(r) || b(r);
  return (r) => parts.some((part) => part(r));
}

function negate(f: CompiledPredicate): CompiledPredicate {
  return (r) => !f(r);
}

function always(): boolean {
  return true;
}

function never(): boolean {
  return false;
}
