import { newId } from '../../../src/event/ids';
import { parseSelection } from '../../../src/query/parser';
import { type CollectionSpec } from '../../../src/storage/engine';
import { IndexedDbStorage } from '../../../src/storage/indexeddb/indexeddb-storage';
import { planFetch } from '../../../src/storage/indexeddb/query-plan';
import { oracle } from '../../integration/storage/contract';
import { ALBUMS, buildDataset } from '../../integration/storage/dataset';
import { QUERIES } from '../../integration/storage/queries';

/** The contract's collection with every field indexed: every query below runs through an index plan. */
const ALL_INDEXED: CollectionSpec = {
  name: 'indexed',
  columns: ALBUMS.columns.map((c) => ({ ...c, index: true })),
};

const FIELDS = ['name', 'artist', 'year', 'rating', 'flag', 'released', 'label', 'genre'];

/** Ordered and limited queries over every field (mixed types, nulls, astral and lone-surrogate strings). */
function orderedQueries(): string[] {
  const out: string[] = [];
  for (const f of FIELDS) {
    for (const dir of ['', ' DESC']) {
      for (const limit of [1, 3, 8, 50]) {
        out.push(`true ORDER BY ${f}${dir} LIMIT ${limit}`);
        out.push(`${f} IS NOT NULL ORDER BY ${f}${dir}, name LIMIT ${limit}`);
      }
    }
  }
  out.push(
    "name > 'a' ORDER BY name LIMIT 3",
    "name >= '\uD800' ORDER BY name DESC LIMIT 2",
    "name < '\uFFFF' ORDER BY name LIMIT 4",
    'year > 2000 ORDER BY year LIMIT 3',
    'year > 2000 ORDER BY year DESC LIMIT 2',
    'year BETWEEN 1990 AND 2005 ORDER BY year, name LIMIT 4',
    'year > 2000 ORDER BY name LIMIT 3',
    "artist = 'Muse' ORDER BY year DESC LIMIT 2",
    "artist IN ('Muse', 'Air') ORDER BY name LIMIT 3",
    'rating > 2 ORDER BY rating DESC LIMIT 2',
    "year > 'a' ORDER BY year LIMIT 3",
  );
  return out;
}

/** Index plans give exactly the in-memory evaluator's answer, and are chosen where they should be. */
export function indexPlans(): void {
  describe('indexeddb: index plans agree with the evaluator', () => {
    let engine: IndexedDbStorage;
    const data = buildDataset(ALL_INDEXED.name);

    beforeAll(async () => {
      await IndexedDbStorage.delete('plans');
      engine = await IndexedDbStorage.open('plans');
      // Declared without indexes first: re-declaring with them rebuilds the index of the kept states.
      await engine.ensureCollection({ name: ALL_INDEXED.name, columns: ALBUMS.columns });
      await engine.commit(data);
      await engine.ensureCollection(ALL_INDEXED);
    });

    afterAll(async () => {
      await engine.close();
      await IndexedDbStorage.delete('plans');
    });

    test.each(
      [...QUERIES.map((q) => (typeof q === 'string' ? q : q[0])), ...orderedQueries()].map((q) => [q]),
    )('all fields indexed: %s', async (q) => {
      const i = QUERIES.findIndex((x) => typeof x !== 'string' && x[0] === q);
      const entry = QUERIES[i];
      const sel = entry && typeof entry !== 'string' ? parseSelection(q, entry.slice(1)) : parseSelection(q);
      const got = (await engine.fetchStates(ALL_INDEXED.name, sel)).map((s) => s.id);
      expect(got).toEqual(oracle(data.states, sel));
    });

    test('ordered walks that need several batches agree with the evaluator', async () => {
      const many = { name: 'many', columns: [{ name: 'n', type: 'integer', index: true }] } as const;
      await engine.ensureCollection(many);
      const states = Array.from({ length: 2600 }, (_, i) => {
        const id = newId();
        const values = { n: i % 150, tenth: i % 10 === 0, m: (i * 37) % 101, tie: i % 3 };
        return { id, collection: 'many', head: [id], deleted: false, lww: {}, text: {}, values };
      });
      await engine.commit({ events: [], states });
      for (const q of [
        'tenth = true ORDER BY n LIMIT 7',
        'tenth = true AND n > 20 ORDER BY n LIMIT 9',
        'tenth = true ORDER BY n DESC LIMIT 7',
        'n >= 140 ORDER BY n LIMIT 40',
        'true ORDER BY n LIMIT 250',
        // A range or a scan read in batches (1024, then 2048) into the top-k window (m, tie not indexed).
        'n >= 10 ORDER BY m LIMIT 5',
        'n >= 10 ORDER BY m DESC, n LIMIT 12',
        'n >= 10 ORDER BY tie LIMIT 20',
        'n < 140 ORDER BY tie DESC LIMIT 1500',
        'tenth = false ORDER BY m, tie LIMIT 9',
        'true ORDER BY tie LIMIT 0',
        'n IN (5, 5, 7) ORDER BY tie LIMIT 3',
        'n IN (5, 7, 9) ORDER BY m',
      ]) {
        const sel = parseSelection(q);
        const got = (await engine.fetchStates('many', sel)).map((x) => x.id);
        expect({ q, got }).toEqual({ q, got: oracle(states, sel) });
      }
    });

    test('the planner walks an index for ordered LIMIT queries and reads ranges for conjuncts', () => {
      const tags = new Map<string, 'n' | 's'>([
        ['name', 's'],
        ['year', 'n'],
      ]);
      const kind = (q: string) => planFetch(parseSelection(q), 'album', tags);
      expect(kind('year > 2000 ORDER BY name LIMIT 50')).toMatchObject({ kind: 'ordered', field: 'name' });
      expect(kind('year > 2000 ORDER BY year LIMIT 50')).toMatchObject({ kind: 'ordered', field: 'year' });
      expect(kind('year > 2000 ORDER BY year LIMIT 50')).toHaveProperty('within');
      expect(kind("name = 'x' ORDER BY year LIMIT 5")).toMatchObject({ kind: 'ranges' });
      expect(kind('year > 2000 ORDER BY artist LIMIT 5')).toMatchObject({ kind: 'ranges' });
      expect(kind('artist > 2000')).toMatchObject({ kind: 'scan' });
    });
  });
}
