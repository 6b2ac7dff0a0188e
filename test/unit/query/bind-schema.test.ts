import { QuerySyntaxError } from '../../../src/errors/query-syntax-error';
import { type FieldType } from '../../../src/model/field-type';
import { bindSchema } from '../../../src/query/bind-schema';
import { parseSelection } from '../../../src/query/parser';
import { printSelection } from '../../../src/query/printer';
import { thrown } from './support';

const FIELDS: Record<string, FieldType> = {
  name: 'string',
  year: 'integer',
  rating: 'number',
  live: 'boolean',
  released: 'date',
  meta: 'json',
  label: 'ref',
  notes: 'text',
};

const bound = (query: string, params?: readonly unknown[]): string =>
  printSelection(bindSchema(parseSelection(query, params), (f) => FIELDS[f], 'Album'));

function bindError(query: string): QuerySyntaxError {
  const e = thrown(() => bound(query));
  if (!(e instanceof QuerySyntaxError)) throw new Error(`expected QuerySyntaxError, got ${String(e)}`);
  return e;
}

describe('bindSchema', () => {
  test.each([
    ["year = '2001'", 'year = 2001'],
    ["year IN ('1999', 2000)", 'year IN (1999, 2000)'],
    ["year BETWEEN '1990' AND '1999'", 'year BETWEEN 1990 AND 1999'],
    ['year < 2001.5', 'year < 2001.5'],
    ["rating >= '4.5'", 'rating >= 4.5'],
    ["rating = '-1e2'", 'rating = -100'],
    ["live = 'true'", 'live = TRUE'],
    ["live != 'FALSE'", 'live != FALSE'],
    ["released > '2001-07-17'", "released > '2001-07-17'"],
    ["released < '2001-07-17T10:00:00.000Z'", "released < '2001-07-17T10:00:00.000Z'"],
    ["meta = '9'", "meta = '9'"],
    ['meta.n = 9', 'meta.n = 9'],
    ["label.name = 'Warp'", "label.name = 'Warp'"],
    ['year = NULL', 'year = NULL'],
    ["unknown = '5'", "unknown = '5'"],
    ['year.x = 5', 'year.x = 5'],
  ])('%s → %s', (query, printed) => {
    expect(bound(query)).toBe(printed);
  });

  test('Date parameters bind as ISO strings on date fields', () => {
    expect(bound('released >= ?', [new Date(Date.UTC(2001, 0, 1))])).toBe(
      "released >= '2001-01-01T00:00:00.000Z'",
    );
  });

  test('returns the same selection when nothing changes', () => {
    const sel = parseSelection('year = 2001 ORDER BY name');
    expect(bindSchema(sel, (f) => FIELDS[f], 'Album')).toBe(sel);
  });

  test.each([
    ["year = 'abc'", 7, "Expected an integer for Album.year (declared integer) but found string 'abc'"],
    ["year > '2001.5'", 7, 'an integer for Album.year'],
    ['year = true', 7, 'found boolean TRUE'],
    ["rating = 'high'", 9, 'a number for Album.rating (declared number)'],
    ['live = 1', 7, 'a boolean (true or false) for Album.live'],
    ["released > 'yesterday'", 11, 'an ISO-8601 date string for Album.released'],
    ['name = 9', 7, 'a string (quote it) for Album.name'],
    ['notes = 1', 8, 'Album.notes (declared text)'],
    ['label = 5', 8, 'Album.label (declared ref)'],
    ['id = 5', 5, 'Album.id (declared ref)'],
    ["year IN (1999, 'x')", 15, 'Album.year'],
    ["year BETWEEN 1990 AND 'x'", 22, 'Album.year'],
    ["name = 'a' AND NOT (year = 'x')", 27, 'Album.year'],
  ])('%s fails at offset %i', (query, offset, message) => {
    const e = bindError(query);
    expect(e.offset).toBe(offset);
    expect(e.message).toContain(message);
    expect(e.query).toBe(query);
  });

  test('without source text the caret points into the printed condition', () => {
    const { source: _source, ...sel } = parseSelection("year = 'abc'");
    const e = thrown(() => bindSchema(sel, (f) => FIELDS[f], 'Album')) as QuerySyntaxError;
    expect(e.query).toBe("year = 'abc'");
    expect(e.offset).toBe(7);
  });
});
