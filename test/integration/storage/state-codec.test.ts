import { type EntityState } from 'ankurah/spi';
import { SqliteStorage } from 'ankurah/typeorm';
import { decodeState, encodeState } from '../../../src/storage/typeorm/state-codec';

const E1 = '01J00000000000000000000001';
const E2 = '01J00000000000000000000002';
const E3 = '01J00000000000000000000003';

/** A state exercising every shape the codec distinguishes. */
function tricky(): EntityState {
  const meta = { tags: ['a', 'b'] };
  const values: Record<string, unknown> = {
    a: 'one',
    b: 2,
    c: 'winner',
    d: null,
    meta,
    other: { deep: true },
    notes: 'héllo',
  };
  Object.defineProperty(values, '__proto__', {
    value: 'odd',
    enumerable: true,
    writable: true,
    configurable: true,
  });
  const lww: Record<string, unknown> = {
    a: [['one', E1]],
    b: [[2, E2]],
    // Concurrent writes: both candidates stay.
    c: [
      ['loser', E1],
      ['winner', E3],
    ],
    d: [[null, E1]],
    meta: [[meta, E2]],
    // Equal but not the same object as the value: kept as a candidate list.
    other: [[{ deep: true }, E1]],
    // Not among the values at all.
    gone: [['x', E3]],
  };
  Object.defineProperty(lww, '__proto__', {
    value: [['odd', E1]],
    enumerable: true,
    writable: true,
    configurable: true,
  });
  return {
    id: E1,
    collection: 'thing',
    head: [E2, E3],
    deleted: true,
    deletedBy: E3,
    tombstones: [E3],
    lww: lww as EntityState['lww'],
    text: { notes: new Uint8Array([0, 1, 2, 250, 255]) },
    values,
    // A property a later version might add: kept as it is.
    ...({ future: { x: [1, 2] } } as object),
  } as EntityState;
}

describe('state codec', () => {
  test('every shape round-trips: candidates, concurrent writes, text bytes, tombstones, odd field names, extra keys', () => {
    const s = tricky();
    const enc = encodeState(s);
    const back = decodeState('thing', s.id, enc.head, enc.state);
    expect(back).toEqual(s);
    expect(Object.keys(back.lww)).toEqual(Object.keys(back.lww).sort());
    expect(Object.getPrototypeOf(back.lww)).toBe(Object.prototype);
    expect(Object.getPrototypeOf(back.values)).toBe(Object.prototype);
    expect(back.text.notes).toBeInstanceOf(Uint8Array);
    expect(JSON.parse(enc.values)).toEqual(JSON.parse(JSON.stringify(s.values)));
  });

  test('fields whose only write is the current value are listed by event, not repeated', () => {
    const enc = JSON.parse(encodeState(tricky()).state) as Record<string, unknown>;
    expect(enc.lwwBy).toEqual({ [E1]: ['a', 'd'], [E2]: ['b', 'meta'] });
    expect(Object.keys(enc.lww as object).sort()).toEqual(['__proto__', 'c', 'gone', 'other']);
  });

  test('equal states encode to equal text', () => {
    expect(encodeState(tricky())).toEqual(encodeState(tricky()));
  });

  test('rows written with every candidate listed (no lwwBy) still decode', () => {
    const state = JSON.stringify({
      values: { a: 1 },
      deleted: false,
      lww: { a: [[1, E1]], b: [['x', E2]] },
      text: { t: 'AAEC' },
    });
    expect(decodeState('thing', E1, JSON.stringify([E1]), state)).toEqual({
      id: E1,
      collection: 'thing',
      head: [E1],
      deleted: false,
      lww: { a: [[1, E1]], b: [['x', E2]] },
      text: { t: new Uint8Array([0, 1, 2]) },
      values: { a: 1 },
    });
  });

  test('a state round-trips through SQLite', async () => {
    const storage = await SqliteStorage.open(':memory:');
    const s = tricky();
    await storage.commit({ events: [], states: [s] });
    expect(await storage.getState('thing', s.id)).toEqual(s);
    await storage.close();
  });
});
