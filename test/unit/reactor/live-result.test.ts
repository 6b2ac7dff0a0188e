import { type Entity } from '../../../src/entity/entity';
import { type Selection } from '../../../src/query/ast';
import { compilePredicate } from '../../../src/query/evaluate';
import { compareRecords } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { rowOf } from '../../../src/reactor/change';
import { type LiveResult } from '../../../src/reactor/live-result';
import { type ResultDiff } from '../../../src/reactor/result-diff';
import { FakeEntity, testReactor } from './support';

/** A fake store whose fetches can be held until released, to exercise the load races. */
class Store {
  readonly rows = new Map<string, FakeEntity>();
  held: (() => void)[] = [];
  hold = false;
  fetches = 0;

  put(...es: FakeEntity[]): void {
    for (const e of es) this.rows.set(e.id, e);
  }

  fetch = (sel: Selection): Promise<Entity[]> => {
    this.fetches++;
    const match = compilePredicate(sel.predicate);
    const order = compareRecords(sel.orderBy);
    const read = (): Entity[] => {
      const hits = [...this.rows.values()]
        .filter((e) => !e.deleted && match(rowOf(e.asEntity())!))
        .sort((a, b) => order(rowOf(a.asEntity())!, rowOf(b.asEntity())!));
      return (sel.limit === undefined ? hits : hits.slice(0, sel.limit)).map((e) => e.asEntity());
    };
    if (!this.hold) return Promise.resolve(read());
    // Snapshot now, deliver later: the reader saw the store as it was when the fetch began.
    const snapshot = read();
    return new Promise((resolve) => this.held.push(() => resolve(snapshot)));
  };

  release(): void {
    const h = this.held;
    this.held = [];
    h.forEach((f) => f());
  }
}

function live(
  text: string,
  slack?: number,
): {
  store: Store;
  diffs: ResultDiff[];
  result: () => LiveResult;
  emit: (...e: FakeEntity[]) => void;
  start: () => LiveResult;
  completed: () => boolean;
  reactor: ReturnType<typeof testReactor>['reactor'];
} {
  const { reactor, emit } = testReactor();
  if (slack !== undefined) reactor.windowSlack = slack;
  const store = new Store();
  const diffs: ResultDiff[] = [];
  let completed = false;
  let r: LiveResult | undefined;
  const start = (): LiveResult =>
    (r = reactor.subscribe('album', parseSelection(text), store.fetch, {
      next: (d) => diffs.push(d),
      error: (e) => {
        throw e;
      },
      complete: () => {
        completed = true;
      },
    }));
  const commit = (...es: FakeEntity[]): void => {
    store.put(...es);
    emit(...es);
  };
  return { store, diffs, result: () => r!, emit: commit, start, completed: () => completed, reactor };
}

const summary = (d: ResultDiff): string[] => d.changes.map((c) => `${c.kind} ${c.entity.id}`);
const ids = (d: ResultDiff | undefined): string[] => (d?.items ?? []).map((e) => e.id);

