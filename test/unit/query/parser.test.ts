import { parseSelection } from '../../../src/query/parser';
import { QuerySyntaxError } from '../../../src/errors/query-syntax-error';
import { stripPredicate, stripSelection, thrown } from './support';

const where = (text: string, params?: readonly unknown[]): unknown =>
  stripPredicate(parseSelection(text, params).predicate);
const cmp = (path: string[], op: string, value: unknown): unknown => ({ kind: 'compare', op, path, value });

describe('parseSelection', () => {
  test('true alone selects everything with no ordering', () => {
    const sel = parseSelection('true');
    expect(sel.predicate.kind).toBe('true');
    expect(sel.orderBy).toEqual([]);
    expect(sel.limit).toBeUndefined();
    expect(sel.source).toBe('true');
  });

  test.each([
    ['x = 1', '='],
    ['x != 1', '!='],
    ['x <> 1', '!='],
    ['x < 1', '<'],
    ['x <= 1', '<='],
    ['x > 1', '>'],
    ['x >= 1', '>='],
  ])('%s parses to compare %s', (text, op) => {
    expect(where(text)).toEqual(cmp(['x'], op, 1));
  });

  test.each([
    ['x = -5', -5],
    ['x = 3.14', 3.14],
    ['x = 1e3', 1000],
    ['x = -2.5E-3', -0.0025],
    ['x = -0', 0],
    ["x = 'it''s'", "it's"],
    ["x = ''", ''],
    ['x = TRUE', true],
    ['x = false', false],
    ['x = null', null],
  ])('literal in %s', (text, value) => {
    expect(where(text)).toEqual(cmp(['x'], '=', value));
  });

  test('IN, NOT IN, BETWEEN, IS NULL, IS NOT NULL', () => {
    expect(where("a IN ('x', 2, null)")).toEqual({
      kind: 'in',
      path: ['a'],
      values: ['x', 2, null],
      negated: false,
    });
    expect(where('a NOT IN (1)')).toEqual({ kind: 'in', path: ['a'], values: [1], negated: true });
    expect(where('a IN ()')).toEqual({ kind: 'in', path: ['a'], values: [], negated: false });
    expect(where('a BETWEEN 1 AND 2')).toEqual({ kind: 'between', path: ['a'], low: 1, high: 2 });
    expect(where('a NOT BETWEEN 1 AND 2')).toEqual({
      kind: 'not',
      operand: { kind: 'between', path: ['a'], low: 1, high: 2 },
    });
    expect(where('a IS NULL')).toEqual({ kind: 'isNull', path: ['a'], negated: false });
    expect(where('a is not null')).toEqual({ kind: 'isNull', path: ['a'], negated: true });
  });

  test('AND binds tighter than OR; chains are n-ary; parentheses group', () => {
    expect(where('a = 1 OR b = 2 AND c = 3 AND d = 4')).toEqual({
      kind: 'or',
      operands: [
        cmp(['a'], '=', 1),
        { kind: 'and', operands: [cmp(['b'], '=', 2), cmp(['c'], '=', 3), cmp(['d'], '=', 4)] },
      ],
    });
    expect(where('(a = 1 OR b = 2) AND c = 3')).toEqual({
      kind: 'and',
      operands: [{ kind: 'or', operands: [cmp(['a'], '=', 1), cmp(['b'], '=', 2)] }, cmp(['c'], '=', 3)],
    });
    expect(where('((a = 1))')).toEqual(cmp(['a'], '=', 1));
  });

  test('NOT binds tighter than AND and can repeat', () => {
    expect(where('NOT a = 1 AND b = 2')).toEqual({
      kind: 'and',
      operands: [{ kind: 'not', operand: cmp(['a'], '=', 1) }, cmp(['b'], '=', 2)],
    });
    expect(where('not not true')).toEqual({
      kind: 'not',
      operand: { kind: 'not', operand: { kind: 'true' } },
    });
  });

  test('keywords are case-insensitive, identifiers are case-sensitive', () => {
    expect(where("Name = 'x' aNd year BeTwEeN 1 and 2")).toEqual({
      kind: 'and',
      operands: [cmp(['Name'], '=', 'x'), { kind: 'between', path: ['year'], low: 1, high: 2 }],
    });
  });

  test('dotted paths, quoted identifiers, keywords after a dot, unicode names', () => {
    expect(where("meta.tags = 'live'")).toEqual(cmp(['meta', 'tags'], '=', 'live'));
    expect(where('"order" = 1')).toEqual(cmp(['order'], '=', 1));
    expect(where('"a ""b""".c = 1')).toEqual(cmp(['a "b"', 'c'], '=', 1));
    expect(where('meta.order = 1')).toEqual(cmp(['meta', 'order'], '=', 1));
    expect(where('größe = 1')).toEqual(cmp(['größe'], '=', 1));
    expect(where('id = 1')).toEqual(cmp(['id'], '=', 1));
  });

  test('ORDER BY and LIMIT', () => {
    const sel = parseSelection('year > 1985 ORDER BY year DESC, name, label.name ASC LIMIT 10');
    expect(stripSelection(sel)).toEqual({
      predicate: cmp(['year'], '>', 1985),
      orderBy: [
        { path: ['year'], direction: 'desc' },
        { path: ['name'], direction: 'asc' },
        { path: ['label', 'name'], direction: 'asc' },
      ],
      limit: 10,
    });
    expect(parseSelection('true LIMIT 0').limit).toBe(0);
    expect(parseSelection('true order by x').orderBy).toEqual([
      { path: ['x'], direction: 'asc', span: { start: 14, end: 15 } },
    ]);
  });

  test('spans cover each node and its literals', () => {
    const text = "year > 1985 AND NOT (artist = 'Muse')";
    const p = parseSelection(text).predicate;
    expect(p.span).toEqual({ start: 0, end: text.length });
    if (p.kind !== 'and') throw new Error('expected and');
    const [first, second] = p.operands;
    expect(first?.span).toEqual({ start: 0, end: 11 });
    expect(first?.kind === 'compare' && first.valueSpans).toEqual([{ start: 7, end: 11 }]);
    expect(second?.span).toEqual({ start: 16, end: text.length - 1 });
  });

  describe('parameters', () => {
    test('bind in order to literals', () => {
      expect(where('artist = ? AND year > ?', ['Muse', 1999])).toEqual({
        kind: 'and',
        operands: [cmp(['artist'], '=', 'Muse'), cmp(['year'], '>', 1999)],
      });
    });

    test('Date becomes an ISO string; null, booleans pass', () => {
      const d = new Date(Date.UTC(2001, 6, 17));
      expect(where('d >= ?', [d])).toEqual(cmp(['d'], '>=', '2001-07-17T00:00:00.000Z'));
      expect(where('a = ? OR b = ?', [null, true])).toEqual({
        kind: 'or',
        operands: [cmp(['a'], '=', null), cmp(['b'], '=', true)],
      });
    });

    test('IN ? takes an array, BETWEEN and LIMIT take parameters', () => {
      expect(where('a IN ?', [['x', 1]])).toEqual({
        kind: 'in',
        path: ['a'],
        values: ['x', 1],
        negated: false,
      });
      expect(where('a NOT IN ?', [[]])).toEqual({ kind: 'in', path: ['a'], values: [], negated: true });
      expect(where('a BETWEEN ? AND ?', [1, 2])).toEqual({ kind: 'between', path: ['a'], low: 1, high: 2 });
      expect(parseSelection('true LIMIT ?', [5]).limit).toBe(5);
    });

    test.each([
      ['a = ?', [], 4, /no parameter for \? number 1 \(0 given\)/],
      ['a = ? AND b = ?', [1], 14, /number 2 \(1 given\)/],
      ['a = ?', [1, 2], 5, /Expected 1 parameter \(one per \?\) but found 2 parameters/],
      ['true', [1], 4, /Expected 0 parameters/],
      ['a = ?', [undefined], 4, /found undefined/],
      ['a = ?', [NaN], 4, /found number NaN/],
      ['a = ?', [Infinity], 4, /finite number/],
      ['a = ?', [{}], 4, /found an object/],
      ['a = ?', [[1]], 4, /found an array/],
      ['a = ?', [new Date('nope')], 4, /invalid Date/],
      ['a = ?', [10n], 4, /bigint 10/],
      ['a IN ?', [[{}]], 5, /array elements/],
      ['true LIMIT ?', [-1], 11, /non-negative integer parameter/],
      ['true LIMIT ?', [1.5], 11, /non-negative integer parameter/],
    ])('%s with %p fails at %i', (text, params, offset, message) => {
      const e = thrown(() => parseSelection(text, params));
      expect(e).toBeInstanceOf(QuerySyntaxError);
      expect((e as QuerySyntaxError).offset).toBe(offset);
      expect((e as QuerySyntaxError).message).toMatch(message);
    });
  });
});
