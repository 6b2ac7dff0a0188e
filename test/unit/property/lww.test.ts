import { LwwBackend } from '../../../src/property/lww';

describe('LwwBackend', () => {
  it('keeps concurrent writes as candidates and shows the one with the greatest event id', () => {
    const b = new LwwBackend();
    expect(b.apply('E2', { f: 'two' }, () => false)).toEqual(['f']);
    expect(b.apply('E1', { f: 'one' }, () => false)).toEqual([]);
    expect(b.value('f')).toBe('two');
    expect(b.state()).toEqual({
      f: [
        ['one', 'E1'],
        ['two', 'E2'],
      ],
    });
  });

  it('drops the writes a new write descends from, even when they had a greater id', () => {
    const b = new LwwBackend({ f: [['old', 'E5']] });
    expect(b.apply('E3', { f: 'new' }, (id) => id === 'E5')).toEqual(['f']);
    expect(b.state()).toEqual({ f: [['new', 'E3']] });
  });

  it('stores undefined as null and lists fields in name order', () => {
    const b = new LwwBackend();
    b.apply('E1', { z: undefined, a: 1 }, () => true);
    const out: Record<string, unknown> = {};
    b.collect(out);
    expect(Object.keys(out)).toEqual(['a', 'z']);
    expect(out.z).toBeNull();
    expect([...b.candidateEvents(['a'])]).toEqual(['E1']);
  });
});
