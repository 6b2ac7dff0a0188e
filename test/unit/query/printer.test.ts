import { type Predicate } from '../../../src/query/ast';
import { parseSelection } from '../../../src/query/parser';
import { printLiteral, printPath, printPredicate, printSelection } from '../../../src/query/printer';

const SPAN = { start: 0, end: 0 };
const eq = (name: string, value: number): Predicate => ({
  kind: 'compare',
  op: '=',
  path: [name],
  value,
  span: SPAN,
});

describe('printer', () => {
  test.each([
    [
      "year > 1985 and (artist = 'Muse' or artist in ('Prince', 'Björk'))",
      "year > 1985 AND (artist = 'Muse' OR artist IN ('Prince', 'Björk'))",
    ],
    ['x <> 1', 'x != 1'],
    ['not x = 1', 'NOT (x = 1)'],
    ['not not x = 1', 'NOT NOT (x = 1)'],
    ['x not between 1 and 2', 'NOT (x BETWEEN 1 AND 2)'],
    ['x is not null order by a asc, b desc limit 3', 'x IS NOT NULL ORDER BY a, b DESC LIMIT 3'],
    ['"order"."a b".c = \'it\'\'s\'', '"order"."a b".c = \'it\'\'s\''],
    ['meta.order = 1', 'meta."order" = 1'],
    ['x in ()', 'x IN ()'],
    ['x = 1e21 or y = -0.5', 'x = 1e+21 OR y = -0.5'],
  ])('%s prints as %s', (text, printed) => {
    expect(printSelection(parseSelection(text))).toBe(printed);
  });

  test('nested AND/OR keep their shape with parentheses', () => {
    const nested: Predicate = {
      kind: 'and',
      operands: [{ kind: 'and', operands: [eq('a', 1), eq('b', 2)], span: SPAN }, eq('c', 3)],
      span: SPAN,
    };
    expect(printPredicate(nested)).toBe('(a = 1 AND b = 2) AND c = 3');
    const ors: Predicate = {
      kind: 'or',
      operands: [eq('a', 1), { kind: 'or', operands: [eq('b', 2), eq('c', 3)], span: SPAN }],
      span: SPAN,
    };
    expect(printPredicate(ors)).toBe('a = 1 OR (b = 2 OR c = 3)');
  });

  test('paths and literals', () => {
    expect(printPath(['a', 'with space', 'q"uote', 'AND', 'ı', '9'])).toBe(
      'a."with space"."q""uote"."AND".ı."9"',
    );
    expect([null, true, false, 'x', -3].map(printLiteral)).toEqual(['NULL', 'TRUE', 'FALSE', "'x'", '-3']);
  });
});
