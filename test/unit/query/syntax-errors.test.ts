import { QuerySyntaxError } from '../../../src/errors/query-syntax-error';
import { MAX_DEPTH, parseSelection } from '../../../src/query/parser';
import { thrown } from './support';

function syntaxError(text: string): QuerySyntaxError {
  const e = thrown(() => parseSelection(text));
  if (!(e instanceof QuerySyntaxError)) throw new Error(`expected QuerySyntaxError, got ${String(e)}`);
  return e;
}

describe('malformed selections', () => {
  // [query, offset of the problem, text of what was found]
  test.each<[string, number, string]>([
    ['', 0, 'end of input'],
    ['   ', 3, 'end of input'],
    ['year >', 6, 'end of input'],
    ['year > 5 AND', 12, 'end of input'],
    ['year 5', 5, "'5'"],
    ['= 5', 0, "'='"],
    ["name = 'abc", 7, 'end of input'],
    ['"name = 1', 0, 'end of input'],
    ['"" = 1', 0, '""'],
    ['((x = 1)', 8, 'end of input'],
    ['(x = 1))', 7, "')'"],
    ['()', 1, "')'"],
    ['x = 1 y = 2', 6, "'y'"],
    ['x == 1', 3, "'='"],
    ['x = # 1', 4, "'#'"],
    ['x IN 1', 5, "'1'"],
    ['x IN (1 2)', 8, "'2'"],
    ['x IN (1,)', 8, "')'"],
    ['x BETWEEN 1 OR 2', 12, "'OR'"],
    ['x BETWEEN 1', 11, 'end of input'],
    ['x IS 5', 5, "'5'"],
    ['x IS NOT 5', 9, "'5'"],
    ['x NOT = 1', 6, "'='"],
    ['x = y', 4, "'y'"],
    ['x = 1e999', 4, "'1e999'"],
    ['x = .5', 4, "'.'"],
    ['x. = 1', 3, "'='"],
    ['and = 1', 0, "'and'"],
    ['5 = x', 0, "'5'"],
    ['x = 1 ORDER year', 12, "'year'"],
    ['x = 1 ORDER BY', 14, 'end of input'],
    ['x = 1 ORDER BY a b', 17, "'b'"],
    ['x = 1 LIMIT', 11, 'end of input'],
    ['x = 1 LIMIT -1', 12, "'-1'"],
    ['x = 1 LIMIT 1.5', 12, "'1.5'"],
    ['x = 1 LIMIT 5 ORDER BY a', 14, "'ORDER'"],
    ['x = 1 LIMIT 5 AND y = 1', 14, "'AND'"],
    ['x = 1 ORDER BY a AND y = 1', 17, "'AND'"],
    ['NOT', 3, 'end of input'],
    ['x = ¤', 4, "'¤'"],
    ["x = 1\nAND y = 'a\nb' AND", 23, 'end of input'],
    ["x = 1 AND y = 'ok' AND z = 'unterminated", 27, 'end of input'],
  ])('%j fails at offset %i', (text, offset, found) => {
    const e = syntaxError(text);
    expect(e.offset).toBe(offset);
    expect(e.found).toBe(found);
    expect(e.expected.length).toBeGreaterThan(0);
    expect(e.code).toBe('QUERY_SYNTAX');
  });

  test('the message shows the query with a caret under the offset, and line/column', () => {
    const e = syntaxError("year > 1985 AND artist = Muse'");
    expect(e.message).toBe(
      "Expected a value (number, 'string', true, false, null or ?) but found 'Muse' at line 1, column 26 (offset 25):\n" +
        "  year > 1985 AND artist = Muse'\n" +
        '                           ^',
    );
    const multi = syntaxError('x = 1\n  AND y >');
    expect([multi.line, multi.column, multi.offset]).toEqual([2, 10, 15]);
  });

  test('the expectation after a complete predicate lists what may follow', () => {
    expect(syntaxError('x = 1 y').expected).toBe('AND, OR, ORDER BY, LIMIT or end of input');
    expect(syntaxError('(x = 1 y)').expected).toBe("AND, OR or ')'");
    expect(syntaxError('x IS').expected).toBe('NULL or NOT NULL');
  });
});

describe('hostile input', () => {
  test('10,000 nested parentheses give an error at the first level too deep, not a stack overflow', () => {
    const text = `${'('.repeat(10_000)}x = 1${')'.repeat(10_000)}`;
    const e = syntaxError(text);
    expect(e.offset).toBe(MAX_DEPTH);
    expect(e.message).toMatch(/at most 256 levels/);
  });

  test('10,000 nested NOTs give an error; nesting up to the limit parses', () => {
    expect(syntaxError(`${'NOT '.repeat(10_000)}true`).offset).toBe(MAX_DEPTH * 4);
    const ok = parseSelection(`${'('.repeat(MAX_DEPTH)}x = 1${')'.repeat(MAX_DEPTH)}`);
    expect(ok.predicate.kind).toBe('compare');
  });

  test('a 1 MB string literal lexes in linear time', () => {
    const big = 'ab'.repeat(500_000);
    const start = Date.now();
    const sel = parseSelection(`name = '${big}'`);
    expect(sel.predicate.kind === 'compare' && sel.predicate.value).toBe(big);
    const quoted = "x''".repeat(300_000);
    const sel2 = parseSelection(`name = '${quoted}'`);
    expect(sel2.predicate.kind === 'compare' && (sel2.predicate.value as string).length).toBe(600_000);
    expect(Date.now() - start).toBeLessThan(2000);
  });

  test('an unterminated 1 MB string fails fast with a short message', () => {
    const e = syntaxError(`name = '${'a'.repeat(1_000_000)}`);
    expect(e.offset).toBe(7);
    expect(e.message.length).toBeLessThan(1000);
  });

  test('a 1 MB chain of ORs parses without recursion trouble', () => {
    const text = Array.from({ length: 60_000 }, (_, i) => `x = ${i}`).join(' OR ');
    const sel = parseSelection(text);
    expect(sel.predicate.kind === 'or' && sel.predicate.operands.length).toBe(60_000);
  });
});
