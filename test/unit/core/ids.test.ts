import { incrementBase32, ulid } from 'ulid';
import { CausalError } from '../../../src/errors/errors';
import { checkClockSkew } from '../../../src/event/clock-skew';
import { type Event } from '../../../src/event/event';
import {
  DEFAULT_MAX_CLOCK_SKEW_MS,
  MAX_ID,
  idTime,
  isUlid,
  newId,
  newIdAfter,
  observeId,
  useIdSource,
} from '../../../src/event/ids';

const NOW = 1_700_000_000_000;
const MINUTE = 60_000;

/** Runs `fn` with ids drawn from a fixed clock and a fresh id history. */
function atFixedClock(fn: () => void): void {
  let seed = 0;
  const restore = useIdSource({ now: () => NOW, random: () => (seed = (seed * 7 + 0.123) % 1) });
  try {
    fn();
  } finally {
    restore();
  }
}

function event(id: string, parents: readonly string[] = []): Event {
  return { id, entityId: id, collection: 'c', parents, operations: {} };
}

describe('event ids', () => {
  it('are 26-character ULIDs, strictly increasing even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(isUlid(id)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    // 20,000 ids take far less than 20,000 ms, so many share a timestamp: monotonic, not merely unique.
    const stamps = new Set(ids.map((id) => id.slice(0, 10)));
    expect(stamps.size).toBeLessThan(ids.length);
  });

  it('within one millisecond, follow the last id by one; a new millisecond starts from a random id', () => {
    let clock = NOW;
    let seed = 0;
    const restore = useIdSource({ now: () => clock, random: () => (seed = (seed * 7 + 0.123) % 1) });
    try {
      const first = newId();
      expect(idTime(first)).toBe(NOW);
      const ids = Array.from({ length: 2_000 }, () => newId());
      let prev = first;
      for (const id of ids) {
        expect(id).toBe(incrementBase32(prev));
        prev = id;
      }
      clock += 1;
      const next = newId();
      expect(idTime(next)).toBe(NOW + 1);
      expect(next.slice(10)).not.toBe(incrementBase32(prev).slice(10));
      // The clock going back: still after the last id.
      clock -= 5;
      expect(newId()).toBe(incrementBase32(next));
    } finally {
      restore();
    }
  });

  it('carry from one half of the random part into the other, and into the time', () =>
    atFixedClock(() => {
      // Dated 1 ms ahead, so that a random id of this millisecond sorts before them; ascending.
      const t = ulid(NOW + 1).slice(0, 10);
      for (const observed of [
        `${t}0000000ZZZZZZZZZ`,
        `${t}ABCDEFGHJKMNPQRZ`,
        `${t}ABCDEFGHZZZZZZZZ`,
        `${t}ZZZZZZZZZZZZZZZZ`,
      ]) {
        observeId(observed);
        const id = newId();
        expect(id).toBe(incrementBase32(observed));
        expect(newId()).toBe(incrementBase32(id));
      }
    }));

  it('recognises what is not a ULID', () => {
    for (const bad of [
      '',
      'abc',
      '01ARZ3NDEKTSV4RRFFQ69G5FA',
      '01ARZ3NDEKTSV4RRFFQ69G5FAVU',
      'ILOU0000000000000000000000',
      42,
    ]) {
      expect(isUlid(bad)).toBe(false);
    }
  });

  it('read their time without throwing, even past the 48-bit range', () => {
    expect(idTime(ulid(NOW))).toBe(NOW);
    expect(idTime(MAX_ID)).toBe(2 ** 50 - 1);
    expect(idTime('not-a-ulid')).toBe(Infinity);
    expect(idTime('ILOU0000000000000000000000')).toBe(Infinity);
  });
});

describe('observeId', () => {
  it('moves the clock for ids within the skew bound', () =>
    atFixedClock(() => {
      const ahead = ulid(NOW + DEFAULT_MAX_CLOCK_SKEW_MS - 1);
      observeId(ahead);
      expect(newId() > ahead).toBe(true);
    }));

  it('ignores ids dated beyond the bound, so that minting never throws (ZZZ… used to overflow)', () =>
    atFixedClock(() => {
      const beyond = ulid(NOW + DEFAULT_MAX_CLOCK_SKEW_MS + 1);
      for (const id of [MAX_ID, beyond]) observeId(id);
      const id = newId();
      expect(id < beyond).toBe(true);
      expect(idTime(id)).toBe(NOW);
      expect(() => Array.from({ length: 1_000 }, () => newId())).not.toThrow();
    }));
});

describe('newIdAfter', () => {
  it('sorts after far-future parents without moving the clock', () =>
    atFixedClock(() => {
      const far = ulid(NOW + 10 * 365 * 24 * 60 * MINUTE);
      const id = newIdAfter([newId(), far]);
      expect(id > far).toBe(true);
      expect(idTime(id) - idTime(far)).toBeLessThanOrEqual(1);
      expect(newId() < far).toBe(true);
      // Parents that sort high only by their random part: the successor may carry into the time.
      const edge = `${far.slice(0, 10)}ZZZZZZZZZZZZZZZZ`;
      expect(idTime(newIdAfter([edge]))).toBe(idTime(edge) + 1);
    }));

  it('refuses with CausalError, not ULIDError, when no id sorts after a parent', () =>
    atFixedClock(() => {
      const err = (() => {
        try {
          return newIdAfter([MAX_ID]);
        } catch (e) {
          return e;
        }
      })();
      expect(err).toBeInstanceOf(CausalError);
      expect((err as Error).message).toMatch(/no event id sorts after ZZZ/);
      expect(() => newId()).not.toThrow();
    }));
});

describe('checkClockSkew', () => {
  it('refuses events dated beyond the bound, naming the event and the setting', () =>
    atFixedClock(() => {
      expect(() => checkClockSkew([event(ulid(NOW + MINUTE))], 5 * MINUTE)).not.toThrow();
      expect(() => checkClockSkew([event(ulid(NOW + 5 * MINUTE))], 5 * MINUTE)).not.toThrow();
      const late = ulid(NOW + 5 * MINUTE + 1);
      expect(() => checkClockSkew([event(newId()), event(late)], 5 * MINUTE)).toThrow(
        new RegExp(`event ${late} of c/${late} is dated 300001 ms ahead.*maxClockSkewMs = 300000 ms`),
      );
      expect(() => checkClockSkew([event(MAX_ID)], 5 * MINUTE)).toThrow(
        /dated past the range of any clock, far ahead of this node/,
      );
      expect(() => checkClockSkew([event(MAX_ID)], Infinity)).not.toThrow();
    }));

  it('lets a child follow a far-future parent by at most 1 ms (the least id after it)', () =>
    atFixedClock(() => {
      const far = ulid(NOW + 60 * MINUTE);
      const child = (t: number): Event => ({ ...event(ulid(t)), entityId: far, parents: [far] });
      expect(() => checkClockSkew([child(idTime(far))], MINUTE)).not.toThrow();
      expect(() => checkClockSkew([child(idTime(far) + 1)], MINUTE)).not.toThrow();
      expect(() => checkClockSkew([child(idTime(far) + 2)], MINUTE)).toThrow(CausalError);
    }));
});
