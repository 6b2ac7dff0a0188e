import { newId, isUlid } from '../../../src/event/ids';

describe('event ids', () => {
  it('are 26-character ULIDs, strictly increasing even within one millisecond', () => {
    const ids = Array.from({ length: 20_000 }, () => newId());
    for (const id of ids) expect(isUlid(id)).toBe(true);
    for (let i = 1; i < ids.length; i++) expect((ids[i] as string) > (ids[i - 1] as string)).toBe(true);
    // 20,000 ids take far less than 20,000 ms, so many share a timestamp: monotonic, not merely unique.
    const stamps = new Set(ids.map((id) => id.slice(0, 10)));
    expect(stamps.size).toBeLessThan(ids.length);
  });

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
});
