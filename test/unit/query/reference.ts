import { type CompareOp, type Literal, type Path, type Predicate } from '../../../src/query/ast';

type Tri = 'T' | 'F' | 'U';

/**
 * A deliberately naive AnkQL interpreter written straight from docs/queries.md: collect every leaf the
 * path reaches, then apply SQL three-valued logic with explicit T/F/U values.
 */
export function referenceEval(p: Predicate, record: Readonly<Record<string, unknown>>): boolean {
  return tri(p, record) === 'T';
}

function tri(p: Predicate, r: Readonly<Record<string, unknown>>): Tri {
  switch (p.kind) {
    case 'true':
      return 'T';
    case 'false':
      return 'F';
    case 'not':
      return not3(tri(p.operand, r));
    case 'and':
      return p.operands.map((o) => tri(o, r)).reduce(and3, 'T');
    case 'or':
      return p.operands.map((o) => tri(o, r)).reduce(or3, 'F');
    case 'isNull': {
      const isNull = !reach(r, p.path).reached;
      return isNull !== p.negated ? 'T' : 'F';
    }
    case 'compare':
      return compare(r, p.path, p.op, p.value);
    case 'in': {
      const result = p.values.map((v) => compare(r, p.path, '=', v)).reduce(or3, 'F');
      return p.negated ? not3(result) : result;
    }
    case 'between':
      if (p.low === null || p.high === null) {
        return and3(compare(r, p.path, '>=', p.low), compare(r, p.path, '<=', p.high));
      }
      return exists(r, p.path, (v) => holds(v, '>=', p.low) && holds(v, '<=', p.high));
  }
}

function compare(r: Readonly<Record<string, unknown>>, path: Path, op: CompareOp, lit: Literal): Tri {
  if (lit === null) return 'U';
  return exists(r, path, (v) => holds(v, op, lit));
}

function exists(r: Readonly<Record<string, unknown>>, path: Path, test: (v: unknown) => boolean): Tri {
  const { reached, leaves } = reach(r, path);
  if (leaves.some(test)) return 'T';
  return reached ? 'F' : 'U';
}

function holds(v: unknown, op: CompareOp, lit: Literal): boolean {
  const same = typeof v === typeof lit && v !== null && lit !== null;
  if (op === '=') return same && v === lit;
  if (op === '!=') return !(same && v === lit);
  if (!same) return false;
  const c = order(v, lit);
  return op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

function order(a: unknown, b: unknown): number {
  if (typeof a === 'string' && typeof b === 'string') {
    const x = Array.from(a, (ch) => ch.codePointAt(0) ?? 0);
    const y = Array.from(b, (ch) => ch.codePointAt(0) ?? 0);
    for (let i = 0; i < Math.min(x.length, y.length); i++)
      if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
    return x.length - y.length;
  }
  return Number(a) - Number(b);
}

function reach(r: unknown, path: Path): { reached: boolean; leaves: unknown[] } {
  const acc = { reached: false, leaves: [] as unknown[] };
  const walk = (v: unknown, i: number): void => {
    if (v === null || v === undefined) return;
    if (Array.isArray(v)) {
      if (i === path.length) acc.reached = true;
      for (const e of v) walk(e, i);
      return;
    }
    if (i === path.length) {
      acc.reached = true;
      acc.leaves.push(v);
      return;
    }
    const key = path[i]!;
    if (typeof v === 'object' && Object.prototype.hasOwnProperty.call(v, key)) {
      walk((v as Record<string, unknown>)[key], i + 1);
    }
  };
  walk(r, 0);
  return acc;
}

function not3(a: Tri): Tri {
  return a === 'T' ? 'F' : a === 'F' ? 'T' : 'U';
}

function and3(a: Tri, b: Tri): Tri {
  return a === 'F' || b === 'F' ? 'F' : a === 'U' || b === 'U' ? 'U' : 'T';
}

function or3(a: Tri, b: Tri): Tri {
  return a === 'T' || b === 'T' ? 'T' : a === 'U' || b === 'U' ? 'U' : 'F';
}
