import { compilePredicate } from '../../../src/query/evaluate';
import { parseSelection } from '../../../src/query/parser';
import { referenceEval } from './reference';

type Row = Record<string, unknown>;

const album: Row = {
  id: '01A',
  name: 'Origin of Symmetry',
  artist: 'Muse',
  year: 2001,
  rating: null,
  live: true,
  meta: {
    tags: ['live', 'rock'],
    n: 9,
    flag: true,
    nested: [{ k: 'x' }, { k: 'y' }, { other: 1 }],
    empty: [],
  },
};

function selects(query: string, record: Row = album): boolean {
  const p = parseSelection(query).predicate;
  const result = compilePredicate(p)(record);
  // Every table row doubles as a check of the reference interpreter used by the property tests.
  expect(referenceEval(p, record)).toBe(result);
  return result;
}

describe('compilePredicate: operators', () => {
  test.each<[string, boolean]>([
    ['true', true],
    ['false', false],
    ['year = 2001', true],
    ['year = 2000', false],
    ['year != 2000', true],
    ['year <> 2001', false],
    ['year > 2000', true],
    ['year > 2001', false],
    ['year >= 2001', true],
    ['year < 2002', true],
    ['year < 2001', false],
    ['year <= 2001', true],
    ["name = 'Origin of Symmetry'", true],
    ["name > 'O'", true],
    ["name < 'P'", true],
    ["name >= 'Origin of Symmetry'", true],
    ["name <= 'Origin'", false],
    ["artist IN ('Prince', 'Muse')", true],
    ["artist IN ('Prince')", false],
    ["artist NOT IN ('Prince')", true],
    ["artist NOT IN ('Muse', 'Prince')", false],
    ['year BETWEEN 2001 AND 2002', true],
    ['year BETWEEN 1990 AND 2001', true],
    ['year BETWEEN 2002 AND 2010', false],
    ['year BETWEEN 2010 AND 1990', false],
    ['year NOT BETWEEN 2002 AND 2010', true],
    ['live = true', true],
    ['live = false', false],
    ['live > false', true],
    ["year > 2000 AND artist = 'Muse'", true],
    ["year > 2001 AND artist = 'Muse'", false],
    ["year > 2001 OR artist = 'Muse'", true],
    ['year > 2001 OR year < 2000', false],
    ['NOT year > 2001', true],
    ["NOT (year > 2000 AND artist = 'Muse')", false],
    ["id = '01A'", true],
  ])('%s → %s', (query, expected) => {
    expect(selects(query)).toBe(expected);
  });
});

describe('compilePredicate: types never mix', () => {
  const r: Row = { id: '1', n: 9, s: '9', b: true, bs: 'true', o: { a: 1 } };
  test.each<[string, boolean]>([
    ["n = '9'", false],
    ["n != '9'", true],
    ['s = 9', false],
    ["n > '1'", false],
    ["NOT (n > '1')", true],
    ["b = 'true'", false],
    ['bs = true', false],
    ['b = 1', false],
    ["n IN ('9', 'true')", false],
    ['n IN (9)', true],
    ["s IN ('9')", true],
    ['s BETWEEN 1 AND 10', false],
    ["n BETWEEN 'a' AND 'z'", false],
    ['o = 1', false],
    ['o != 1', true],
    ['o IS NULL', false],
  ])('%s → %s', (query, expected) => {
    expect(selects(query, r)).toBe(expected);
  });
});

