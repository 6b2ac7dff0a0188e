/*
 * TinyBase, the other peer issue 18 names, doing the same workloads as peers-like's rows: a store of the same
 * albums (`albums` table, row id per album), an index on `year` with a listener per slice, and standing
 * queries sorted by name. TinyBase is synchronous: a setCell runs its listeners before it returns.
 *
 * Two kinds of store: the plain `Store`, and the `MergeableStore` a user takes to sync TinyBase between
 * devices (each cell carries a hybrid-logical-clock stamp and hashes, as our fields carry their event ids).
 */
import { createIndexes, createMergeableStore, createQueries, createStore, type Store } from 'tinybase';
import { type AlbumData } from './peers-models';
import { now, random } from './stats';

const TABLE = 'albums';

/** The row id of the i-th album (the same shape as the RxDB documents' ids). */
export const tinyRowId = (i: number): string => `01J${i.toString(36).padStart(23, '0')}`;

export type TinyKind = 'store' | 'mergeable';

/** An empty store of that kind (a MergeableStore with a fixed id, so its stamps do not depend on chance). */
export function newTinyStore(kind: TinyKind): Store {
  return kind === 'store' ? createStore() : createMergeableStore('bench-node');
}

/** A store holding the albums, set in one transaction. */
export function tinyStore(data: readonly AlbumData[], kind: TinyKind = 'store'): Store {
  const store = newTinyStore(kind);
  store.transaction(() => data.forEach((a, i) => store.setRow(TABLE, tinyRowId(i), { ...a })));
  return store;
}

/** Bulk create: a new store, one setRow per album in one transaction; the time it took (ms). */
export function tinyBulk(data: readonly AlbumData[], kind: TinyKind = 'store'): number {
  const store = newTinyStore(kind);
  const t0 = now();
  store.transaction(() => data.forEach((a, i) => store.setRow(TABLE, tinyRowId(i), { ...a })));
  const ms = now() - t0;
  if (store.getRowCount(TABLE) !== data.length) throw new Error('TinyBase lost rows');
  return ms;
}

/**
 * The fan-out row: an index on `year`, a listener on each of the 100 years' slices, then `warmUp + updates`
 * setCell calls of a random album's year (the fan-out row's random sequence for `seed`); one sample per
 * update that changed a slice, setCell → first listener call, after the warm-up.
 */
export function tinyFanOut(
  kind: TinyKind,
  data: readonly AlbumData[],
  seed: number,
  warmUp: number,
  updates: number,
): number[] {
  const store = tinyStore(data, kind);
  const indexes = createIndexes(store).setIndexDefinition('byYear', TABLE, 'year');
  const lat: number[] = [];
  let t0 = 0;
  let i = 0;
  let seen = -1;
  const heard = (): void => {
    if (seen === i || i < warmUp) return;
    seen = i;
    lat.push(now() - t0);
  };
  for (let y = 1950; y < 2050; y++) indexes.addSliceRowIdsListener('byYear', String(y), heard);
  const rnd = random(seed);
  for (i = 0; i < warmUp + updates; i++) {
    const at = Math.floor(rnd() * data.length);
    const year = 1950 + Math.floor(rnd() * 100);
    t0 = now();
    store.setCell(TABLE, tinyRowId(at), 'year', year);
  }
  return lat;
}

/** One update of the live-window row: the album at `at` gets a new name, year or both. */
export interface WindowEdit {
  readonly at: number;
  readonly name?: string;
  readonly year?: number;
}

/**
 * The live-window row: a standing query (`year > 2000`, name and year) with a listener on its first 50 rows by
 * name, then the window row's edits (both fields of one edit in one transaction); one sample per listener
 * call after the first `warmUp` edits, edit → listener.
 */
export function tinyWindow(
  kind: TinyKind,
  data: readonly AlbumData[],
  edits: readonly WindowEdit[],
  warmUp: number,
): number[] {
  const store = tinyStore(data, kind);
  const queries = createQueries(store).setQueryDefinition('top', TABLE, ({ select, where }) => {
    select('name');
    select('year');
    where((getCell) => (getCell('year') as number) > 2000);
  });
  const lat: number[] = [];
  let t0 = 0;
  let measuring = false;
  queries.addResultSortedRowIdsListener('top', 'name', false, 0, 50, () => {
    if (measuring) lat.push(now() - t0);
  });
  edits.forEach((e, i) => {
    measuring = i >= warmUp;
    const id = tinyRowId(e.at);
    t0 = now();
    store.transaction(() => {
      if (e.name !== undefined) store.setCell(TABLE, id, 'name', e.name);
      if (e.year !== undefined) store.setCell(TABLE, id, 'year', e.year);
    });
  });
  return lat;
}

/**
 * The fetch row: a standing query (`year > 2000`) on the store, defined once (its result table is kept up to
 * date by TinyBase); `top50` reads its first 50 rows by name (TinyBase sorts the result on each read).
 */
export function tinyTop50(store: Store): () => string[] {
  const queries = createQueries(store).setQueryDefinition('fetch', TABLE, ({ select, where }) => {
    select('name');
    select('artist');
    select('year');
    where((getCell) => (getCell('year') as number) > 2000);
  });
  return () =>
    queries
      .getResultSortedRowIds('fetch', 'name', false, 0, 50)
      .map((id) => queries.getResultCell('fetch', id, 'name') as string);
}
