import fc from 'fast-check';
import { type Context, type LiveQuery, MemoryStorage, Node } from 'ankurah';
import { type StorageEngine } from 'ankurah/spi';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';

const SELECTIONS = [
  'year > 2000 ORDER BY name LIMIT 5',
  'year = 2001',
  "artist IN ('a', 'b') ORDER BY year DESC, name",
  'true ORDER BY year LIMIT 3',
  "year >= 2000 AND artist = 'c' ORDER BY name DESC LIMIT 2",
  "year < 2002 OR name = 'n1'",
];

type Op =
  | { kind: 'create'; name: string; year: number; artist: string }
  | { kind: 'edit'; at: number; field: 'name' | 'year' | 'artist'; value: string | number }
  | { kind: 'delete'; at: number };

// Small domains so names, years and artists collide often (ties, moves across window edges).
const name = fc.constantFrom('n0', 'n1', 'n2', 'n3');
const year = fc.integer({ min: 1999, max: 2003 });
const artist = fc.constantFrom('a', 'b', 'c');
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('create' as const), name, year, artist }) },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.record({
        kind: fc.constant('edit' as const),
        at: fc.nat(),
        field: fc.constant('name' as const),
        value: name,
      }),
      fc.record({
        kind: fc.constant('edit' as const),
        at: fc.nat(),
        field: fc.constant('year' as const),
        value: year,
      }),
      fc.record({
        kind: fc.constant('edit' as const),
        at: fc.nat(),
        field: fc.constant('artist' as const),
        value: artist,
      }),
    ),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }) },
);
// A commit holds one to three operations.
const commits = fc.array(fc.array(op, { minLength: 1, maxLength: 3 }), { minLength: 20, maxLength: 40 });

async function apply(ctx: Context, live: string[], ops: readonly Op[]): Promise<void> {
  const trx = ctx.begin();
  const touched = new Set<string>();
  for (const o of ops) {
    if (o.kind === 'create') {
      live.push((await trx.create(Album, { name: o.name, year: o.year, artist: o.artist, notes: '' })).id);
      continue;
    }
    const id = live[o.at % Math.max(1, live.length)];
    if (id === undefined || touched.has(id)) continue;
    touched.add(id);
    if (o.kind === 'delete') {
      await trx.delete(Album, id);
      live.splice(live.indexOf(id), 1);
    } else {
      const m = await trx.edit(Album, id);
      Object.assign(m, { [o.field]: o.value });
    }
  }
  await trx.commit();
}

/** Checks that each ChangeSet turns the previous ids into the new items, with exactly one change per entity. */
function checkChangeSets(q: LiveQuery<Album>): () => void {
  let prev: string[] | undefined;
  let problem: string | undefined;
  q.subscribe((c) => {
    const now = c.items.map((v) => v.id);
    const seen = new Set<string>();
    for (const ch of c.changes) {
      if (seen.has(ch.view.id)) problem ??= `two changes for ${ch.view.id}`;
      seen.add(ch.view.id);
    }
    if (prev === undefined) {
      if (!c.initial) problem ??= 'first ChangeSet not initial';
    } else {
      if (c.changes.length === 0) problem ??= 'empty ChangeSet';
      const expected = new Set(prev);
      for (const ch of c.changes) {
        if (ch.kind === 'remove') expected.delete(ch.view.id);
        if (ch.kind === 'add') expected.add(ch.view.id);
        if (ch.kind === 'update' && !prev.includes(ch.view.id)) problem ??= `update of absent ${ch.view.id}`;
      }
      if ([...expected].sort().join() !== [...now].sort().join())
        problem ??= `changes do not explain the items`;
    }
    prev = now;
  });
  return () => {
    if (problem) throw new Error(problem);
  };
}

const RUNS: {
  engine: string;
  open: () => Promise<StorageEngine>;
  slack: number | undefined;
  runs: number;
}[] = [
  { engine: 'memory', open: async () => new MemoryStorage(), slack: 0, runs: 50 },
  { engine: 'memory', open: async () => new MemoryStorage(), slack: undefined, runs: 50 },
  { engine: 'sqlite', open: () => SqliteStorage.open(':memory:'), slack: 0, runs: 15 },
];

describe('live results equal a fresh fetch after every commit (fast-check)', () => {
  for (const { engine, open, slack, runs } of RUNS) {
    const buffer =
      slack === 0 ? 'no window buffer (every gap fill reads storage)' : 'the default window buffer';
    it(`on ${engine} with ${buffer}`, async () => {
      await fc.assert(
        fc.asyncProperty(commits, async (batches) => {
          const node = await Node.durable(await open(), { models: [Album] });
          internals(node).reactor.windowSlack = slack;
          const ctx = node.context();
          const live: string[] = [];
          try {
            // Some data before the queries start, the rest while they run.
            const split = Math.floor(batches.length / 3);
            for (const b of batches.slice(0, split)) await apply(ctx, live, b);
            const queries = SELECTIONS.map((s) => ctx.query(Album, s));
            const checks = queries.map(checkChangeSets);
            for (const b of batches.slice(split)) {
              await apply(ctx, live, b);
              for (const [i, q] of queries.entries()) {
                await q.settled();
                const fresh = await ctx.fetch(Album, SELECTIONS[i]!);
                expect({ selection: SELECTIONS[i], ids: q.items.map((v) => v.id) }).toEqual({
                  selection: SELECTIONS[i],
                  ids: fresh.map((v) => v.id),
                });
              }
            }
            checks.forEach((check) => check());
          } finally {
            await node.close();
          }
        }),
        { numRuns: runs, seed: 6060 },
      );
    });
  }
});

describe('live results stay exact under overlapping commits, loads and updates (fast-check)', () => {
  it('on memory and sqlite, with no window buffer', async () => {
    for (const { open, runs } of [
      { open: async (): Promise<StorageEngine> => new MemoryStorage(), runs: 30 },
      { open: (): Promise<StorageEngine> => SqliteStorage.open(':memory:'), runs: 10 },
    ]) {
      await fc.assert(
        fc.asyncProperty(commits, fc.nat(), async (batches, pick) => {
          const node = await Node.durable(await open(), { models: [Album] });
          internals(node).reactor.windowSlack = 0;
          const ctx = node.context();
          const live: string[] = [];
          try {
            const queries: { q: LiveQuery<Album>; text: string }[] = [];
            for (let i = 0; i < batches.length; i += 3) {
              // A new query and a selection switch start while three commits race each other.
              const text = SELECTIONS[(pick + i) % SELECTIONS.length]!;
              queries.push({ q: ctx.query(Album, text), text });
              const moved = queries[(pick + i) % queries.length]!;
              moved.text = SELECTIONS[(pick + i + 1) % SELECTIONS.length]!;
              const switched = moved.q.update(moved.text);
              // Concurrent edits may hit an entity another commit just deleted: that commit fails, fine.
              await Promise.allSettled(batches.slice(i, i + 3).map((b) => apply(ctx, live, b)));
              await switched;
              for (const { q, text } of queries) {
                await q.settled();
                const fresh = await ctx.fetch(Album, text);
                expect({ text, ids: q.items.map((v) => v.id) }).toEqual({
                  text,
                  ids: fresh.map((v) => v.id),
                });
              }
            }
          } finally {
            await node.close();
          }
        }),
        { numRuns: runs, seed: 6061 },
      );
    }
  });
});
