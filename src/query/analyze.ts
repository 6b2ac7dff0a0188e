import { type Path, type Predicate, type Selection } from './ast';
import { compareValues } from './collation';
import { type Scalar } from './leaf-test';

export { type Scalar } from './leaf-test';

/** One end of a range; `inclusive` for `>=`/`<=`/BETWEEN. */
export interface Bound {
  readonly value: Scalar;
  readonly inclusive: boolean;
}

/**
 * A top-level AND conjunct an index can serve. A record can only be selected if it satisfies every
 * conjunct, but the full predicate must still be evaluated on the candidates (ranges on one path are
 * merged only when their bounds have the same type).
 */
export type Conjunct =
  | { readonly kind: 'eq'; readonly path: Path; readonly value: Scalar }
  | { readonly kind: 'in'; readonly path: Path; readonly values: readonly Scalar[] }
  | { readonly kind: 'range'; readonly path: Path; readonly low?: Bound; readonly high?: Bound };

type Range = Extract<Conjunct, { kind: 'range' }>;

/** The equality, IN and (merged) range conjuncts at the top level of a predicate; OR/NOT subtrees are ignored. */
export function analyzePredicate(p: Predicate): Conjunct[] {
  const out: Conjunct[] = [];
  const ranges = new Map<string, number>();
  for (const c of conjuncts(p)) {
    const found = usable(c);
    if (found === undefined) continue;
    if (found.kind !== 'range') {
      out.push(found);
      continue;
    }
    const key = `${JSON.stringify(found.path)}\u0000${boundType(found)}`;
    const at = ranges.get(key);
    const prior = at === undefined ? undefined : out[at];
    if (at !== undefined && prior?.kind === 'range' && boundType(found) !== 'mixed') {
      out[at] = merge(prior, found);
    } else {
      ranges.set(key, out.length);
      out.push(found);
    }
  }
  return out;
}

/** ANDs two predicates (e.g. a policy filter into a query), flattening AND chains and dropping `true`. */
export function andPredicates(a: Predicate, b: Predicate): Predicate {
  if (a.kind === 'true') return b;
  if (b.kind === 'true') return a;
  const operands = [...(a.kind === 'and' ? a.operands : [a]), ...(b.kind === 'and' ? b.operands : [b])];
  return { kind: 'and', operands, span: a.span };
}

/** Every distinct path a selection reads, in predicate then ORDER BY order. */
export function selectionPaths(sel: Selection): Path[] {
  const seen = new Map<string, Path>();
  const add = (path: Path): void => {
    const key = JSON.stringify(path);
    if (!seen.has(key)) seen.set(key, path);
  };
  const visit = (p: Predicate): void => {
    if (p.kind === 'and' || p.kind === 'or') p.operands.forEach(visit);
    else if (p.kind === 'not') visit(p.operand);
    else if (p.kind !== 'true' && p.kind !== 'false') add(p.path);
  };
  visit(sel.predicate);
  sel.orderBy.forEach((key) => add(key.path));
  return [...seen.values()];
}

function conjuncts(p: Predicate): readonly Predicate[] {
  return p.kind === 'and' ? p.operands.flatMap(conjuncts) : [p];
}

function usable(p: Predicate): Conjunct | undefined {
  const { kind } = p;
  if (kind === 'in' && !p.negated) {
    return { kind: 'in', path: p.path, values: p.values.filter((v) => v !== null) };
  }
  if (kind === 'between' && p.low !== null && p.high !== null) {
    const low = { value: p.low, inclusive: true };
    return { kind: 'range', path: p.path, low, high: { value: p.high, inclusive: true } };
  }
  if (kind !== 'compare' || p.value === null || p.op === '!=') return undefined;
  const { path, value, op } = p;
  if (op === '=') return { kind: 'eq', path, value };
  const bound = { value, inclusive: op.endsWith('=') };
  return op.startsWith('>') ? { kind: 'range', path, low: bound } : { kind: 'range', path, high: bound };
}

function boundType(r: Range): string {
  const types = new Set([r.low, r.high].flatMap((b) => (b ? [typeof b.value] : [])));
  return types.size === 1 ? [...types].join() : 'mixed';
}

function merge(a: Range, b: Range): Range {
  const low = pick(a.low, b.low, 1);
  const high = pick(a.high, b.high, -1);
  return { kind: 'range', path: a.path, ...(low && { low }), ...(high && { high }) };
}

/** The tighter of two bounds: the greater low (sign 1) or the smaller high (sign -1); exclusive wins ties. */
function pick(x: Bound | undefined, y: Bound | undefined, sign: number): Bound | undefined {
  if (!x || !y) return x ?? y;
  const c = compareValues(x.value, y.value) * sign;
  if (c !== 0) return c > 0 ? x : y;
  return x.inclusive ? y : x;
}
