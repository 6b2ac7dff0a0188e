import { type Entity } from '../../../src/entity/entity';
import { compilePredicate } from '../../../src/query/evaluate';
import { compareRecords } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { rowOf } from '../../../src/reactor/change';
import { ResultWindow } from '../../../src/reactor/result-window';
import { FakeEntity } from './support';

function setup(text: string, slack = 0): { w: ResultWindow<Entity>; tracked: Set<string> } {
  const sel = parseSelection(text);
  const tracked = new Set<string>();
  const match = compilePredicate(sel.predicate);
  const w = new ResultWindow<Entity>({
    wrap: (e) => e,
    order: compareRecords(sel.orderBy),
    match,
    ...(sel.limit === undefined ? {} : { limit: sel.limit }),
    slack,
    tracker: { track: (id) => tracked.add(id), untrack: (id) => tracked.delete(id) },
  });
  return { w, tracked };
}

const album = (id: string, name: string, year: number): FakeEntity => new FakeEntity(id, { name, year });
const cand = (
  e: FakeEntity,
): { entity: ReturnType<FakeEntity['asEntity']>; row: ReturnType<typeof rowOf> } => ({
  entity: e.asEntity(),
  row: rowOf(e.asEntity()),
});
const names = (w: ResultWindow<Entity>): unknown[] => w.visible().map((e) => e.values()['name']);

describe('ResultWindow', () => {
  it('keeps every match in order without a limit and tracks exactly its rows', () => {
    const { w, tracked } = setup('year > 2000 ORDER BY name');
    const [a, b, c] = [album('1', 'b', 2001), album('2', 'a', 2002), album('3', 'c', 1999)];
    w.reset([], true);
    for (const e of [a, b, c]) w.apply(cand(e));
    expect(names(w)).toEqual(['a', 'b']);
    expect([...tracked].sort()).toEqual(['1', '2']);
    w.apply(cand(a.set({ name: '0' })));
    expect(names(w)).toEqual(['0', 'a']);
    w.apply(cand(b.set({ year: 1 })));
    expect(names(w)).toEqual(['0']);
    expect([...tracked]).toEqual(['1']);
    expect(w.needsFill).toBe(false);
  });

  it('breaks ties by id', () => {
    const { w } = setup('true ORDER BY name');
    w.reset([], true);
    for (const id of ['c', 'a', 'b']) w.apply(cand(new FakeEntity(id, { name: 'same' })));
    expect(w.visible().map((e) => e.id)).toEqual(['a', 'b', 'c']);
  });

  it('moves items within, into and out of a LIMIT window', () => {
    const { w } = setup('true ORDER BY year LIMIT 2', 10);
    const es = [album('1', 'a', 1), album('2', 'b', 2), album('3', 'c', 3), album('4', 'd', 4)];
    w.reset(
      es.map((e) => ({ entity: e.asEntity(), row: rowOf(e.asEntity())! })),
      true,
    );
    expect(names(w)).toEqual(['a', 'b']);
    w.apply(cand(es[0]!.set({ year: 2.5 }))); // moves out of the window; c stays outside
    expect(names(w)).toEqual(['b', 'a']);
    w.apply(cand(es[3]!.set({ year: 0 }))); // enters at the top
    expect(names(w)).toEqual(['d', 'b']);
    expect(w.size).toBe(4);
  });

  it('needs a fill when an incomplete window drops below its limit', () => {
    const { w, tracked } = setup('true ORDER BY year LIMIT 2', 0);
    const es = [album('1', 'a', 1), album('2', 'b', 2)];
    w.reset(
      es.map((e) => ({ entity: e.asEntity(), row: rowOf(e.asEntity())! })),
      false,
    );
    const deleted = es[0]!;
    deleted.deleted = true;
    w.apply(cand(deleted));
    expect(w.needsFill).toBe(true);
    expect([...tracked]).toEqual(['2']);
  });

  it('ignores rows beyond the boundary of an incomplete window, accepts rows before it', () => {
    const { w } = setup('true ORDER BY year LIMIT 2', 0);
    const es = [album('1', 'a', 1), album('2', 'b', 5)];
    w.reset(
      es.map((e) => ({ entity: e.asEntity(), row: rowOf(e.asEntity())! })),
      false,
    );
    w.apply(cand(album('3', 'c', 9)));
    expect(w.has('3')).toBe(false);
    w.apply(cand(album('4', 'd', 3)));
    expect(names(w)).toEqual(['a', 'd']);
    expect(w.has('2')).toBe(false); // trimmed back to the limit (no slack)
    // The last row may change in place without losing its spot.
    w.apply(cand(w.visible()[1] as unknown as FakeEntity));
    expect(names(w)).toEqual(['a', 'd']);
    expect(w.needsFill).toBe(false);
  });

  it('trims the buffer to limit + slack once it exceeds limit + 2·slack', () => {
    const { w } = setup('true ORDER BY year LIMIT 1', 2);
    w.reset([], true);
    for (let i = 0; i < 5; i++) w.apply(cand(album(String(i), String(i), i)));
    expect(w.size).toBe(5);
    w.apply(cand(album('9', '9', 9)));
    expect(w.size).toBe(3);
    expect(w.complete).toBe(false);
  });
});
