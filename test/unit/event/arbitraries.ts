import fc from 'fast-check';
import { type Event, type Operations } from '../../../src/event/event';
import { ancestorSets, antichain, event, idOf } from './dag';

/** A random DAG of one entity: event i picks its parents among events 0..i-1 (reduced to an antichain). */
export interface DagCase {
  readonly events: readonly Event[];
  readonly ancestors: (id: string) => ReadonlySet<string>;
}

const writeArb = fc.option(
  fc.record({
    field: fc.constantFrom('a', 'b', 'c'),
    value: fc.integer({ min: 0, max: 2 }),
    del: fc.integer({ min: 0, max: 19 }),
  }),
  { nil: undefined },
);

/** DAGs of 1..max events with LWW writes from a small domain (ties and repeated values are common). */
export function dagArb(max = 14, roots = 1, deletes = false): fc.Arbitrary<DagCase> {
  return fc
    .array(fc.record({ parents: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), write: writeArb }), {
      minLength: 0,
      maxLength: max - 1,
    })
    .map((specs) => {
      const events: Event[] = [];
      const parentsOf = new Map<string, readonly string[]>();
      const anc = (id: string): Set<string> => {
        const out = new Set<string>();
        const todo = [...(parentsOf.get(id) ?? [])];
        for (let p = todo.pop(); p !== undefined; p = todo.pop()) {
          if (!out.has(p)) {
            out.add(p);
            todo.push(...(parentsOf.get(p) ?? []));
          }
        }
        return out;
      };
      for (let r = 0; r < roots; r++) {
        events.push(event(idOf(r), [], { lww: { a: -1 - r } }, idOf(0)));
        parentsOf.set(idOf(r), []);
      }
      specs.forEach((s, k) => {
        const i = k + roots;
        const picked = s.parents.map((n) => idOf(n % i));
        const parents = antichain(picked, anc);
        const ops: Operations = !s.write
          ? {}
          : deletes && s.write.del === 0
            ? { delete: true }
            : { lww: { [s.write.field]: s.write.value } };
        events.push(event(idOf(i), parents, ops));
        parentsOf.set(idOf(i), parents);
      });
      return { events, ancestors: ancestorSets(events) };
    });
}
