import fc from 'fast-check';
import { type Entity } from '../../../src/entity/entity';
import { type Selection } from '../../../src/query/ast';
import { compilePredicate } from '../../../src/query/evaluate';
import { compareRecords } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { rowOf } from '../../../src/reactor/change';
import { type ResultDiff } from '../../../src/reactor/result-diff';
import { FakeEntity, testReactor } from './support';

const QUERIES = ['year > 1 ORDER BY name LIMIT 3', 'true ORDER BY year DESC, name LIMIT 4', 'year < 3'];

/** The changes a result's emission must carry: removals in old order, then additions and updates in new order. */
function expected(prev: readonly string[], next: readonly string[], batch: ReadonlySet<string>): string[] {
  const out = prev.filter((id) => !next.includes(id)).map((id) => `remove ${id}`);
  for (const id of next) {
    if (!prev.includes(id)) out.push(`add ${id}`);
    else if (batch.has(id)) out.push(`update ${id}`);
  }
  return out;
}

const edit = fc.record({
  at: fc.nat(11),
  name: fc.constantFrom('a', 'b', 'c', 'd'),
  year: fc.integer({ min: 0, max: 4 }),
  deleted: fc.boolean(),
});
const batches = fc.array(fc.array(edit, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 30 });

describe('live result diffs (fast-check against a naive reference)', () => {
  for (const text of QUERIES) {
    it(`are exact and in order for ${text}`, async () => {
      await fc.assert(
        fc.asyncProperty(batches, fc.integer({ min: 0, max: 3 }), async (bs, slack) => {
          const { reactor, emit } = testReactor();
          reactor.windowSlack = slack;
          const es = Array.from(
            { length: 12 },
            (_, i) => new FakeEntity(`e${i}`, { name: 'a', year: i % 5 }),
          );
          const sel = parseSelection(text);
          let fetches = 0;
          const fetch = (s: Selection): Promise<Entity[]> => {
            fetches++;
            const match = compilePredicate(s.predicate);
            const order = compareRecords(s.orderBy);
            const hits = es
              .filter((e) => !e.deleted && match(rowOf(e.asEntity())!))
              .sort((a, b) => order(rowOf(a.asEntity())!, rowOf(b.asEntity())!))
              .map((e) => e.asEntity());
            return Promise.resolve(s.limit === undefined ? hits : hits.slice(0, s.limit));
          };
          const diffs: ResultDiff[] = [];
          const r = reactor.subscribe('album', sel, fetch, {
            next: (d) => diffs.push(d),
            error: (e) => {
              throw e;
            },
            complete: () => undefined,
          });
          await r.settled();
          for (const b of bs) {
            const prev = r.items.map((e) => e.id);
            const before = diffs.length;
            const fetched = fetches;
            const touched = new Map<string, FakeEntity>();
            for (const { at, name, year, deleted } of b) {
              const e = es[at]!;
              e.set({ name, year });
              e.deleted = deleted;
              touched.set(e.id, e);
            }
            emit(...touched.values());
            await r.settled();
            // A gap fill also reports shown items whose position moved as updates (see LiveResult#touchMoved).
            const filled = fetches > fetched;
            const next = (await fetch(sel)).map((e) => e.id);
            const want = expected(prev, next, new Set(touched.keys()));
            const got = diffs.slice(before).map((d) => ({
              ...d,
              changes: d.changes.filter((c) => !filled || c.kind !== 'update' || touched.has(c.entity.id)),
            }));
            expect(got.map((d) => d.items.map((e) => e.id))).toEqual(want.length ? [next] : []);
            if (text.includes('ORDER BY'))
              expect(got.map((d) => d.changes.map((c) => `${c.kind} ${c.entity.id}`))).toEqual(
                want.length ? [want] : [],
              );
            else
              expect(got.flatMap((d) => d.changes.map((c) => `${c.kind} ${c.entity.id}`)).sort()).toEqual(
                want.sort(),
              );
          }
          r.close();
        }),
        { numRuns: 150, seed: 1818 },
      );
    });
  }
});
