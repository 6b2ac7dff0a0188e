/* Storage benchmark: SQLite and Postgres engines vs the raw drivers on the same tables, in the same run. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Client } from 'pg';
import { Node } from 'ankurah';
import { type EntityState, type Event, type StorageEngine } from 'ankurah/spi';
import { PostgresStorage, SqliteStorage, type SqlStorage } from 'ankurah/typeorm';
import { newId } from '../src/event/ids';
import { bindSchema } from '../src/query/bind-schema';
import { parseSelection } from '../src/query/parser';
import { collectionSpec } from '../src/node/schema';
import { modelMeta } from '../src/model/registry';
import { RowWriter } from '../src/storage/typeorm/row-writer';
import { type Dialect } from '../src/storage/typeorm/dialect';
import { postgresDialect } from '../src/storage/typeorm/dialects/postgres';
import { sqliteDialect } from '../src/storage/typeorm/dialects/sqlite';
import { materialisedColumns } from '../src/storage/typeorm/entity-schemas';
import { Album } from '../samples/albums/models';
import { percentile, rate, row, sqliteHandle, time } from './stats';

const BULK = 10_000;
const LARGE = 100_000;
const QUERY = 'year > 2000 ORDER BY name LIMIT 50';
const RAW_QUERY = 'SELECT "id", "_head", "_state" FROM "album" WHERE "year" > $1 ORDER BY "name" LIMIT 50';
const QUERY_RUNS = 50;
const ROUNDS = 3;
const PG_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const spec = collectionSpec(modelMeta(Album));

function values(i: number): Record<string, unknown> {
  return {
    name: `Album ${(i * 7919) % LARGE}`,
    artist: `Artist ${i % 500}`,
    year: 1950 + ((i * 31) % 100),
    rating: (i % 50) / 10,
    notes: '',
    meta: { tags: [i % 2 ? 'live' : 'studio'] },
  };
}

/** Prebuilt events and states of `n` albums, as the node would hand them to storage. */
function batch(n: number): { events: Event[]; states: EntityState[] } {
  const events: Event[] = [];
  const states: EntityState[] = [];
  for (let i = 0; i < n; i++) {
    const id = newId();
    const v = values(i);
    events.push({ id, entityId: id, collection: 'album', parents: [], operations: { lww: v } });
    const lww = Object.fromEntries(Object.entries(v).map(([k, x]) => [k, [[x, id]] as const]));
    states.push({ id, collection: 'album', head: [id], deleted: false, lww, text: {}, values: v });
  }
  return { events, states };
}

/** The exact rows the engine writes, computed before timing the raw driver. */
function rawRows(
  d: Dialect,
  b: { events: Event[]; states: EntityState[] },
): { events: unknown[][]; states: unknown[][] } {
  const writer = new RowWriter(d, '"album"', '"album_events"', materialisedColumns(spec));
  const events = b.events.map((e) => writer.eventRow(e));
  const states = b.states.map((s) => writer.stateRow(s));
  return { events, states };
}

/** Times one engine.commit of a prebuilt batch (states and events of BULK albums), then closes the engine. */
async function engineCommit(engine: StorageEngine): Promise<number> {
  await engine.ensureCollection(spec);
  const b = batch(BULK);
  const ms = await time(() => engine.commit(b));
  await engine.close();
  return ms;
}
async function nodeBulk(storage: StorageEngine): Promise<number> {
  const node = await Node.durable(storage, { models: [Album] });
  const ctx = node.context();
  const ms = await time(async () => {
    const trx = ctx.begin();
    for (let i = 0; i < BULK; i++) await trx.create(Album, values(i) as never);
    await trx.commit();
  });
  await node.close();
  return ms;
}

/** Medians of two queries run alternately, so load on the machine affects both alike. */
async function interleaved(
  ours: () => Promise<unknown>,
  raw: () => Promise<unknown>,
): Promise<[number, number]> {
  for (let i = 0; i < 5; i++) {
    await ours();
    await raw();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < QUERY_RUNS; i++) {
    a.push(await time(ours));
    b.push(await time(raw));
  }
  return [percentile(a, 50), percentile(b, 50)];
}

