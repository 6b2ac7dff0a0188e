import { type EntityState } from '../../../src/entity/entity-state';
import { newId } from '../../../src/event/ids';
import { type Selection } from '../../../src/query/ast';
import { parseSelection } from '../../../src/query/parser';
import { type CollectionSpec, type StorageEngine } from '../../../src/storage/engine';
import { oracle } from './contract';

/** A declared collection for the queries SQL engines found hard (issue 13, item 17). */
const EDGE: CollectionSpec = {
  name: 'edge',
  columns: [
    { name: 'n', type: 'integer', index: true },
    { name: 's', type: 'string', index: false },
    { name: 'r', type: 'number', index: false },
    { name: 'b', type: 'boolean', index: false },
    { name: 'meta', type: 'json', index: false },
  ],
};

/** JSON keys that JSON text escapes (backslash, quote, control character), undeclared fields of both types. */
const ROWS: readonly Readonly<Record<string, unknown>>[] = [
  {
    n: 5,
    s: 'v5',
    r: 0.5,
    b: true,
    meta: { 'a\\b': 1, 'q"k': 2, 't\tk': 3, 'x\\y': { c: 4 }, m: 5 },
    'we\\ird': 'x',
    u: 5,
  },
  { n: 39_999, s: 'a\u0000b', r: 3999.5, b: false, meta: { 'a\\\\b': 1, m: 39_999 }, u: 'v39999' },
  { n: 1, s: 'é', r: 1e300, meta: { 'a\\b': [1, 2], m: '5' }, 'we\\ird': null, u: 1 },
  { n: null, s: '😀', b: true, meta: { 'a/b': 1, 'a\u0001b': 6 }, 'we\\ird': 'y', u: true },
  { n: 40_001, s: 'v40001', r: -2, meta: null, u: 'v2' },
];

const range = (from: number, count: number): number[] => Array.from({ length: count }, (_, i) => from + i);
const chain = (terms: readonly string[], op: string): string => terms.join(` ${op} `);

/** `depth` levels of parentheses alternating OR and AND around `n = 5`, each with a JSON comparison. */
function nested(depth: number): string {
  let q = 'n = 5';
  for (let i = 0; i < depth; i++)
    q = `(${q}) ${i % 2 === 0 ? 'OR' : 'AND'} meta.m ${i % 2 === 0 ? '=' : '>='} ${i}`;
  return q;
}

const MANY = range(2, 40_000);
const MANY_STRINGS = MANY.map((i) => `v${i}`);
const MIXED = MANY.map((i) => (i % 2 === 0 ? i : `v${i}`));

