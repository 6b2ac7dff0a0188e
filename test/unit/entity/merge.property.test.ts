import fc from 'fast-check';
import { Entity } from '../../../src/entity/entity';
import { type Event } from '../../../src/event/event';
import { dagArb, type DagCase } from '../event/arbitraries';
import { COLLECTION, EventLog, antichain, idOf, linearExtension } from '../event/dag';

/** The expected state, computed naively from the whole event set. */
function reference(dag: DagCase): { head: readonly string[]; values: Record<string, unknown> } {
  const values: Record<string, unknown> = {};
  for (const field of ['a', 'b', 'c']) {
    const writes = dag.events.filter((e) => e.operations.lww && field in e.operations.lww);
    const standing = writes.filter((w) => !writes.some((o) => dag.ancestors(o.id).has(w.id)));
    const best = standing.sort((x, y) => (x.id < y.id ? 1 : -1))[0];
    if (best) values[field] = best.operations.lww?.[field];
  }
  return {
    head: antichain(
      dag.events.map((e) => e.id),
      dag.ancestors,
    ),
    values,
  };
}

async function replay(events: readonly Event[], log: EventLog): Promise<Entity> {
  const e = new Entity({ id: idOf(0), collection: COLLECTION });
  for (const ev of events) await e.applyEvent(ev, log);
  return e;
}

function logOf(events: readonly Event[]): EventLog {
  const log = new EventLog();
  for (const e of events) log.add(e);
  return log;
}

describe('merge (property tests)', () => {
  it('gives the reference state in every parents-first order (commutativity)', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb(14), fc.array(fc.nat()), fc.array(fc.nat()), async (dag, o1, o2) => {
        const log = logOf(dag.events);
        const x = await replay(linearExtension(dag.events, o1), log);
        const y = await replay(linearExtension(dag.events, o2), log);
        const want = reference(dag);
        expect(x.head).toEqual(want.head);
        expect(x.values()).toEqual(want.values);
        expect(y.state()).toEqual(x.state());
      }),
      { numRuns: 300 },
    );
  });

  it('gives the same state after reloading from a persisted state midway (cover index rebuilt by walks)', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb(14), fc.array(fc.nat()), fc.nat(), async (dag, order, cut) => {
        const log = logOf(dag.events);
        const events = linearExtension(dag.events, order);
        const k = cut % (events.length + 1);
        const first = await replay(events.slice(0, k), log);
        const reloaded = new Entity(first.state());
        for (const ev of events.slice(k)) await reloaded.applyEvent(ev, log);
        const want = reference(dag);
        expect(reloaded.head).toEqual(want.head);
        expect(reloaded.values()).toEqual(want.values);
      }),
      { numRuns: 200 },
    );
  });

  it('ignores re-delivered events (idempotence) and keeps the head an antichain', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb(14), fc.array(fc.nat()), fc.array(fc.nat()), async (dag, order, again) => {
        const log = logOf(dag.events);
        const e = await replay(linearExtension(dag.events, order), log);
        const before = e.state();
        for (const n of again) {
          const ev = dag.events[n % dag.events.length] as Event;
          const r = await e.applyEvent(ev, log, { verifyUnseen: true });
          expect(r).toEqual({ outcome: 'noop', changed: false });
        }
        expect(e.state()).toEqual(before);
        expect(e.head).toEqual(antichain(e.head, dag.ancestors));
      }),
      { numRuns: 200 },
    );
  });

  it('converges with deletes: deleted exactly when a tombstone was applied, whatever the order', async () => {
    await fc.assert(
      fc.asyncProperty(dagArb(14, 1, true), fc.array(fc.nat()), fc.array(fc.nat()), async (dag, o1, o2) => {
        const log = logOf(dag.events);
        const outcome = async (order: readonly number[]): Promise<unknown> => {
          const e = new Entity({ id: idOf(0), collection: COLLECTION });
          const rejected: string[] = [];
          const tombstones = new Set<string>();
          for (const ev of linearExtension(dag.events, order)) {
            // An event that descends from a rejected one is rejected too (its parents are missing here).
            if (ev.parents.some((p) => rejected.includes(p))) {
              rejected.push(ev.id);
              continue;
            }
            try {
              await e.applyEvent(ev, log);
              if (ev.operations.delete) tombstones.add(ev.id);
            } catch {
              rejected.push(ev.id);
            }
          }
          const afterDelete = dag.events.filter(
            (ev) => !ev.operations.delete && [...dag.ancestors(ev.id)].some((a) => tombstones.has(a)),
          );
          for (const ev of afterDelete) expect(rejected).toContain(ev.id);
          return { state: e.state(), rejected: rejected.sort() };
        };
        expect(await outcome(o1)).toEqual(await outcome(o2));
      }),
      { numRuns: 200 },
    );
  });
});
