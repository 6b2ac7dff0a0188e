import { analyzePredicate, andPredicates, selectionPaths } from '../../../src/query/analyze';
import { parseSelection } from '../../../src/query/parser';
import { printPredicate } from '../../../src/query/printer';

const analyze = (query: string): unknown => analyzePredicate(parseSelection(query).predicate);

describe('analyzePredicate', () => {
  test('equality, IN and range conjuncts of a top-level AND', () => {
    expect(analyze("artist = 'Muse' AND year > 2000 AND label IN ('a', 'b')")).toEqual([
      { kind: 'eq', path: ['artist'], value: 'Muse' },
      { kind: 'range', path: ['year'], low: { value: 2000, inclusive: false } },
      { kind: 'in', path: ['label'], values: ['a', 'b'] },
    ]);
  });

  test('a lone condition is one conjunct', () => {
    expect(analyze('year <= 5')).toEqual([
      { kind: 'range', path: ['year'], high: { value: 5, inclusive: true } },
    ]);
    expect(analyze("meta.tags = 'live'")).toEqual([{ kind: 'eq', path: ['meta', 'tags'], value: 'live' }]);
  });

  test('ranges on one path merge, keeping the tighter bound', () => {
    expect(analyze('year > 2000 AND year <= 2010')).toEqual([
      {
        kind: 'range',
        path: ['year'],
        low: { value: 2000, inclusive: false },
        high: { value: 2010, inclusive: true },
      },
    ]);
    expect(analyze('year >= 2000 AND year > 2000 AND year < 2020 AND year BETWEEN 1990 AND 2010')).toEqual([
      {
        kind: 'range',
        path: ['year'],
        low: { value: 2000, inclusive: false },
        high: { value: 2010, inclusive: true },
      },
    ]);
    expect(analyze('year BETWEEN 1 AND 9')).toEqual([
      {
        kind: 'range',
        path: ['year'],
        low: { value: 1, inclusive: true },
        high: { value: 9, inclusive: true },
      },
    ]);
  });

  test('ranges with bounds of different types stay separate', () => {
    expect(analyze("x > 1 AND x < 'b'")).toEqual([
      { kind: 'range', path: ['x'], low: { value: 1, inclusive: false } },
      { kind: 'range', path: ['x'], high: { value: 'b', inclusive: false } },
    ]);
  });

  test('nested ANDs flatten; OR, NOT, !=, NOT IN, IS NULL and null literals are residual', () => {
    expect(analyze('(a = 1 AND (b = 2)) AND (c = 3 OR d = 4)')).toEqual([
      { kind: 'eq', path: ['a'], value: 1 },
      { kind: 'eq', path: ['b'], value: 2 },
    ]);
    expect(
      analyze('NOT a = 1 AND b != 2 AND c NOT IN (1) AND d IS NULL AND e = NULL AND f BETWEEN NULL AND 2'),
    ).toEqual([]);
    expect(analyze('true')).toEqual([]);
  });

  test('IN drops null (it can never match) and keeps an empty list', () => {
    expect(analyze('a IN (1, NULL)')).toEqual([{ kind: 'in', path: ['a'], values: [1] }]);
    expect(analyze('a IN ()')).toEqual([{ kind: 'in', path: ['a'], values: [] }]);
  });
});

describe('andPredicates', () => {
  const p = (q: string) => parseSelection(q).predicate;

  test('ANDs and flattens, dropping true', () => {
    expect(printPredicate(andPredicates(p('a = 1 AND b = 2'), p("owner = 'me'")))).toBe(
      "a = 1 AND b = 2 AND owner = 'me'",
    );
    expect(printPredicate(andPredicates(p('a = 1 OR b = 2'), p("owner = 'me'")))).toBe(
      "(a = 1 OR b = 2) AND owner = 'me'",
    );
    expect(andPredicates(p('true'), p('a = 1')).kind).toBe('compare');
    expect(andPredicates(p('a = 1'), p('true')).kind).toBe('compare');
  });
});

describe('selectionPaths', () => {
  test('every distinct path in predicate and ORDER BY', () => {
    const sel = parseSelection(
      "a = 1 AND (meta.tags = 'x' OR NOT b IS NULL) AND a > 0 ORDER BY label.name, a",
    );
    expect(selectionPaths(sel)).toEqual([['a'], ['meta', 'tags'], ['b'], ['label', 'name']]);
  });
});
