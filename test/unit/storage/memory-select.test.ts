import { type EntityState } from '../../../src/entity/entity-state';
import { parseSelection } from '../../../src/query/parser';
import { compiledSelection, queryRow } from '../../../src/storage/memory-storage';
import { selectStates } from '../../../src/storage/memory/select';

function states(n: number, seed: number): { state: EntityState }[] {
  let s = seed;
  const rnd = (m: number): number => {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    return s % m;
  };
  return Array.from({ length: n }, (_, i) => {
    const values: Record<string, unknown> = { name: `n${rnd(20)}`, year: 1990 + rnd(30) };
    if (rnd(5) === 0) delete values.name;
    const id = `id${String(rnd(1000)).padStart(4, '0')}${i}`;
    return { state: { id, collection: 'c', head: [id], deleted: rnd(10) === 0, lww: {}, text: {}, values } };
  });
}

/** The reference answer: every match as a query row, fully sorted, then cut. */
function reference(records: { state: EntityState }[], text: string): string[] {
  const sel = parseSelection(text);
  const { match, order } = compiledSelection(sel);
  const rows = records
    .map((r) => r.state)
    .filter((st) => !st.deleted && match(queryRow(st)))
    .sort((a, b) => order(queryRow(a), queryRow(b)));
  return rows.slice(0, sel.limit ?? rows.length).map((st) => st.id);
}

describe('memory selection (bounded top-k)', () => {
  const queries = [
    'year > 2000 ORDER BY name LIMIT 5',
    'year > 2000 ORDER BY name DESC, year LIMIT 17',
    'true ORDER BY year LIMIT 1',
    'year >= 1990 ORDER BY name LIMIT 0',
    'year < 2010 ORDER BY name LIMIT 5000',
    "id > 'id05' ORDER BY year DESC LIMIT 9",
    'year > 1995 ORDER BY id DESC LIMIT 12',
    'name IS NULL LIMIT 3',
    'year > 2000 ORDER BY name',
  ];
  for (const q of queries) {
    it(`gives the fully sorted answer for ${q}`, () => {
      for (const seed of [1, 2, 3]) {
        const records = states(400, seed);
        expect(selectStates(records, parseSelection(q)).map((st) => st.id)).toEqual(reference(records, q));
      }
    });
  }
});