describe('LiveResult', () => {
  it('emits the initial result, then one diff per batch that changes it, and nothing otherwise', async () => {
    const t = live('year = 2001');
    t.store.put(new FakeEntity('a', { year: 2001 }));
    const r = t.start();
    await r.settled();
    expect(t.diffs.map(summary)).toEqual([['initial a']]);
    const b = new FakeEntity('b', { year: 2001 });
    const c = new FakeEntity('c', { year: 2001 });
    t.emit(b, c, new FakeEntity('x', { year: 1 }));
    t.emit(new FakeEntity('y', { year: 2 }));
    t.emit(b.set({ name: 'B' }), c.set({ year: 2 }));
    expect(t.diffs.map(summary)).toEqual([['initial a'], ['add b', 'add c'], ['remove c', 'update b']]);
    expect(ids(t.diffs.at(-1))).toEqual(['a', 'b']);
  });

  it('reconciles changes made while the initial fetch is in flight', async () => {
    const t = live('year = 2001 ORDER BY name');
    const a = new FakeEntity('a', { year: 2001, name: 'a' });
    const b = new FakeEntity('b', { year: 2001, name: 'b' });
    t.store.put(a, b);
    t.store.hold = true;
    const r = t.start();
    // The fetch saw a and b; meanwhile a leaves and c arrives.
    t.emit(a.set({ year: 1999 }), new FakeEntity('c', { year: 2001, name: 'c' }));
    expect(t.diffs).toEqual([]);
    t.store.release();
    await r.settled();
    expect(t.diffs.map(summary)).toEqual([['initial b', 'initial c']]);
  });

  it('does not trust fetched rows that changed during the fetch to bound the window', async () => {
    const t = live('true ORDER BY year LIMIT 2', 0);
    const es = ['a', 'b', 'c', 'd'].map((id, i) => new FakeEntity(id, { year: i }));
    t.store.put(...es);
    t.store.hold = true;
    const r = t.start();
    // The fetch saw [a, b]; a then moves past everything, so c belongs in the window, not a.
    t.emit(es[0]!.set({ year: 10 }));
    t.store.hold = false;
    t.store.release();
    await r.settled();
    expect(t.diffs.map(ids)).toEqual([['b', 'c']]);
  });

  it('fills a gap from storage and emits the fill with the removal that caused it', async () => {
    const t = live('true ORDER BY year LIMIT 2', 0);
    const es = ['a', 'b', 'c', 'd'].map((id, i) => new FakeEntity(id, { year: i }));
    t.store.put(...es);
    const r = t.start();
    await r.settled();
    expect(ids(t.diffs[0])).toEqual(['a', 'b']);
    t.store.hold = true;
    const a = es[0]!;
    a.deleted = true;
    t.emit(a);
    expect(t.diffs).toHaveLength(1);
    t.store.release();
    await r.settled();
    expect(t.diffs.map(summary).at(-1)).toEqual(['remove a', 'add c']);
    expect(ids(t.diffs.at(-1))).toEqual(['b', 'c']);
    expect(t.store.fetches).toBe(2);
  });

  it('keeps a buffer so most gap fills need no storage read', async () => {
    const t = live('true ORDER BY year LIMIT 2', 2);
    const es = ['a', 'b', 'c', 'd', 'e'].map((id, i) => new FakeEntity(id, { year: i }));
    t.store.put(...es);
    const r = t.start();
    await r.settled();
    es[0]!.deleted = true;
    t.emit(es[0]!);
    expect(ids(t.diffs.at(-1))).toEqual(['b', 'c']);
    expect(t.store.fetches).toBe(1);
  });

  it('emits only the difference on update', async () => {
    const t = live('year >= 2000');
    t.store.put(
      new FakeEntity('a', { year: 2000 }),
      new FakeEntity('b', { year: 2001 }),
      new FakeEntity('c', { year: 1999 }),
    );
    const r = t.start();
    await r.settled();
    r.update(parseSelection('year <= 2000'));
    await r.settled();
    expect(t.diffs.map((d) => [d.initial, ...summary(d)])).toEqual([
      [true, 'initial a', 'initial b'],
      [false, 'remove b', 'add c'],
    ]);
    expect(ids(t.diffs.at(-1))).toEqual(['a', 'c']);
  });

  it('emits nothing after close and completes when the reactor closes', async () => {
    const t = live('true');
    const r = t.start();
    await r.settled();
    r.close();
    t.emit(new FakeEntity('a', {}));
    expect(t.diffs).toHaveLength(1);
    expect(t.completed()).toBe(false);
    const t2 = live('true');
    const r2 = t2.start();
    await r2.settled();
    t2.reactor.close();
    expect(r2.closed).toBe(true);
    expect(t2.completed()).toBe(true);
    expect(t2.reactor.size).toBe(0);
  });
});
