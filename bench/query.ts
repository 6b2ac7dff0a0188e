import { performance } from 'node:perf_hooks';
import { compilePredicate } from '../src/query/evaluate';
import { parseSelection } from '../src/query/parser';

const RECORDS = 100_000;
const ROUNDS = 20;
const ARTISTS = ['Muse', 'Prince', 'Björk', 'Radiohead', 'Portishead', 'Massive Attack', 'Air', 'Beck'];
const SELECTED = ARTISTS.slice(0, 5);
const QUERY = `year > 2000 AND artist IN (${SELECTED.map((a) => `'${a}'`).join(', ')}) AND name >= 'm'`;

const PARSE_QUERIES = [
  "name = 'Origin of Symmetry'",
  "year > 1985 AND (artist = 'Muse' OR artist IN ('Prince', 'Björk'))",
  'rating IS NULL ORDER BY year DESC, name LIMIT 20',
  "NOT (year < 2000) AND meta.tags = 'live' AND label.name = 'Warp'",
  QUERY,
];

type Row = Readonly<Record<string, unknown>>;

/** Prints AnkQL parse rate and compiled-evaluation speed against a hand-written closure. */
export async function run(): Promise<void> {
  console.log('query: AnkQL parse and evaluation');
  benchParse();
  benchEvaluate();
}

function benchParse(): void {
  let n = 0;
  const start = performance.now();
  while (performance.now() - start < 1000) {
    for (const q of PARSE_QUERIES) parseSelection(q);
    n += PARSE_QUERIES.length;
  }
  const secs = (performance.now() - start) / 1000;
  console.log(`  parse: ${fmt(n / secs)} queries/s (mix of ${PARSE_QUERIES.length} queries, ~70 chars each)`);
}

function benchEvaluate(): void {
  const records = generate(RECORDS);
  const compiled = compilePredicate(parseSelection(QUERY).predicate);
  const artists = new Set(SELECTED);
  const handWritten = (r: Row): boolean =>
    typeof r.year === 'number' &&
    r.year > 2000 &&
    artists.has(r.artist as string) &&
    typeof r.name === 'string' &&
    r.name >= 'm';
  const expected = count(records, handWritten);
  if (count(records, compiled) !== expected) throw new Error('compiled and hand-written results differ');
  // Interleave the two so JIT warm-up and GC noise fall on both equally; keep the best round of each.
  let bestCompiled = Infinity;
  let bestHand = Infinity;
  for (let round = 0; round < ROUNDS; round++) {
    bestCompiled = Math.min(bestCompiled, time(records, compiled));
    bestHand = Math.min(bestHand, time(records, handWritten));
  }
  console.log(`  evaluate: ${QUERY}`);
  console.log(`    over ${fmt(RECORDS)} records, ${fmt(expected)} selected, best of ${ROUNDS} rounds`);
  console.log(
    `    compiled:     ${bestCompiled.toFixed(2)} ms (${fmt((RECORDS / bestCompiled) * 1000)} records/s)`,
  );
  console.log(`    hand-written: ${bestHand.toFixed(2)} ms (${fmt((RECORDS / bestHand) * 1000)} records/s)`);
  console.log(`    ratio compiled/hand-written: ${(bestCompiled / bestHand).toFixed(2)}x (target <= 2x)`);
}

function generate(n: number): Row[] {
  let seed = 42;
  const rand = (): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed / 0x80000000;
  };
  const rows: Row[] = [];
  for (let i = 0; i < n; i++) {
    const name = String.fromCharCode(97 + Math.floor(rand() * 26)) + Math.floor(rand() * 1e6).toString(36);
    const artist = ARTISTS[Math.floor(rand() * ARTISTS.length)];
    rows.push({ id: i.toString(36).padStart(8, '0'), name, artist, year: 1960 + Math.floor(rand() * 65) });
  }
  return rows;
}

function count(records: readonly Row[], f: (r: Row) => boolean): number {
  let n = 0;
  for (const r of records) if (f(r)) n++;
  return n;
}

function time(records: readonly Row[], f: (r: Row) => boolean): number {
  const start = performance.now();
  count(records, f);
  return performance.now() - start;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}
