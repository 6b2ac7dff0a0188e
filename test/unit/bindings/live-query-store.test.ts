import 'reflect-metadata';
import { MemoryStorage, Node, QuerySyntaxError } from 'ankurah';
import { LiveQueryStore } from '../../../src/bindings/react/live-query-store';
import { paramsKey } from '../../../src/bindings/react/use-live-query';
import { internals } from '../../fixtures/internals';
import { Album } from '../../fixtures/models';

/** Resolves on the next listener call for which `ready` holds. */
function next<M extends object>(store: LiveQueryStore<M>, ready: () => boolean): Promise<() => void> {
  return new Promise((resolve) => {
    const off = store.subscribe(() => {
      if (ready()) resolve(off);
    });
    if (ready()) resolve(off);
  });
}

describe('LiveQueryStore (the useSyncExternalStore source of useLiveQuery)', () => {
  let node: Node;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [Album] });
    const trx = node.context().begin();
    await trx.create(Album, { name: 'A', artist: 'x', year: 1990 });
    await trx.create(Album, { name: 'B', artist: 'x', year: 2005 });
    await trx.commit();
  });
  afterEach(() => node.close());

  it('keeps one snapshot object between changes and a new one per change', async () => {
    const store = new LiveQueryStore(node.context(), Album, 'year > ? ORDER BY name', [1980]);
    const empty = store.getSnapshot();
    expect(empty).toEqual({ items: [], loaded: false, error: undefined });
    expect(store.getSnapshot()).toBe(empty);
    const off = await next(store, () => store.getSnapshot().loaded);
    const loaded = store.getSnapshot();
    expect(loaded.items.map((v) => v.name)).toEqual(['A', 'B']);
    expect(store.getSnapshot()).toBe(loaded);
    expect(Object.isFrozen(loaded)).toBe(true);

    const changed = next(store, () => store.getSnapshot().items.length === 3);
    const trx = node.context().begin();
    await trx.create(Album, { name: 'C', artist: 'y', year: 2010 });
    await trx.commit();
    (await changed)();
    const after = store.getSnapshot();
    expect(after).not.toBe(loaded);
    // Views keep their identity, so memoised rows of unchanged items are skipped.
    expect(after.items[0]).toBe(loaded.items[0]);
    off();
  });

  it('opens the query with the first listener and closes it a microtask after the last leaves', async () => {
    const base = internals(node).reactor.size;
    const ctx = node.context();
    const opened = jest.spyOn(ctx, 'query');
    const store = new LiveQueryStore(ctx, Album, 'true', []);
    expect(store.open).toBe(false);
    const off1 = store.subscribe(() => undefined);
    // StrictMode: unsubscribe and subscribe again synchronously keeps the same query.
    off1();
    const off2 = await next(store, () => store.getSnapshot().loaded);
    expect(opened).toHaveBeenCalledTimes(1);
    expect(store.open).toBe(true);
    expect(internals(node).reactor.size).toBe(base + 1);
    off2();
    expect(store.open).toBe(true);
    await Promise.resolve();
    expect(store.open).toBe(false);
    expect(internals(node).reactor.size).toBe(base);
    // A later listener opens it again; the old items stay, not loaded until the new result is in.
    const stale = store.getSnapshot().items;
    const reopened = next(store, () => store.getSnapshot().loaded);
    expect(store.getSnapshot()).toMatchObject({ items: stale, loaded: false });
    const off3 = await reopened;
    expect(opened).toHaveBeenCalledTimes(2);
    off3();
  });

  it('reports a malformed selection as the error of the snapshot, without throwing in render', () => {
    const store = new LiveQueryStore(node.context(), Album, 'year >>> 3', []);
    const calls: number[] = [];
    const off = store.subscribe(() => calls.push(1));
    expect(store.getSnapshot().error).toBeInstanceOf(QuerySyntaxError);
    expect(store.getSnapshot().loaded).toBe(false);
    expect(store.open).toBe(false);
    expect(calls).toHaveLength(1);
    off();
  });

  it('keys parameters by value', () => {
    expect(paramsKey([1980, 'x'])).toBe(paramsKey([1980, 'x']));
    expect(paramsKey([1980])).not.toBe(paramsKey(['1980']));
    expect(paramsKey([undefined])).not.toBe(paramsKey([null]));
    expect(paramsKey([10n])).not.toBe(paramsKey([10]));
  });
});
