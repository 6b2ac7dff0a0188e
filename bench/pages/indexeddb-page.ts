/* The IndexedDB benchmark's page: ankurah/indexeddb against raw IndexedDB, in the same page and run. */
import 'reflect-metadata';
import { Field, Model, Node } from 'ankurah';
import { type EntityState, type Event } from 'ankurah/spi';
import { IndexedDbStorage } from 'ankurah/indexeddb';
import { newId } from '../../src/event/ids';
import { parseSelection } from '../../src/query/parser';

@Model('album')
class Album {
  @Field() name!: string;
  @Field() artist!: string;
  @Field({ index: true }) year!: number;
}

const SPEC = {
  name: 'album',
  columns: [
    { name: 'name', type: 'string', index: false },
    { name: 'artist', type: 'string', index: false },
    { name: 'year', type: 'integer', index: true },
  ],
} as const;

function values(i: number, large: number): Record<string, unknown> {
  return { name: `Album ${(i * 7919) % large}`, artist: `Artist ${i % 500}`, year: 1950 + ((i * 31) % 100) };
}

function batch(from: number, n: number, large: number): { events: Event[]; states: EntityState[] } {
  const events: Event[] = [];
  const states: EntityState[] = [];
  for (let i = from; i < from + n; i++) {
    const id = newId();
    const v = values(i, large);
    events.push({ id, entityId: id, collection: 'album', parents: [], operations: { lww: v } });
    const lww = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, [[x, id]] as const]));
    states.push({ id, collection: 'album', head: [id], deleted: false, lww, text: {}, values: v });
  }
  return { events, states };
}

const ms = async (fn: () => Promise<unknown>): Promise<number> => {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
};

function req<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((ok, ko) => {
    r.onsuccess = () => ok(r.result);
    r.onerror = () => ko(r.error ?? new Error('request failed'));
  });
}

function txDone(tx: IDBTransaction): Promise<void> {
  return new Promise((ok, ko) => {
    tx.oncomplete = () => ok();
    tx.onabort = () => ko(tx.error ?? new Error('aborted'));
  });
}

/** A raw database shaped like the engine's: states and events stores, an index on year. */
async function rawDb(name: string): Promise<IDBDatabase> {
  await req(indexedDB.deleteDatabase(name));
  const open = indexedDB.open(name, 1);
  open.onupgradeneeded = () => {
    const s = open.result.createObjectStore('states', { keyPath: 'id' });
    s.createIndex('year', 'values.year');
    s.createIndex('name', 'values.name');
    open.result.createObjectStore('events', { keyPath: 'id' });
  };
  return req(open);
}

async function rawPut(db: IDBDatabase, b: { events: Event[]; states: EntityState[] }): Promise<void> {
  const tx = db.transaction(['states', 'events'], 'readwrite');
  const events = tx.objectStore('events');
  const states = tx.objectStore('states');
  for (const e of b.events) events.put(e);
  for (const s of b.states) states.put(s);
  await txDone(tx);
}

/** Bulk create: the node (one transaction of n creates), the engine (one prebuilt batch), raw IndexedDB. */
async function bulk(n: number): Promise<Record<string, number>> {
  await IndexedDbStorage.delete('bench-node');
  const node = await Node.durable(await IndexedDbStorage.open('bench-node'), { models: [Album] });
  const ctx = node.context();
  const nodeMs = await ms(async () => {
    const trx = ctx.begin();
    for (let i = 0; i < n; i++) await trx.create(Album, values(i, n) as never);
    await trx.commit();
  });
  await node.close();
  await IndexedDbStorage.delete('bench-engine');
  const engine = await IndexedDbStorage.open('bench-engine');
  await engine.ensureCollection(SPEC);
  const b = batch(0, n, n);
  const engineMs = await ms(() => engine.commit(b));
  await engine.close();
  const db = await rawDb('bench-raw');
  const rb = batch(0, n, n);
  const rawMs = await ms(() => rawPut(db, rb));
  db.close();
  return { node: nodeMs, engine: engineMs, raw: rawMs };
}

/** Seeds `large` albums in the engine and the raw database, then times the queries (medians of `runs`). */
async function query(large: number, runs: number): Promise<Record<string, number>> {
  await IndexedDbStorage.delete('bench-q');
  const engine = await IndexedDbStorage.open('bench-q');
  await engine.ensureCollection(SPEC);
  const db = await rawDb('bench-q-raw');
  for (let i = 0; i < large; i += 10_000) {
    await engine.commit(batch(i, 10_000, large));
    await rawPut(db, batch(i, 10_000, large));
  }
  const byName = parseSelection('year > 2000 ORDER BY name LIMIT 50');
  const byYear = parseSelection('year > 2000 ORDER BY year LIMIT 50');
  const rawByName = async (): Promise<unknown[]> => {
    const tx = db.transaction('states');
    const rows = await req(tx.objectStore('states').index('year').getAll(IDBKeyRange.lowerBound(2000, true)));
    const key = (s: EntityState) => s.values.name as string;
    return (rows as EntityState[])
      .sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0))
      .slice(0, 50);
  };
  const rawByYear = async (): Promise<unknown[]> => {
    const tx = db.transaction('states');
    return req(tx.objectStore('states').index('year').getAll(IDBKeyRange.lowerBound(2000, true), 50));
  };
  const rawWalkName = (): Promise<unknown[]> =>
    new Promise((ok, ko) => {
      const out: unknown[] = [];
      const r = db.transaction('states').objectStore('states').index('name').openCursor();
      r.onerror = () => ko(r.error ?? new Error('cursor failed'));
      r.onsuccess = () => {
        const c = r.result;
        if (!c || out.length === 50) return ok(out);
        if (((c.value as EntityState).values.year as number) > 2000) out.push(c.value);
        c.continue();
      };
    });
  const median = async (fn: () => Promise<unknown>): Promise<number> => {
    const t: number[] = [];
    for (let i = 0; i < runs; i++) t.push(await ms(fn));
    return t.sort((a, b) => a - b)[Math.floor(runs / 2)] as number;
  };
  const check = (await engine.fetchStates('album', byName)).length;
  const out = {
    rows: check,
    byName: await median(() => engine.fetchStates('album', byName)),
    rawByName: await median(rawByName),
    byYear: await median(() => engine.fetchStates('album', byYear)),
    rawByYear: await median(rawByYear),
    reindex: await ms(() =>
      engine.ensureCollection({
        ...SPEC,
        columns: SPEC.columns.map((c) => (c.name === 'name' ? { ...c, index: true } : c)),
      }),
    ),
    byNameIndexed: 0,
    rawWalkName: await median(rawWalkName),
  };
  out.byNameIndexed = await median(() => engine.fetchStates('album', byName));
  await engine.close();
  db.close();
  return out;
}

Object.assign(window, { bench: { bulk, query } });
document.title = 'ready';