describe('compilePredicate: null, missing and three-valued logic', () => {
  const cases: [string, boolean, boolean][] = [
    // [query, on a record with rating: null, on a record without rating]
    ['rating IS NULL', true, true],
    ['rating IS NOT NULL', false, false],
    ['NOT (rating IS NULL)', false, false],
    ['rating = 5', false, false],
    ['rating != 5', false, false],
    ['NOT (rating = 5)', false, false],
    ['NOT (rating < 5)', false, false],
    ['NOT NOT (rating < 5)', false, false],
    ['rating IN (5, 6)', false, false],
    ['rating NOT IN (5, 6)', false, false],
    ['rating BETWEEN 1 AND 5', false, false],
    ['NOT (rating BETWEEN 1 AND 5)', false, false],
    ['rating = NULL', false, false],
    ['rating != NULL', false, false],
    ['NOT (rating = 5) OR true', true, true],
    ['NOT (rating = 5 AND false)', true, true],
    ['NOT (rating = 5 OR true)', false, false],
    ['NOT (rating = 5 OR false)', false, false],
    ['rating IN ()', false, false],
    ['rating NOT IN ()', true, true],
  ];
  test.each(cases)('%s', (query, onNull, onMissing) => {
    expect(selects(query, { id: '1', rating: null })).toBe(onNull);
    expect(selects(query, { id: '1' })).toBe(onMissing);
  });

  test.each<[string, boolean]>([
    ['year = NULL', false],
    ['NOT (year = NULL)', false],
    ['year != NULL', false],
    ['year IN (2001, NULL)', true],
    ['year IN (2000, NULL)', false],
    ['NOT (year IN (2000, NULL))', false],
    ['year NOT IN (2000, NULL)', false],
    ['year NOT IN (2000)', true],
    ['year BETWEEN NULL AND 2010', false],
    ['NOT (year BETWEEN NULL AND 2010)', false],
    ['NOT (year BETWEEN NULL AND 2000)', true],
    ['NOT (year BETWEEN 2002 AND NULL)', true],
    ['NOT (year BETWEEN 1990 AND NULL)', false],
    ['NOT (year BETWEEN NULL AND NULL)', false],
  ])('null literal: %s → %s', (query, expected) => {
    expect(selects(query)).toBe(expected);
  });
});

describe('compilePredicate: JSON paths and arrays', () => {
  test.each<[string, boolean]>([
    ["meta.tags = 'live'", true],
    ["meta.tags = 'jazz'", false],
    ["NOT (meta.tags = 'jazz')", true],
    ["meta.tags != 'live'", true],
    ["meta.tags IN ('jazz', 'rock')", true],
    ["meta.tags NOT IN ('live')", false],
    ["meta.tags > 'q'", true],
    ['meta.tags IS NULL', false],
    ['meta.n = 9', true],
    ["meta.n = '9'", false],
    ["meta.flag = 'true'", false],
    ['meta.flag = true', true],
    ["meta.nested.k = 'y'", true],
    ["meta.nested.k = 'z'", false],
    ['meta.nested.k IS NULL', false],
    ['meta.nested.nothing IS NULL', true],
    ["NOT (meta.nested.nothing = 'z')", false],
    ["meta.empty = 'x'", false],
    ["NOT (meta.empty = 'x')", true],
    ['meta.empty IS NULL', false],
    ['meta.missing.deeper IS NULL', true],
    ['meta.missing.deeper = 1', false],
    ['name.length = 18', false],
    ['meta.constructor IS NULL', true],
    ['constructor IS NULL', true],
    ["toString != 'x'", false],
    ['"__proto__" IS NULL', true],
  ])('%s → %s', (query, expected) => {
    expect(selects(query)).toBe(expected);
  });

  test('a top-level array field matches any element; nested arrays flatten', () => {
    const r: Row = { id: '1', tags: ['a', ['b', ['c']]], nums: [1, 5, 9] };
    expect(selects("tags = 'c'", r)).toBe(true);
    expect(selects('nums > 8', r)).toBe(true);
    expect(selects('nums BETWEEN 2 AND 4', r)).toBe(false);
    expect(selects('NOT (nums BETWEEN 2 AND 4)', r)).toBe(true);
    expect(selects('nums BETWEEN 5 AND 5', r)).toBe(true);
  });

  test('references resolve through deref; without it they read as missing', () => {
    const p = parseSelection("label.name = 'Warp'").predicate;
    const labels: Record<string, Row> = { L1: { id: 'L1', name: 'Warp' } };
    const r: Row = { id: '1', label: 'L1' };
    expect(compilePredicate(p)(r)).toBe(false);
    expect(compilePredicate(p, { deref: (id) => labels[id] })(r)).toBe(true);
    const missing = compilePredicate(parseSelection('label.name IS NULL').predicate, {
      deref: (id) => labels[id],
    });
    expect(missing({ id: '2', label: 'nope' })).toBe(true);
    expect(missing(r)).toBe(false);
  });
});

describe('compilePredicate: strings compare by code point', () => {
  // U+FF5E (fullwidth tilde) is below U+1F600 by code point but above its UTF-16 lead surrogate.
  const r: Row = { id: '1', s: '\uFF5E', e: '\u{1F600}' };
  test.each<[string, boolean]>([
    ["s < '\u{1F600}'", true],
    ["e > '\uFF5E'", true],
    ["s > '\u{1F600}'", false],
    ["e < 'a'", false],
    ["e BETWEEN '\uFF5E' AND '\u{1F601}'", true],
  ])('%s → %s', (query, expected) => {
    expect(selects(query, r)).toBe(expected);
  });
});