/** [label, text, params]: each is answered on every engine exactly as in memory. */
const QUERIES: readonly (readonly [string, string, readonly unknown[]])[] = [
  ['backslash key in a JSON path', 'meta."a\\b" = 1', []],
  ['backslash key IS NULL', 'meta."a\\b" IS NULL', []],
  ['backslash key IS NOT NULL', 'meta."a\\b" IS NOT NULL', []],
  ['backslash key IN', 'meta."a\\b" IN (1, 2)', []],
  ['double backslash key', 'meta."a\\\\b" = 1', []],
  ['nested under a backslash key', 'meta."x\\y".c = 4', []],
  ['quote in a key', 'meta."q""k" = 2', []],
  ['tab in a key', 'meta."t\tk" = 3', []],
  ['control character in a key', 'meta."a\u0001b" = 6', []],
  ['slash in a key', 'meta."a/b" = 1', []],
  ['undeclared field with a backslash', '"we\\ird" = \'x\'', []],
  ['undeclared field with a backslash IS NULL', '"we\\ird" IS NULL', []],
  ['undeclared field with a backslash NOT IN', '"we\\ird" NOT IN (\'x\')', []],
  ['IN with 40,000 integers', 'n IN ?', [MANY]],
  ['NOT IN with 40,000 integers', 'n NOT IN ?', [MANY]],
  ['IN with 40,000 strings', 's IN ?', [[...MANY_STRINGS, 'a\u0000b', 'é']]],
  ['NOT IN with 40,000 strings', 's NOT IN ?', [MANY_STRINGS]],
  ['IN with 40,000 numbers', 'r IN ?', [[...MANY.map((i) => i + 0.5), 1e300]]],
  ['IN with 200 booleans', 'b IN ?', [range(0, 200).map((i) => i % 2 === 0)]],
  ['IN with 40,000 mixed literals on an integer column', 'n IN ?', [MIXED]],
  ['IN with 40,000 integers on a JSON path', 'meta.m IN ?', [MANY]],
  ['IN with 40,000 mixed literals on a JSON path', 'meta.m IN ?', [[...MIXED, '5']]],
  ['IN with 40,000 mixed literals on an undeclared field', 'u IN ?', [MIXED]],
  ['NOT IN with 40,000 mixed literals on an undeclared field', 'u NOT IN ?', [MIXED]],
  ['IN with 40,000 values and a NULL', 'n NOT IN ?', [[...MANY, null]]],
  [
    'OR of 3,000 comparisons on a column',
    chain(
      range(2, 3000).map((i) => `n = ${i}`),
      'OR',
    ),
    [],
  ],
  [
    'NOT of an OR of 3,000',
    `NOT (${chain(
      range(2, 3000).map((i) => `n = ${i}`),
      'OR',
    )})`,
    [],
  ],
  [
    'AND of 3,000 comparisons',
    chain(
      range(2, 3000).map((i) => `n != ${i}`),
      'AND',
    ),
    [],
  ],
  [
    'OR of 3,000 on an undeclared field',
    chain(
      range(2, 3000).map((i) => `u = ${i}`),
      'OR',
    ),
    [],
  ],
  [
    'OR of 3,000 on a JSON path',
    chain(
      range(2, 3000).map((i) => `meta.m = ${i}`),
      'OR',
    ),
    [],
  ],
  [
    'OR of 3,000 mixed terms',
    chain(
      range(2, 3000).map((i) =>
        i % 3 === 0 ? `s = 'v${i}'` : i % 3 === 1 ? `meta.m >= ${i}` : `u = 'v${i}'`,
      ),
      'OR',
    ),
    [],
  ],
  [
    'OR of 12,000 JSON comparisons (more parameters than SQLite binds)',
    chain(
      range(39_990, 12_000).map((i) => `meta.m = ${i}`),
      'OR',
    ),
    [],
  ],
  ['250 levels of nested AND/OR', nested(250), []],
  ['NOT around 250 levels of nested AND/OR', `NOT (${nested(250)})`, []],
  [
    'OR of 3,000 with ORDER BY and LIMIT',
    `${chain(
      range(0, 3000).map((i) => `n = ${i * 20}`),
      'OR',
    )} OR s = 'é' ORDER BY s DESC LIMIT 2`,
    [],
  ],
];

function states(collection: string): EntityState[] {
  return ROWS.map((values) => {
    const id = newId();
    return { id, collection, head: [id], deleted: false, lww: {}, text: {}, values };
  });
}

/** Queries over JSON keys with escapes, long IN lists and long OR chains: the same answer on every engine. */
export function edgeQueries(engine: () => StorageEngine): void {
  describe('queries SQL finds hard: the same answer as memory', () => {
    const declared = states('edge');
    const loose = states('edge_loose');

    beforeAll(async () => {
      await engine().ensureCollection(EDGE);
      await engine().ensureCollection({ name: 'edge_loose', columns: [] });
      await engine().commit({
        events: [...declared, ...loose].map((s) => ({
          id: s.id,
          entityId: s.id,
          collection: s.collection,
          parents: [],
          operations: { lww: s.values },
        })),
        states: [...declared, ...loose],
      });
    });

    test.each(QUERIES.map((q) => [q[0], q] as const))('%s', async (_label, [, text, params]) => {
      const sel: Selection = parseSelection(text, params);
      for (const [collection, rows] of [
        ['edge', declared],
        ['edge_loose', loose],
      ] as const) {
        const got = await engine().fetchStates(collection, sel);
        expect({ collection, ids: got.map((s) => s.id) }).toEqual({ collection, ids: oracle(rows, sel) });
      }
    });
  });
}
