import { RangeIndex } from '../../../src/reactor/range-index';

function hits(index: RangeIndex<string>, v: unknown): string[] {
  const out: string[] = [];
  index.collect(v, (w) => out.push(w));
  return out.sort();
}

describe('RangeIndex', () => {
  const index = new RangeIndex<string>();
  index.add({ low: { value: 2000, inclusive: false } }, 'gt2000');
  index.add({ low: { value: 2000, inclusive: true } }, 'ge2000');
  index.add({ high: { value: 1990, inclusive: false } }, 'lt1990');
  index.add({ low: { value: 1990, inclusive: true }, high: { value: 1999, inclusive: true } }, '90s');
  index.add({ low: { value: 'm', inclusive: true } }, 'strings');
  index.add({ low: { value: 1, inclusive: true }, high: { value: 'z', inclusive: true } }, 'mixed');

  it('finds exactly the ranges containing a value, honouring inclusive bounds', () => {
    expect(hits(index, 2000)).toEqual(['ge2000']);
    expect(hits(index, 2001)).toEqual(['ge2000', 'gt2000']);
    expect(hits(index, 1990)).toEqual(['90s']);
    expect(hits(index, 1989)).toEqual(['lt1990']);
    expect(hits(index, 1999)).toEqual(['90s']);
  });

  it('only matches values of the bounds type; mixed-type ranges match nothing', () => {
    expect(hits(index, 'n')).toEqual(['strings']);
    expect(hits(index, 'a')).toEqual([]);
    expect(hits(index, true)).toEqual([]);
    expect(
      RangeIndex.typeOf({ low: { value: 1, inclusive: true }, high: { value: 'z', inclusive: true } }),
    ).toBe(undefined);
  });

  it('removes entries and tracks its size', () => {
    const i = new RangeIndex<string>();
    i.add({ low: { value: 5, inclusive: true } }, 'a');
    i.add({ low: { value: 1, inclusive: true } }, 'b');
    expect(i.size).toBe(2);
    i.remove('a');
    expect(i.size).toBe(1);
    expect(hits(i, 10)).toEqual(['b']);
  });
});
