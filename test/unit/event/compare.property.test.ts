import fc from 'fast-check';
import { clockEquals, clockOf, type Clock } from '../../../src/event/clock';
import { compare, type Relation } from '../../../src/event/compare';
import { reachableTargets } from '../../../src/event/lineage';
import { dagArb } from './arbitraries';
import { COLLECTION, EventLog, antichain, event, idOf } from './dag';

/** The naive answer: inclusive ancestor sets, then set relations; the meet is the maximal common events. */
function reference(
  a: Clock,
  b: Clock,
  ancestors: (id: string) => ReadonlySet<string>,
): { relation: Relation; meet: Clock } {
  const closure = (c: Clock): Set<string> => new Set(c.flatMap((id) => [id, ...ancestors(id)]));
  const ca = closure(a);
  const cb = closure(b);
  if (clockEquals(a, b)) return { relation: 'equal', meet: a };
  if (b.every((id) => ca.has(id))) return { relation: 'descends', meet: b };
  if (a.every((id) => cb.has(id))) return { relation: 'ancestor', meet: a };
  const common = [...ca].filter((id) => cb.has(id));
  if (common.length === 0) return { relation: 'unrelated', meet: clockOf([]) };
  return { relation: 'diverged', meet: antichain(common, ancestors) };
}

const pick = (ids: readonly string[], picks: readonly number[], anc: (id: string) => ReadonlySet<string>) =>
  antichain(
    picks.map((n) => ids[n % ids.length] as string),
    anc,
  );

describe('compare (property tests against naive reachability)', () => {
  it('gives the relation and meet of the reference for random clocks of random DAGs', async () => {
    const seen = new Set<Relation>();
    await fc.assert(
      fc.asyncProperty(
        dagArb(16, 2),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        async (dag, pa, pb) => {
          const log = new EventLog();
          for (const e of dag.events) log.add(e);
          const ids = dag.events.map((e) => e.id);
          const a = pick(ids, pa, dag.ancestors);
          const b = pick(ids, pb, dag.ancestors);
          const got = await compare(COLLECTION, a, b, log);
          const want = reference(a, b, dag.ancestors);
          seen.add(want.relation);
          expect(got).toEqual(want);
        },
      ),
      { numRuns: 300 },
    );
    expect([...seen].sort()).toEqual(['ancestor', 'descends', 'diverged', 'equal', 'unrelated']);
  });

  it('finds exactly the targets in the past of a clock', async () => {
    await fc.assert(
      fc.asyncProperty(
        dagArb(16, 1),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        async (dag, pf, pt) => {
          const log = new EventLog();
          for (const e of dag.events) log.add(e);
          const ids = dag.events.map((e) => e.id);
          const from = pick(ids, pf, dag.ancestors);
          const targets = new Set(pt.map((n) => ids[n % ids.length] as string));
          const closure = new Set(from.flatMap((id) => [id, ...dag.ancestors(id)]));
          const got = await reachableTargets(COLLECTION, from, targets, log);
          expect([...got].sort()).toEqual([...targets].filter((t) => closure.has(t)).sort());
        },
      ),
      { numRuns: 300 },
    );
  });

  it('costs no more than the events between the clocks and their meet', async () => {
    const log = new EventLog();
    log.add(event(idOf(0), []));
    for (let i = 1; i <= 1000; i++) log.add(event(idOf(i), [idOf(i - 1)]));
    for (const depth of [10, 100, 1000]) {
      log.reads = 0;
      const got = await compare(COLLECTION, [idOf(1000 - depth)], [idOf(1000)], log);
      expect(got.relation).toBe('ancestor');
      expect(log.reads).toBeLessThanOrEqual(depth + 1);
    }
  });
});
