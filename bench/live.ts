/* Live-query benchmark: fan-out over many indexed queries, an ORDER BY … LIMIT window, memory per query. */
import 'reflect-metadata';
import { type Context, type LiveQuery, MemoryStorage, Node } from 'ankurah';
import { type Entity } from '../src/entity/entity';
import { type ReactorBatch } from '../src/reactor/change';
import { Album } from '../samples/albums/models';
import { now, percentile, random, rate, row } from './stats';
import { internals } from '../test/fixtures/internals';

const N = 10_000;
const UPDATES = 2_000;
const WINDOW_UPDATES = 1_000;
const ARTISTS = 10;

interface Dataset {
  readonly node: Node;
  readonly ctx: Context;
  readonly ids: string[];
  /** Per id: its year, as the bench changes it. */
  readonly years: Map<string, number>;
  readonly artists: Map<string, string>;
}

async function dataset(): Promise<Dataset> {
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const ctx = node.context();
  const trx = ctx.begin();
  const ids: string[] = [];
  const years = new Map<string, number>();
  const artists = new Map<string, string>();
  for (let i = 0; i < N; i++) {
    const year = 1950 + (i % 100);
    const artist = `A${Math.floor(i / 100) % ARTISTS}`;
    const m = await trx.create(Album, { name: `Album ${i}`, artist, year, notes: '' });
    ids.push(m.id);
    years.set(m.id, year);
    artists.set(m.id, artist);
  }
  await trx.commit();
  return { node, ctx, ids, years, artists };
}

/** Times the reactor's share of each commit (routing, result upkeep, emission), one sample per commit. */
function meterReactor(node: Node): { readonly samples: number[]; readonly stop: () => void } {
  const reactor = internals(node).reactor;
  const apply = reactor.apply.bind(reactor);
  const samples: number[] = [];
  reactor.apply = (b: ReactorBatch): void => {
    const t0 = now();
    apply(b);
    samples.push(now() - t0);
  };
  return { samples, stop: () => void (reactor.apply = apply) };
}

interface FanOut {
  readonly p50: number;
  readonly p99: number;
  readonly wall: number;
  /** Median reactor time per update (the mean is dominated by GC pauses on a busy machine). */
  readonly reactorPerUpdate: number;
  readonly reactorMean: number;
  readonly emissions: number;
}

/** Moves random albums to random years, one commit each; latency is commit start → a query's emission. */
async function fanOut(d: Dataset, queries: LiveQuery<Album>[], seed: number): Promise<FanOut> {
  const latencies: number[] = [];
  let t0 = 0;
  for (const q of queries) q.subscribe((c) => !c.initial && latencies.push(now() - t0));
  await Promise.all(queries.map((q) => q.loaded));
  const meter = meterReactor(d.node);
  const rnd = random(seed);
  const start = now();
  for (let i = 0; i < UPDATES; i++) {
    const id = d.ids[Math.floor(rnd() * d.ids.length)] as string;
    const year = 1950 + Math.floor(rnd() * 100);
    const trx = d.ctx.begin();
    (await trx.edit(Album, id)).year = year;
    t0 = now();
    await trx.commit();
  }
  const wall = now() - start;
  meter.stop();
  queries.forEach((q) => q.unsubscribe());
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    wall,
    reactorPerUpdate: percentile(meter.samples, 50),
    reactorMean: meter.samples.reduce((a, b) => a + b, 0) / meter.samples.length,
    emissions: latencies.length,
  };
}

/** The same bookkeeping by hand: a Map<year, Set<id>> index, re-listing the two affected results. */
function handIndex(d: Dataset, seed: number, byArtist: boolean): number {
  const key = (year: number, artist: string): string => (byArtist ? `${year}/${artist}` : String(year));
  const index = new Map<string, Set<string>>();
  const years = new Map(d.years);
  for (const [id, y] of years) {
    const k = key(y, d.artists.get(id) as string);
    let s = index.get(k);
    if (!s) index.set(k, (s = new Set()));
    s.add(id);
  }
  const rnd = random(seed);
  let sink = 0;
  const start = now();
  for (let i = 0; i < UPDATES; i++) {
    const id = d.ids[Math.floor(rnd() * d.ids.length)] as string;
    const year = 1950 + Math.floor(rnd() * 100);
    const artist = d.artists.get(id) as string;
    const from = index.get(key(years.get(id) as number, artist)) as Set<string>;
    from.delete(id);
    sink += [...from].length;
    let to = index.get(key(year, artist));
    if (!to) index.set(key(year, artist), (to = new Set()));
    to.add(id);
    years.set(id, year);
    sink += [...to].length;
  }
  const ms = now() - start;
  if (sink < 0) console.log(sink);
  return ms / UPDATES;
}