function ratioRow(label: string, ms: number, base: number, n?: number, higherIsSlower = true): void {
  row(label, ms.toFixed(2), n ? rate(n, ms) : '', higherIsSlower ? (ms / base).toFixed(2) : '');
}

/** The best of ROUNDS runs (the first rounds include JIT warm-up), each on fresh tables. */
async function best(fn: (round: number) => Promise<number>): Promise<number> {
  let out = Infinity;
  for (let r = 0; r < ROUNDS; r++) out = Math.min(out, await fn(r));
  return out;
}

const STATE_COLUMNS = [
  'id',
  '_head',
  '_deleted',
  '_mismatch',
  '_state',
  '_values',
  ...materialisedColumns(spec).map((c) => c.name),
];

async function sqliteRawBulk(file: string): Promise<number> {
  const prep = await SqliteStorage.open(file);
  await prep.ensureCollection(spec);
  await prep.close();
  const rows = rawRows(sqliteDialect, batch(BULK));
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  const cols = STATE_COLUMNS.map((n) => `"${n}"`).join(', ');
  const insState = db.prepare(
    `INSERT INTO "album" (${cols}) VALUES (${STATE_COLUMNS.map(() => '?').join(', ')})`,
  );
  const insEvent = db.prepare(
    'INSERT INTO "album_events" ("id", "entity_id", "parents", "operations") VALUES (?, ?, ?, ?)',
  );
  const ms = await time(() =>
    db.transaction(() => {
      for (const e of rows.events) insEvent.run(...e);
      for (const r of rows.states) insState.run(...r);
    })(),
  );
  db.close();
  return ms;
}

async function sqlite(dir: string): Promise<void> {
  console.log(
    `\nSQLite (file, WAL, synchronous=NORMAL): ${BULK.toLocaleString('en-US')} albums in one transaction, best of ${ROUNDS}; query over ${LARGE.toLocaleString('en-US')}`,
  );
  row('operation', 'ms', 'rows/s', 'x raw');
  const sel = bindSchema(parseSelection(QUERY), (f) => spec.columns.find((c) => c.name === f)?.type, 'Album');

  const raw = await best((r) => sqliteRawBulk(join(dir, `raw-${r}.db`)));
  row('raw better-sqlite3: prepared inserts, same rows', raw.toFixed(1), rate(BULK, raw), '1.00');
  const commit = await best(async (r) => engineCommit(await SqliteStorage.open(join(dir, `engine-${r}.db`))));
  ratioRow('engine.commit (prebuilt states + events)', commit, raw, BULK);
  const viaNode = await best(async (r) => nodeBulk(await SqliteStorage.open(join(dir, `node-${r}.db`))));
  ratioRow('Node: 10,000 trx.create + one commit', viaNode, raw, BULK);

  const big = join(dir, 'big.db');
  let store = await SqliteStorage.open(big);
  await store.ensureCollection(spec);
  for (let i = 0; i < LARGE / BULK; i++) await store.commit(batch(BULK));
  // The raw query runs on the storage's own connection (its exclusive lock keeps others out): same cache.
  const stmt = sqliteHandle(store).prepare(RAW_QUERY.replace('$1', '?'));
  const [ours, rawQ] = await interleaved(
    () => store.fetchStates('album', sel),
    async () => stmt.all(2000),
  );
  row(`raw: ${RAW_QUERY.replace('$1', '2000')}`, rawQ.toFixed(3), '', '1.00');
  ratioRow(`engine.fetchStates: ${QUERY} (median of ${QUERY_RUNS})`, ours, rawQ);
  await store.close();

  const reopen = await time(async () => {
    store = await SqliteStorage.open(big);
    await store.ensureCollection(spec);
    await store.fetchStates('album', sel);
  });
  row(
    `reopen ${LARGE.toLocaleString('en-US')}-entity database until first query answers`,
    reopen.toFixed(1),
    '',
    '',
  );
  await store.close();
}

