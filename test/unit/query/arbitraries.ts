import fc from 'fast-check';
import {
  type CompareOp,
  type Literal,
  type OrderKey,
  type Path,
  type Predicate,
  type Selection,
} from '../../../src/query/ast';

const SPAN = { start: 0, end: 0 };
const OPS: readonly CompareOp[] = ['=', '!=', '<', '<=', '>', '>='];

/** Field names that exercise quoting: keywords, spaces, quotes, non-ASCII, digits. */
const NAMES = [
  'a',
  'b',
  'year',
  'name',
  'tags',
  'meta',
  'id',
  'order',
  'Select',
  'with space',
  'q"uote',
  'ı',
  'x1',
  '9',
];

/** Scalars that make matches likely, including cross-type look-alikes and astral/BMP-high characters. */
const SCALARS: readonly Literal[] = [
  0,
  1,
  9,
  -5,
  2.5,
  2001,
  '9',
  'true',
  'a',
  'b',
  'm',
  '',
  'Björk',
  '\u{1F600}',
  '\uFFFD',
  true,
  false,
];

/** A literal for printing round trips: anything a selection can hold. */
export const anyLiteral: fc.Arbitrary<Literal> = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((n) => (n === 0 ? 0 : n)),
  fc.integer(),
  fc.string({ unit: 'binary' }),
  fc.boolean(),
  fc.constant(null),
);

/** A literal from a small pool, so evaluation tests see matches. */
export const poolLiteral: fc.Arbitrary<Literal> = fc.oneof(fc.constantFrom(...SCALARS), fc.constant(null));

/** A path of one to three segments. */
export function pathArb(names: readonly string[] = NAMES): fc.Arbitrary<Path> {
  return fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 3 });
}

/** Predicates with at least two operands per AND/OR, as the parser builds them. */
export function predicateArb(
  literal: fc.Arbitrary<Literal>,
  path: fc.Arbitrary<Path>,
): fc.Arbitrary<Predicate> {
  const { p } = fc.letrec<{ p: Predicate }>((tie) => ({
    p: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom<Predicate>({ kind: 'true', span: SPAN }, { kind: 'false', span: SPAN }),
      fc
        .record({ path, op: fc.constantFrom(...OPS), value: literal })
        .map((c): Predicate => ({ kind: 'compare', ...c, span: SPAN })),
      fc
        .record({ path, values: fc.array(literal, { maxLength: 4 }), negated: fc.boolean() })
        .map((c): Predicate => ({ kind: 'in', ...c, span: SPAN })),
      fc
        .record({ path, low: literal, high: literal })
        .map((c): Predicate => ({ kind: 'between', ...c, span: SPAN })),
      fc
        .record({ path, negated: fc.boolean() })
        .map((c): Predicate => ({ kind: 'isNull', ...c, span: SPAN })),
      tie('p').map((operand): Predicate => ({ kind: 'not', operand, span: SPAN })),
      fc
        .array(tie('p'), { minLength: 2, maxLength: 3 })
        .map((operands): Predicate => ({ kind: 'and', operands, span: SPAN })),
      fc
        .array(tie('p'), { minLength: 2, maxLength: 3 })
        .map((operands): Predicate => ({ kind: 'or', operands, span: SPAN })),
    ),
  }));
  return p;
}

/** Whole selections with ORDER BY and LIMIT. */
export const selectionArb: fc.Arbitrary<Selection> = fc
  .record({
    predicate: predicateArb(anyLiteral, pathArb()),
    orderBy: fc.array(
      fc.record({ path: pathArb(), direction: fc.constantFrom<OrderKey['direction']>('asc', 'desc') }),
      { maxLength: 3 },
    ),
    limit: fc.option(fc.nat(), { nil: undefined }),
  })
  .map(({ limit, ...rest }) => (limit === undefined ? rest : { ...rest, limit }));

const leaf: fc.Arbitrary<unknown> = fc.oneof(fc.constantFrom(...SCALARS), fc.constant(null));

/** A JSON-ish value: scalars, arrays and small objects keyed by the record field names. */
export const jsonValue: fc.Arbitrary<unknown> = fc.letrec<{ v: unknown }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small' },
    leaf,
    fc.array(tie('v'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'tags', 'name'), tie('v'), { maxKeys: 3 }),
  ),
})).v;

/** A record over a few fields (some absent) plus an id. */
export const recordArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    id: fc.string({ minLength: 1, maxLength: 4 }),
    fields: fc.dictionary(fc.constantFrom('a', 'b', 'tags', 'meta'), jsonValue, { maxKeys: 4 }),
  })
  .map(({ id, fields }) => ({ ...fields, id }));