/**
 * The reactor alone, warmed up: re-applies single-entity batches (each re-lists and emits one ~100-item
 * result) without commits in between, so storage, GC pressure from commits and JIT warm-up stay out.
 */
async function steadyDispatch(d: Dataset): Promise<number> {
  const qs = Array.from({ length: 100 }, (_, y) => d.ctx.query(Album, 'year = ?', 1950 + y));
  await Promise.all(qs.map((q) => q.loaded));
  let emitted = 0;
  qs.forEach((q) => q.subscribe(() => emitted++));
  const entities = await internals(d.node).fetchEntities('album', {
    predicate: { kind: 'true', span: { start: 0, end: 0 } },
    orderBy: [],
  });
  let best = Infinity;
  for (let round = 0; round < 5; round++) {
    const t0 = now();
    for (let i = 0; i < UPDATES; i++) {
      internals(d.node).reactor.apply({
        changes: [{ entity: entities[(i * 7919) % entities.length] as Entity, before: null }],
      });
    }
    best = Math.min(best, (now() - t0) / UPDATES);
  }
  qs.forEach((q) => q.unsubscribe());
  if (emitted < UPDATES) throw new Error('dispatch emitted too little');
  return best;
}

/** Commits the same updates with no live query open: the cost the reactor adds to. */
async function commitsAlone(d: Dataset, seed: number): Promise<number> {
  const rnd = random(seed);
  const start = now();
  for (let i = 0; i < UPDATES; i++) {
    const id = d.ids[Math.floor(rnd() * d.ids.length)] as string;
    const trx = d.ctx.begin();
    (await trx.edit(Album, id)).year = 1950 + Math.floor(rnd() * 100);
    await trx.commit();
  }
  return now() - start;
}

async function windowed(
  d: Dataset,
): Promise<{ p50: number; p99: number; emitted: number; fills: number; wall: number }> {
  const q = d.ctx.query(Album, 'year > 2000 ORDER BY name LIMIT 50');
  let fills = 0;
  const fetch = internals(d.node).fetchEntities.bind(internals(d.node));
  internals(d.node).fetchEntities = (c, s) => {
    fills++;
    return fetch(c, s);
  };
  await q.loaded;
  fills = 0;
  const latencies: number[] = [];
  let t0 = 0;
  q.subscribe((c) => !c.initial && latencies.push(now() - t0));
  const rnd = random(7);
  const start = now();
  for (let i = 0; i < WINDOW_UPDATES; i++) {
    // Half the edits target the window's own rows, so items move within, into and out of it.
    const inWindow = rnd() < 0.5 && q.items.length > 0;
    const id = inWindow
      ? (q.items[Math.floor(rnd() * q.items.length)]?.id as string)
      : (d.ids[Math.floor(rnd() * N)] as string);
    const trx = d.ctx.begin();
    const m = await trx.edit(Album, id);
    if (rnd() < 0.5) m.name = `Album ${Math.floor(rnd() * N)}`;
    else m.year = 1950 + Math.floor(rnd() * 100);
    t0 = now();
    await trx.commit();
    await q.settled();
  }
  const wall = now() - start;
  const fresh = await d.ctx.fetch(Album, 'year > 2000 ORDER BY name LIMIT 50');
  if (fresh.map((v) => v.id).join() !== q.items.map((v) => v.id).join())
    throw new Error('window drifted from fetch');
  q.unsubscribe();
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    emitted: latencies.length,
    fills,
    wall,
  };
}

function heap(): number {
  (globalThis as { gc?: () => void }).gc?.();
  return process.memoryUsage().heapUsed;
}

