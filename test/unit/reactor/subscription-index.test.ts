import { analyzePredicate } from '../../../src/query/analyze';
import { SubscriptionIndex } from '../../../src/reactor/subscription-index';
import { predicate } from './support';

function build(entries: Record<string, string>): SubscriptionIndex<string> {
  const index = new SubscriptionIndex<string>();
  for (const [name, text] of Object.entries(entries))
    index.add('album', analyzePredicate(predicate(text)), name);
  return index;
}

function candidates(
  index: SubscriptionIndex<string>,
  row: Record<string, unknown>,
  collection = 'album',
): string[] {
  const out = new Set<string>();
  index.candidates(collection, row, (w) => out.add(w));
  return [...out].sort();
}

describe('SubscriptionIndex', () => {
  it('places watches by equality, IN, range, or in the scan list', () => {
    const index = build({
      eq: 'year = 2001',
      in: "artist IN ('a', 'b')",
      range: 'year > 2000',
      scan: "year = 2001 OR artist = 'a'",
      all: 'true',
    });
    expect(['eq', 'in', 'range', 'scan', 'all'].map((w) => index.placement(w))).toEqual([
      'eq',
      'eq',
      'range',
      'scan',
      'scan',
    ]);
  });

  it('returns the watches a row may satisfy and not the others', () => {
    const index = build({
      y2001: 'year = 2001',
      y2002: 'year = 2002',
      ab: "artist IN ('a', 'b')",
      after2000: 'year > 2000 AND year <= 2001',
      either: "year = 1 OR artist = 'z'",
    });
    expect(candidates(index, { id: 'x', year: 2001, artist: 'a' })).toEqual([
      'ab',
      'after2000',
      'either',
      'y2001',
    ]);
    expect(candidates(index, { id: 'x', year: 2002, artist: 'c' })).toEqual(['either', 'y2002']);
    expect(candidates(index, { id: 'x', year: '2001' })).toEqual(['either']);
    expect(candidates(index, { id: 'x', year: 2001 }, 'other')).toEqual([]);
  });

  it('keys a watch by the combination of its equality and IN values', () => {
    const index = build({
      a2001: "year = 2001 AND artist = 'a'",
      b2001: "artist = 'b' AND year = 2001",
      ab2002: "year = 2002 AND artist IN ('a', 'b') AND name > 'm'",
    });
    expect(candidates(index, { id: 'x', year: 2001, artist: 'c' })).toEqual([]);
    expect(candidates(index, { id: 'x', year: 2001, artist: 'b' })).toEqual(['b2001']);
    expect(candidates(index, { id: 'x', year: 2002, artist: 'a', name: 'a' })).toEqual(['ab2002']);
    expect(candidates(index, { id: 'x', year: 2002, artist: ['z', 'b'] })).toEqual(['ab2002']);
    expect(candidates(index, { id: 'x', year: '2001', artist: 'a' })).toEqual([]);
  });

  it('leaves a large IN list out of the composite key rather than multiply keys', () => {
    const many = Array.from({ length: 100 }, (_, i) => i).join(', ');
    const index = build({ w: `artist = 'a' AND year IN (${many})` });
    expect(candidates(index, { id: 'x', artist: 'a', year: 5000 })).toEqual(['w']);
    expect(candidates(index, { id: 'x', artist: 'b', year: 5 })).toEqual([]);
  });

  it('expands arrays and JSON paths like the evaluator', () => {
    const index = build({ tag: "meta.tags = 'live'", top: "tags = 'x'" });
    expect(candidates(index, { id: '1', meta: { tags: ['studio', 'live'] } })).toEqual(['tag']);
    expect(candidates(index, { id: '1', tags: [['x']] })).toEqual(['top']);
    expect(candidates(index, { id: '1', meta: 'live' })).toEqual([]);
  });

  it('forgets removed watches and re-places re-added ones', () => {
    const index = build({ w: 'year = 2001' });
    index.add('album', analyzePredicate(predicate('year = 2002')), 'w');
    expect(candidates(index, { id: 'x', year: 2001 })).toEqual([]);
    expect(candidates(index, { id: 'x', year: 2002 })).toEqual(['w']);
    index.remove('w');
    expect(candidates(index, { id: 'x', year: 2002 })).toEqual([]);
    expect(index.placement('w')).toBeUndefined();
  });

  it('never selects a watch for an empty IN list', () => {
    const index = build({ none: 'year IN ()' });
    expect(candidates(index, { id: 'x', year: 1 })).toEqual([]);
  });
});