async function postgres(): Promise<void> {
  const probe = new Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
  } catch (e) {
    console.log(`\nPostgres: SKIPPED, not reachable at ${PG_URL} (${(e as Error).message})`);
    return;
  }
  const prefix = `ankurah_bench_${Date.now()}`;
  const schemas: string[] = [];
  const fresh = (tag: string): string => {
    schemas.push(`${prefix}_${tag}`);
    return `${prefix}_${tag}`;
  };
  console.log(
    `\nPostgres (schemas ${prefix}_*): ${BULK.toLocaleString('en-US')} albums in one transaction, best of ${ROUNDS}; query over ${LARGE.toLocaleString('en-US')}`,
  );
  row('operation', 'ms', 'rows/s', 'x raw');
  const sel = bindSchema(parseSelection(QUERY), (f) => spec.columns.find((c) => c.name === f)?.type, 'Album');
  try {
    const raw = await best(async (r) => {
      const schema = fresh(`raw${r}`);
      const prep = await PostgresStorage.open(PG_URL, { schema });
      await prep.ensureCollection(spec);
      await prep.close();
      const rows = rawRows(postgresDialect, batch(BULK));
      await probe.query(`SET search_path TO "${schema}"`);
      return time(async () => {
        await probe.query('BEGIN');
        await multiInsert(probe, 'album_events', ['id', 'entity_id', 'parents', 'operations'], rows.events);
        await multiInsert(probe, 'album', STATE_COLUMNS, rows.states);
        await probe.query('COMMIT');
      });
    });
    row('raw pg: multi-row inserts, same rows', raw.toFixed(1), rate(BULK, raw), '1.00');
    const commit = await best(async (r) =>
      engineCommit(await PostgresStorage.open(PG_URL, { schema: fresh(`engine${r}`) })),
    );
    ratioRow('engine.commit (prebuilt states + events)', commit, raw, BULK);
    const viaNode = await best(async (r) =>
      nodeBulk(await PostgresStorage.open(PG_URL, { schema: fresh(`node${r}`) })),
    );
    ratioRow('Node: 10,000 trx.create + one commit', viaNode, raw, BULK);

    const schema = fresh('big');
    const store: SqlStorage = await PostgresStorage.open(PG_URL, { schema });
    await store.ensureCollection(spec);
    for (let i = 0; i < LARGE / BULK; i++) await store.commit(batch(BULK));
    await store.dataSource.query(`ANALYZE "${schema}"."album"`);
    await probe.query(`SET search_path TO "${schema}"`);
    const [ours, rawQ] = await interleaved(
      () => store.fetchStates('album', sel),
      () => probe.query({ name: 'q', text: RAW_QUERY, values: [2000] }),
    );
    row(`raw: ${RAW_QUERY.replace('$1', '2000')}`, rawQ.toFixed(3), '', '1.00');
    ratioRow(`engine.fetchStates: ${QUERY} (median of ${QUERY_RUNS})`, ours, rawQ);
    await store.close();
  } finally {
    for (const s of schemas) await probe.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await probe.end();
  }
}

async function multiInsert(c: Client, table: string, names: string[], rows: unknown[][]): Promise<void> {
  const per = Math.floor(30_000 / names.length);
  for (let i = 0; i < rows.length; i += per) {
    const chunk = rows.slice(i, i + per);
    const tuples = chunk.map(
      (_, r) => `(${names.map((__, k) => `$${r * names.length + k + 1}`).join(', ')})`,
    );
    await c.query(
      `INSERT INTO "${table}" (${names.map((n) => `"${n}"`).join(', ')}) VALUES ${tuples.join(', ')}`,
      chunk.flat(),
    );
  }
}

export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-bench-storage-'));
  try {
    await sqlite(dir);
    await postgres();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
