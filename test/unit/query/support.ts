import { type Predicate, type Selection } from '../../../src/query/ast';

/** Drops spans and source text so ASTs from different texts compare by shape and values only. */
export function stripSelection(sel: Selection): unknown {
  return {
    predicate: stripPredicate(sel.predicate),
    orderBy: sel.orderBy.map((k) => ({ path: [...k.path], direction: k.direction })),
    ...(sel.limit === undefined ? {} : { limit: sel.limit }),
  };
}

/** Drops spans from a predicate. */
export function stripPredicate(p: Predicate): unknown {
  switch (p.kind) {
    case 'true':
    case 'false':
      return { kind: p.kind };
    case 'and':
    case 'or':
      return { kind: p.kind, operands: p.operands.map(stripPredicate) };
    case 'not':
      return { kind: 'not', operand: stripPredicate(p.operand) };
    case 'compare':
      return { kind: 'compare', op: p.op, path: [...p.path], value: p.value };
    case 'in':
      return { kind: 'in', path: [...p.path], values: [...p.values], negated: p.negated };
    case 'between':
      return { kind: 'between', path: [...p.path], low: p.low, high: p.high };
    case 'isNull':
      return { kind: 'isNull', path: [...p.path], negated: p.negated };
  }
}

/** Runs `f` and returns the error it throws, failing the test when it does not throw. */
export function thrown(f: () => unknown): unknown {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an error to be thrown');
}