async function memoryPerQuery(d: Dataset): Promise<{ empty: number; tenItems: number }> {
  const measure = async (selection: (i: number) => [string, ...unknown[]]): Promise<number> => {
    const before = heap();
    const qs: LiveQuery<Album>[] = [];
    for (let i = 0; i < 1000; i++) qs.push(d.ctx.query(Album, ...selection(i)));
    await Promise.all(qs.map((q) => q.loaded));
    const after = heap();
    qs.forEach((q) => q.unsubscribe());
    return (after - before) / 1000;
  };
  await measure((i) => ['year = ?', 3000 + i]); // warm-up
  const empty = await measure((i) => ['year = ?', 3000 + i]);
  const tenItems = await measure((i) => [
    'year = ? AND artist = ?',
    1950 + (i % 100),
    `A${Math.floor(i / 100) % ARTISTS}`,
  ]);
  return { empty, tenItems };
}

export async function run(): Promise<void> {
  const d = await dataset();
  const alone = await commitsAlone(d, 3);
  const q100 = (): LiveQuery<Album>[] =>
    Array.from({ length: 100 }, (_, y) => d.ctx.query(Album, 'year = ?', 1950 + y));
  await fanOut(d, q100(), 9); // warm-up, so neither case pays for JIT compilation
  const f100 = await fanOut(d, q100(), 1);
  const q1000 = Array.from({ length: 1000 }, (_, i) =>
    d.ctx.query(Album, 'year = ? AND artist = ?', 1950 + (i % 100), `A${Math.floor(i / 100) % ARTISTS}`),
  );
  const f1000 = await fanOut(d, q1000, 2);
  const steady = await steadyDispatch(d);
  const best = (f: () => number): number => Math.min(...Array.from({ length: 5 }, f));
  const hand100 = best(() => handIndex(d, 1, false));
  const hand1000 = best(() => handIndex(d, 2, true));

  console.log(
    `live: ${N.toLocaleString('en-US')} albums, MemoryStorage, durable node; ${UPDATES} single-field updates, one commit each`,
  );
  row('fan-out', 'p50 ms', 'p99 ms', 'updates/s', 'reactor µs p50', 'reactor µs mean', 'x hand index');
  row('commits, no live query (reference)', '', '', rate(UPDATES, alone), '', '', '');
  for (const [label, f, hand] of [
    ['100 queries  year = Y', f100, hand100],
    ['1,000 queries  year = Y AND artist = A', f1000, hand1000],
  ] as const) {
    const us = (ms: number): string => (ms * 1000).toFixed(1);
    row(
      label,
      f.p50.toFixed(3),
      f.p99.toFixed(3),
      rate(UPDATES, f.wall),
      us(f.reactorPerUpdate),
      us(f.reactorMean),
      (f.reactorPerUpdate / hand).toFixed(1),
    );
  }
  row(
    'baseline: hand Map<year, Set<id>> index, 100 results',
    '',
    '',
    '',
    '',
    (hand100 * 1000).toFixed(2),
    '1.0',
  );
  row(
    'baseline: hand Map<year/artist, Set<id>>, 1,000 results',
    '',
    '',
    '',
    '',
    (hand1000 * 1000).toFixed(2),
    '1.0',
  );
  row(
    'reactor alone, warm: route + re-list + emit one result',
    '',
    '',
    '',
    '',
    (steady * 1000).toFixed(2),
    (steady / hand100).toFixed(1),
  );
  const ratio = f1000.reactorPerUpdate / f100.reactorPerUpdate;
  console.log(
    `  reactor cost per update (median), 1,000 vs 100 queries: ${ratio.toFixed(2)}x (must stay under 2x: indexed, not linear)`,
  );
  console.log(`  emissions: ${f100.emissions} (100 queries), ${f1000.emissions} (1,000 queries)`);

  const w = await windowed(d);
  row(
    'ordered window: year > 2000 ORDER BY name LIMIT 50',
    'p50 ms',
    'p99 ms',
    'updates/s',
    'emissions',
    'storage fills',
  );
  row(
    `${WINDOW_UPDATES} updates (half on window rows)`,
    w.p50.toFixed(3),
    w.p99.toFixed(3),
    rate(WINDOW_UPDATES, w.wall),
    w.emitted,
    w.fills,
  );

  const m = await memoryPerQuery(d);
  const gc = typeof (globalThis as { gc?: unknown }).gc === 'function';
  console.log(
    `  memory per open live query (heapUsed delta over 1,000 queries, approximate${gc ? ', after gc' : '; run node with --expose-gc for steadier figures'}):`,
  );
  row('empty result', `${(m.empty / 1024).toFixed(1)} KiB`);
  row('~10 items (year = Y AND artist = A)', `${(m.tenItems / 1024).toFixed(1)} KiB`);
  await d.node.close();
}
