/*
 * Issue 18's workloads as a user runs them, each next to its raw baseline and peers in the same run.
 * `npm run bench -- peers-like` (add `--quick` for smaller sizes). Ratios matter, not absolute figures:
 * the machine is shared, so every baseline is measured in the same run, interleaved where it matters.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as Y from 'yjs';
import { MemoryStorage, Node } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { albums, type AlbumData, createAll, PlAlbum, PlAlbumNx, PlDoc } from './peers-models';
import { fanOutRun } from './fan-out-run';
import { RX_SCHEMA } from './peers-heap';
import { collectGarbage, now, percentile, random, sqliteHandle } from './stats';
import { type Sample, watchGc } from './peers-tails';
import { add, f, k, printTable, us } from './peers-table';
import { sqliteBulk, window } from './peers-like-more';
import { tinyBulk, tinyFanOut, tinyStore, tinyTop50 } from './peers-tinybase';

const QUICK = process.argv.includes('--quick');
/** `--only=bulk,fanout,...`: run only these rows (names as in `run`). */
const ONLY = process.argv
  .find((a) => a.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
// `--live`: the two live-latency rows, after the bulk row as in a full run.
const LIVE = ['bulk', 'fanout', 'window'];
const wanted = (row: string): boolean =>
  process.argv.includes('--live') ? LIVE.includes(row) : !ONLY || ONLY.includes(row);
const BULK = 10_000;
const FAN_N = 10_000;
const FAN_UPDATES = QUICK ? 500 : 2_000;
/** Updates before the measured ones: V8 is still compiling the path through about the first 1,500. */
const FAN_WARM_UP = QUICK ? 500 : 2_000;
const BIG = QUICK ? 20_000 : 100_000;
const TEXT_COMMITS = QUICK ? 300 : 1_000;
/** The @Text row alternates ours and raw Yjs in this many blocks. */
const TEXT_BLOCKS = 10;
const WIN_UPDATES = QUICK ? 300 : 1_000;
const QUERY = 'year > 2000 ORDER BY name LIMIT 50';
const QUERY_RUNS = QUICK ? 5 : 15;

function median(xs: readonly number[]): number {
  return percentile(xs, 50);
}

/** The part of an RxDB collection the bench uses. */
interface RxCol {
  bulkInsert(docs: object[]): Promise<unknown>;
  /** RxDB's storage instance; a read makes it finish the writes it deferred (documents map, indexes). */
  storageInstance: {
    findDocumentsById(ids: string[], withDeleted: boolean): Promise<unknown[]>;
    query(prepared: unknown): Promise<{ documents: unknown[] }>;
  };
  schema: { jsonSchema: object };
  find(query: object): { exec(): Promise<unknown> };
}

async function rxdb(name: string): Promise<{ col: RxCol; close: () => Promise<unknown> } | undefined> {
  try {
    const { createRxDatabase } = await import('rxdb');
    const { getRxStorageMemory } = await import('rxdb/plugins/storage-memory');
    const db = await createRxDatabase({ name: `${name}${Date.now()}`, storage: getRxStorageMemory() });
    await db.addCollections({ albums: { schema: RX_SCHEMA } });
    return { col: db.albums as unknown as RxCol, close: () => db.close() };
  } catch (e) {
    console.log(`  (RxDB unavailable: ${(e as Error).message})`);
    return undefined;
  }
}
const rxDocs = (data: readonly AlbumData[]): object[] =>
  data.map((a, i) => ({ id: `01J${i.toString(36).padStart(23, '0')}`, ...a }));

/** Row 1: bulk create 10k in one transaction on MemoryStorage vs RxDB memory and a Map. */
async function bulkMemory(): Promise<void> {
  const data = albums(BULK);
  const ours: number[] = [];
  const rx: number[] = [];
  const tiny: number[] = [];
  const tinyM: number[] = [];
  const map: number[] = [];
  const loop: number[] = [];
  const oursCpu: number[] = [];
  const rxCpu: number[] = [];
  // Rounds 0–2 are the cold figure (the first thing in the process, as before); 3–9 the warm one.
  for (let r = 0; r < 10; r++) {
    const node = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
    const ctx = node.context();
    let c0 = process.cpuUsage();
    let t0 = now();
    const trx = ctx.begin();
    for (const a of data) await trx.create(PlAlbum, { ...a });
    await trx.commit();
    ours.push(now() - t0);
    oursCpu.push(cpuSince(c0));
    await node.close();
    const db = await rxdb('bulk');
    if (db) {
      const docs = rxDocs(data);
      c0 = process.cpuUsage();
      t0 = now();
      await db.col.bulkInsert(docs);
      // RxDB's memory storage answers bulkInsert before it puts the rows into its documents map and
      // indexes (it does that on idle or before the next read); a read makes it finish, as the next
      // query would. Without it the figure leaves out the write itself.
      const got = await db.col.storageInstance.findDocumentsById([(docs[0] as { id: string }).id], false);
      rx.push(now() - t0);
      if (got.length !== 1) throw new Error('RxDB did not store the first album');
      rxCpu.push(cpuSince(c0));
      await db.close();
    }
    tiny.push(tinyBulk(data));
    if (r >= 3 && r < 6) tinyM.push(tinyBulk(data, 'mergeable'));
    // The floor of the user's loop itself: an awaited async call per row that does nothing.
    t0 = now();
    for (const a of data) await noop({ ...a });
    loop.push(now() - t0);
    t0 = now();
    const m = new Map<string, object>();
    data.forEach((a, i) => m.set(String(i), { ...a }));
    map.push(now() - t0);
  }
  const per = (xs: number[]): number => BULK / (Math.min(...xs) / 1000);
  const o = per(ours.slice(0, 3));
  const x = rx.length ? per(rx.slice(0, 3)) : NaN;
  const ow = per(ours.slice(3));
  const xw = rx.length ? per(rx.slice(3)) : NaN;
  add(
    `bulk create ${BULK} albums, 1 trx, memory, warm (best of rounds 4–10)`,
    `${k(ow)} (CPU ${k(per(oursCpu.slice(3)))})`,
    `RxDB memory ${k(xw)} (CPU ${rx.length ? k(per(rxCpu.slice(3))) : 'n/a'}); TinyBase ${k(per(tiny.slice(3)))} (MergeableStore ${k(per(tinyM))}); the loop alone (await of an empty async call per row) ${k(per(loop.slice(3)))}`,
    `${f(ow / xw, 2)}x RxDB (CPU ${f(per(oursCpu.slice(3)) / per(rxCpu.slice(3)), 2)}x)`,
    '>= 1.5x RxDB',
    ow >= 1.5 * xw,
  );
  add(
    `bulk create ${BULK} albums, 1 trx, memory, cold (best of rounds 1–3)`,
    `${k(o)} (CPU ${k(per(oursCpu.slice(0, 3)))})`,
    `RxDB memory ${k(x)} (CPU ${rx.length ? k(per(rxCpu.slice(0, 3))) : 'n/a'}); TinyBase ${k(per(tiny.slice(0, 3)))}; Map ${k(per(map))}`,
    `${f(o / x, 2)}x RxDB (CPU ${f(per(oursCpu.slice(0, 3)) / per(rxCpu.slice(0, 3)), 2)}x)`,
    '>= 1.5x RxDB',
    o >= 1.5 * x,
  );
}

/** An async call that does nothing (the floor of `await trx.create(...)` per row). */
async function noop(row: object): Promise<object> {
  return row;
}

/** CPU time (user + system) of this process since `c0`, in ms: steadier than wall time on a loaded machine. */
function cpuSince(c0: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(c0);
  return (d.user + d.system) / 1000;
}

/** Row 2: 100 live `year = Y`, single-field updates, commit → emission. */
async function fanOut(): Promise<void> {
  const data = albums(FAN_N);
  const node = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
  const ctx = node.context();
  const ids = await createAll(ctx, PlAlbum, data);
  await fanOutRun(ctx, ids, 9, FAN_WARM_UP, { noSampleCpu: true }); // warm-up
  // Measured as TinyBase is below, with no system call in the loop; then once more with a CPU reading per
  // sample, which tells a descheduled process from a slow step in the tail (and costs each sample some µs).
  let gc = watchGc();
  const samples = (await fanOutRun(ctx, ids, 1, FAN_UPDATES, { noSampleCpu: true })).lat;
  await gc.stop();
  const lat = samples.map((x) => x.ms);
  tails.push(`fan-out: ${gc.explain(samples)}`);
  gc = watchGc();
  const withCpu = (await fanOutRun(ctx, ids, 2, FAN_UPDATES)).lat;
  await gc.stop();
  const cpuLat = withCpu.map((x) => x.ms);
  tails.push(
    `fan-out with a CPU reading per sample: p50 ${us(percentile(cpuLat, 50))} p99 ${us(percentile(cpuLat, 99))}; ${gc.explain(withCpu)}`,
  );
  await node.close();
  // Map index: Map<year, Set<id>>, move the id and re-list both affected results.
  const years = new Map<number, Set<number>>();
  const cur = data.map((a) => a.year);
  cur.forEach((y, i) => (years.get(y) ?? years.set(y, new Set()).get(y)!).add(i));
  const rnd = random(1);
  const hand: number[] = [];
  let sink = 0;
  for (let i = 0; i < FAN_UPDATES; i++) {
    const at = Math.floor(rnd() * FAN_N);
    const y = 1950 + Math.floor(rnd() * 100);
    const t0 = now();
    years.get(cur[at]!)!.delete(at);
    sink += [...years.get(cur[at]!)!].length;
    cur[at] = y;
    years.get(y)!.add(at);
    sink += [...years.get(y)!].length;
    hand.push(now() - t0);
  }
  if (sink < 0) console.log(sink);
  collectGarbage();
  // TinyBase: an index on year, a listener per year's slice, the same number of warm-up and measured updates.
  const tbM = tinyFanOut('mergeable', data, 1, FAN_WARM_UP, FAN_UPDATES);
  collectGarbage();
  const tb = tinyFanOut('store', data, 1, FAN_WARM_UP, FAN_UPDATES);
  const p50 = percentile(lat, 50);
  const p99 = percentile(lat, 99);
  const tbM50 = percentile(tbM, 50);
  const tb50 = percentile(tb, 50);
  add(
    `100 live year=Y, ${FAN_UPDATES} updates, commit→emit (after ${FAN_WARM_UP})`,
    `p50 ${us(p50)} p99 ${us(p99)}`,
    `TinyBase index listeners: MergeableStore p50 ${us(tbM50)} p99 ${us(percentile(tbM, 99))}, Store p50 ${us(tb50)} p99 ${us(percentile(tb, 99))}; Map index p50 ${us(percentile(hand, 50))} p99 ${us(percentile(hand, 99))}`,
    `p50 ${f(p50 / tbM50, 2)}x MergeableStore, ${f(p50 / tb50, 2)}x Store`,
    'p50 <= TinyBase MergeableStore, p99 <= 300 µs',
    p50 <= tbM50 && p99 <= 0.3,
  );
}

/** A one-pass top-50 over plain rows: the JS limit for `year > 2000 ORDER BY name LIMIT 50`. */
function topK(rows: readonly (AlbumData & { id: string })[]): unknown[] {
  const top: (AlbumData & { id: string })[] = [];
  for (const r of rows) {
    if (!(r.year > 2000)) continue;
    if (top.length === 50) {
      const last = top[49]!;
      if (r.name > last.name || (r.name === last.name && r.id > last.id)) continue;
    }
    let i = top.length;
    while (i > 0 && (top[i - 1]!.name > r.name || (top[i - 1]!.name === r.name && top[i - 1]!.id > r.id)))
      i--;
    top.splice(i, 0, r);
    if (top.length > 50) top.pop();
  }
  return top;
}

/**
 * The median time of each function, called in turn QUERY_RUNS times after two untimed turns; adds a line
 * (`what`) on the GC pauses inside the timed calls of the first one (ours).
 */
async function timeAlternating(what: string, fns: (() => unknown)[]): Promise<number[]> {
  const gc = watchGc();
  const spans: Sample[] = [];
  const xs: number[][] = fns.map(() => []);
  for (let r = 0; r < QUERY_RUNS + 2; r++) {
    for (let j = 0; j < fns.length; j++) {
      const start = performance.now(); // the GC observer's clock
      const t0 = now();
      await fns[j]!();
      if (r < 2) continue;
      const ms = now() - t0;
      xs[j]!.push(ms);
      if (j === 0) spans.push({ start, ms, cpu: NaN });
    }
  }
  await gc.stop();
  tails.push(`${what}: ${gc.inside(spans, 'our fetches')}`);
  return xs.map(median);
}

/** Row 3: ctx.fetch(QUERY) over BIG albums created by the same node, cache full, memory and SQLite. */
async function orderedFetch(dir: string): Promise<void> {
  const data = albums(BIG);
  const plain = data.map((a, i) => ({ id: `01J${i.toString(36).padStart(23, '0')}`, ...a }));
  const mem = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
  const mctx = mem.context();
  await createAll(mctx, PlAlbum, data);
  const db = await rxdb('fetch');
  if (db) await db.col.bulkInsert(rxDocs(data));
  const mango = { selector: { year: { $gt: 2000 } }, sort: [{ name: 'asc' }, { id: 'asc' }], limit: 50 };
  // RxDB answers a repeated find() from its query cache while the collection is unchanged (as a user's
  // repeated query would be); its storage query is what a changed collection costs.
  const rxQuery = (): Promise<unknown> => db!.col.find(mango).exec();
  const { normalizeMangoQuery, prepareQuery } = await import('rxdb');
  const rxStorageQuery = async (): Promise<unknown> => {
    const schema = db!.col.schema.jsonSchema as Parameters<typeof prepareQuery>[0];
    const { documents } = await db!.col.storageInstance.query(
      prepareQuery(schema, normalizeMangoQuery(schema, mango as Parameters<typeof normalizeMangoQuery>[1])),
    );
    if (documents.length !== 50) throw new Error(`RxDB storage query gave ${documents.length} albums`);
    return documents;
  };
  const check = await mctx.fetch(PlAlbum, QUERY);
  const expect = (topK(plain) as { name: string }[]).map((a) => a.name).join();
  if (check.map((a) => a.name).join() !== expect)
    throw new Error('memory fetch differs from the one-pass top-k');
  const tinyQuery = tinyTop50(tinyStore(data));
  if (tinyQuery().join() !== expect) throw new Error('TinyBase query differs from the one-pass top-k');
  const [memMs, jsMs, tinyMs, rxMs, rxStoreMs] = await timeAlternating('fetch, memory', [
    () => mctx.fetch(PlAlbum, QUERY),
    () => topK(plain),
    tinyQuery,
    ...(db ? [rxQuery, rxStorageQuery] : []),
  ]);
  await mem.close();
  if (db) await db.close();
  add(
    `fetch ${QUERY} over ${BIG / 1000}k, same node, memory`,
    `${f(memMs!)} ms`,
    `JS one-pass top-50 ${f(jsMs!, 2)} ms; TinyBase standing query (sorted read) ${f(tinyMs!)} ms; RxDB ${rxMs === undefined ? 'n/a' : `${f(rxMs)} ms from its query cache, ${f(rxStoreMs!)} ms its storage query`}`,
    `${f(memMs! / jsMs!)}x`,
    '<= 5x one-pass top-k',
    memMs! <= 5 * jsMs!,
  );
  for (const [model, label] of [
    [PlAlbum, 'year indexed'],
    [PlAlbumNx, 'no index'],
  ] as const) {
    const file = join(dir, `${label.replace(' ', '-')}.db`);
    const storage = await SqliteStorage.open(file);
    const node = await Node.durable(storage, { models: [model] });
    const ctx = node.context();
    await createAll(ctx, model, data);
    const table = model === PlAlbum ? 'plalbum' : 'plalbumnx';
    // On the storage's own connection (its exclusive lock keeps others out): the same SQL, the same cache.
    const stmt = sqliteHandle(storage).prepare(
      `SELECT "id", "_head", "_state" FROM "${table}" WHERE "year" > ? ORDER BY "name" LIMIT 50`,
    );
    const [ours, sql] = await timeAlternating(`fetch, SQLite, ${label}`, [
      () => ctx.fetch(model, QUERY),
      () => stmt.all(2000),
    ]);
    await node.close();
    add(
      `fetch same query, SQLite, ${label}, same node`,
      `${f(ours!)} ms`,
      `raw SQL (better-sqlite3) ${f(sql!, 2)} ms`,
      `${f(ours! / sql!)}x`,
      '<= 1.5x the same SQL',
      ours! <= 1.5 * sql!,
    );
  }
}

/** Row 4: commits of one insert into a 10,000-character @Text vs raw Yjs (insert + the update it emits). */
async function text(): Promise<void> {
  const initial = 'x'.repeat(10_000);
  const node = await Node.durable(new MemoryStorage(), { models: [PlDoc] });
  const ctx = node.context();
  const trx0 = ctx.begin();
  const id = (await trx0.create(PlDoc, { body: initial })).id;
  await trx0.commit();
  const rnd = random(5);
  let oursCpu = 0;
  let rawCpu = 0;
  const ours = async (n: number): Promise<number> => {
    const c0 = process.cpuUsage();
    const t0 = now();
    for (let i = 0; i < n; i++) {
      const trx = ctx.begin();
      (await trx.edit(PlDoc, id)).text('body').insert(Math.floor(rnd() * 10_000), 'y');
      await trx.commit();
    }
    oursCpu = cpuSince(c0);
    return now() - t0;
  };
  const doc = new Y.Doc();
  doc.getText('t').insert(0, initial);
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  const raw = (n: number): number => {
    const c0 = process.cpuUsage();
    const t0 = now();
    for (let i = 0; i < n; i++) doc.getText('t').insert(Math.floor(rnd() * 10_000), 'y');
    rawCpu = cpuSince(c0);
    return now() - t0;
  };
  await ours(50);
  raw(50);
  // The row is a mean over the commits: a GC pause inside them shows in it, so say how much there was.
  const gc = watchGc();
  // Ours and raw Yjs alternate in blocks, so that a slow spell of the machine weighs on both sides of the ratio.
  const spans: Sample[] = [];
  let o = 0;
  let r = 0;
  let oCpu = 0;
  let rCpu = 0;
  const per = TEXT_COMMITS / TEXT_BLOCKS;
  for (let b = 0; b < TEXT_BLOCKS; b++) {
    const start = performance.now();
    o += await ours(per);
    spans.push({ start, ms: performance.now() - start, cpu: NaN });
    oCpu += oursCpu;
    r += raw(per);
    rCpu += rawCpu;
  }
  await gc.stop();
  tails.push(`text: ${gc.inside(spans, 'our commits')}`);
  await node.close();
  add(
    `${TEXT_COMMITS} commits of 1 insert into 10k-char @Text`,
    `${f((o / TEXT_COMMITS) * 1000, 0)} µs/commit`,
    `raw Yjs ${f((r / TEXT_COMMITS) * 1000, 1)} µs/insert`,
    `${f(o / r, 1)}x (CPU ${f(oCpu / rCpu, 1)}x)`,
    '<= 5x',
    o <= 5 * r,
  );
}

/** Row 5: retained heap of BIG albums, one child process per measurement (--expose-gc). */
function heapRow(): void {
  const child = (kind: string): number | undefined => {
    try {
      const out = execFileSync(
        process.execPath,
        [
          '--expose-gc',
          '-r',
          'ts-node/register/transpile-only',
          '-r',
          'tsconfig-paths/register',
          join(__dirname, 'peers-heap.ts'),
          kind,
          String(BIG),
        ],
        {
          encoding: 'utf8',
          env: { ...process.env, TS_NODE_TRANSPILE_ONLY: 'true' },
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      );
      return (JSON.parse(out) as { bytes: number }).bytes;
    } catch (e) {
      console.log(`  (heap child ${kind} failed: ${(e as Error).message.split('\n')[0]})`);
      return undefined;
    }
  };
  const ours = child('ours') ?? NaN;
  const storage = child('storage') ?? NaN;
  const arr = child('array') ?? NaN;
  const rx = child('rxdb');
  const tiny = child('tinybase');
  const mb = (b: number): string => `${f(b / 1048576)} MB (${Math.round(b / BIG)} B/album)`;
  add(
    `heap holding ${BIG / 1000}k albums, MemoryStorage, after GC`,
    `${mb(ours)}; MemoryStorage alone ${Math.round(storage / BIG)} B/album`,
    `array ${mb(arr)}; RxDB ${rx === undefined ? 'n/a' : mb(rx)}; TinyBase ${tiny === undefined ? 'n/a' : mb(tiny)}`,
    `${f(ours / arr, 2)}x array`,
    '<= 2x plain array',
    ours <= 2 * arr,
  );
}

/** What the tails of the latency rows overlapped, printed after the table. */
export const tails: string[] = [];

/** Runs every row, then prints the table. */
export async function run(): Promise<void> {
  console.log(
    `peers-like${QUICK ? ' (--quick)' : ''}: albums {name 20 chars, artist of 500, year 1950–2049}, seeded`,
  );
  const dir = mkdtempSync(join(tmpdir(), 'ank-peers-'));
  try {
    if (wanted('bulk')) await bulkMemory();
    // Each row starts from a collected heap, not with the garbage of the row before it.
    collectGarbage();
    if (wanted('fanout')) await fanOut();
    collectGarbage();
    if (wanted('window')) tails.push(await window(WIN_UPDATES));
    collectGarbage();
    if (wanted('text')) await text();
    collectGarbage();
    if (wanted('fetch')) await orderedFetch(dir);
    collectGarbage();
    if (wanted('sqlite')) await sqliteBulk(dir);
    collectGarbage();
    if (wanted('heap')) heapRow();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    printTable();
    for (const t of tails) console.log(`  ${t}`);
  }
}
