import fc from 'fast-check';
import { compareStrings } from '../../../src/query/collation';
import { compareRecords, compareValues } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { jsonValue } from './arbitraries';

type Row = Record<string, unknown>;

const ids = (rows: Row[], query: string): unknown[] =>
  [...rows].sort(compareRecords(parseSelection(query).orderBy)).map((r) => r['id']);

describe('compareRecords', () => {
  const rows: Row[] = [
    { id: 'e', year: 2001, name: 'b' },
    { id: 'a', year: null, name: 'a' },
    { id: 'c', year: 1999, name: 'c' },
    { id: 'b', name: 'z' },
    { id: 'd', year: 2001, name: 'a' },
    { id: 'f', year: 2001, name: 'a' },
  ];

  test('without ORDER BY, ascending id', () => {
    expect(ids(rows, 'true')).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
  });

  test('ASC puts null and missing last; ties by id', () => {
    expect(ids(rows, 'true ORDER BY year')).toEqual(['c', 'd', 'e', 'f', 'a', 'b']);
  });

  test('DESC puts null and missing first; ties still by ascending id', () => {
    expect(ids(rows, 'true ORDER BY year DESC')).toEqual(['a', 'b', 'd', 'e', 'f', 'c']);
  });

  test('several keys', () => {
    expect(ids(rows, 'true ORDER BY year DESC, name')).toEqual(['a', 'b', 'd', 'f', 'e', 'c']);
    expect(ids(rows, 'true ORDER BY year, name DESC')).toEqual(['c', 'e', 'd', 'f', 'b', 'a']);
  });

  test('JSON paths; arrays and objects order by canonical JSON text', () => {
    const json: Row[] = [
      { id: '1', meta: { n: 'x' } },
      { id: '2', meta: { n: 5 } },
      { id: '3', meta: { n: [1] } },
      { id: '4', meta: { n: true } },
      { id: '5', meta: { n: { b: 1, a: 2 } } },
      { id: '6', meta: 'not an object' },
    ];
    expect(ids(json, 'true ORDER BY meta.n')).toEqual(['4', '2', '1', '3', '5', '6']);
  });

  test('paths through references use deref', () => {
    const labels: Record<string, Row> = { L1: { name: 'Warp' }, L2: { name: 'Domino' } };
    const order = compareRecords(parseSelection('true ORDER BY label.name').orderBy, {
      deref: (id) => labels[id],
    });
    const sorted = [
      { id: 'x', label: 'L1' },
      { id: 'y', label: 'L2' },
    ].sort(order);
    expect(sorted.map((r) => r.id)).toEqual(['y', 'x']);
  });

  test('ids compare by code point', () => {
    expect(ids([{ id: '\u{1F600}' }, { id: '\uFF5E' }], 'true')).toEqual(['\uFF5E', '\u{1F600}']);
  });
});

describe('compareValues', () => {
  test('cross-type order: null < boolean < number < string < JSON', () => {
    const values = [{ a: 1 }, 'a', 2, true, null, [0], false, -1, ''];
    const sorted = [...values].sort(compareValues);
    expect(sorted).toEqual([null, false, true, -1, 2, '', 'a', [0], { a: 1 }]);
    expect(compareValues(undefined, null)).toBe(0);
    expect(compareValues(undefined, false)).toBeLessThan(0);
  });

  test('JSON compares by canonical text, so key order does not matter', () => {
    expect(compareValues({ a: 1, b: 2 }, { b: 2, a: 1 })).toBe(0);
    expect(compareValues([1, 2], [1, 3])).toBeLessThan(0);
  });

  test('is a total order (antisymmetric, transitive) on random JSON values', () => {
    fc.assert(
      fc.property(jsonValue, jsonValue, jsonValue, (a, b, c) => {
        expect(Math.sign(compareValues(a, b))).toBe(-Math.sign(compareValues(b, a)) || 0);
        if (compareValues(a, b) <= 0 && compareValues(b, c) <= 0)
          expect(compareValues(a, c)).toBeLessThanOrEqual(0);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});

describe('compareStrings', () => {
  const byCodePoint = (a: string, b: string): number => {
    const x = Array.from(a, (c) => c.codePointAt(0)!);
    const y = Array.from(b, (c) => c.codePointAt(0)!);
    for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
    return x.length - y.length;
  };

  test('differs from JS < exactly where UTF-16 order disagrees with code points', () => {
    expect('\u{1F600}' < '\uFF5E').toBe(true);
    expect(compareStrings('\u{1F600}', '\uFF5E')).toBeGreaterThan(0);
  });

  test('matches code-point order on random strings', () => {
    const str = fc.string({
      unit: fc.constantFrom('a', 'b', '\uD7FF', '\uE000', '\uFF5E', '\u{10000}', '\u{1F600}'),
    });
    fc.assert(
      fc.property(str, str, (a, b) => {
        expect(Math.sign(compareStrings(a, b))).toBe(Math.sign(byCodePoint(a, b)));
      }),
      { seed: 11, numRuns: 2000 },
    );
  });
});
