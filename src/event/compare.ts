import { clockEquals, clockOf, EMPTY_CLOCK, type Clock } from './clock';
import { DEFAULT_WALK_BUDGET, WalkReader, type EventRetriever } from './lineage';
import { IdHeap } from './id-heap';

/** How one clock stands to another in the event DAG. */
export type Relation = 'equal' | 'descends' | 'ancestor' | 'diverged' | 'unrelated';

/** The answer of compare: the relation and the meet (greatest common ancestors; empty when unrelated). */
export interface Comparison {
  readonly relation: Relation;
  readonly meet: Clock;
}

const FROM_SUBJECT = 1;
const FROM_OTHER = 2;
/** Set on ancestors of a common ancestor: they are common but never in the meet. */
const BELOW_COMMON = 4;
const COMMON = FROM_SUBJECT | FROM_OTHER;

/**
 * Compares `subject` with `other` (typically an event's clock with an entity's head) over the event DAG.
 * Both sides are walked together from the greatest id down, so every event is classified after all of its
 * children; the walk ends as soon as the answer is known or every event still queued lies below a common
 * ancestor. Its cost is the number of events between the clocks and their meet, bounded by `budget`
 * (CausalError past it, or when an event cannot be found).
 */
export async function compare(
  collection: string,
  subject: Clock,
  other: Clock,
  retriever: EventRetriever,
  budget = DEFAULT_WALK_BUDGET,
): Promise<Comparison> {
  if (clockEquals(subject, other)) return { relation: 'equal', meet: subject };
  if (subject.length === 0) return { relation: 'ancestor', meet: EMPTY_CLOCK };
  if (other.length === 0) return { relation: 'descends', meet: EMPTY_CLOCK };
  const walk = new Walk(subject, other, new WalkReader(collection, retriever, budget));
  return walk.run();
}

class Walk {
  readonly #flags = new Map<string, number>();
  readonly #queue = new IdHeap();
  readonly #queued = new Set<string>();
  readonly #meet: string[] = [];
  readonly #subject: Clock;
  readonly #other: Clock;
  readonly #reader: WalkReader;
  /** Queued ids not yet known to lie below a common ancestor: the walk goes on while there are any. */
  #open = 0;

  constructor(subject: Clock, other: Clock, reader: WalkReader) {
    this.#subject = subject;
    this.#other = other;
    this.#reader = reader;
    for (const id of subject) this.#mark(id, FROM_SUBJECT);
    for (const id of other) this.#mark(id, FROM_OTHER);
  }

  #mark(id: string, add: number): void {
    const before = this.#flags.get(id) ?? 0;
    const after = add & BELOW_COMMON ? before | add | COMMON : before | add;
    if (after === before) return;
    this.#flags.set(id, after);
    if (!this.#queued.has(id)) {
      this.#queued.add(id);
      this.#queue.push(id);
      if (!(after & BELOW_COMMON)) this.#open++;
    } else if (after & BELOW_COMMON && !(before & BELOW_COMMON)) {
      this.#open--;
    }
  }

  #all(ids: Clock, flag: number): boolean {
    return ids.every((id) => ((this.#flags.get(id) ?? 0) & flag) !== 0);
  }

  async run(): Promise<Comparison> {
    for (;;) {
      if (this.#all(this.#other, FROM_SUBJECT)) return { relation: 'descends', meet: this.#other };
      if (this.#all(this.#subject, FROM_OTHER)) return { relation: 'ancestor', meet: this.#subject };
      if (this.#open === 0) break;
      const id = this.#queue.pop() as string;
      this.#queued.delete(id);
      const flags = this.#flags.get(id) ?? 0;
      if (!(flags & BELOW_COMMON)) this.#open--;
      this.#reader.visit();
      const common = (flags & COMMON) === COMMON;
      if (common && !(flags & BELOW_COMMON)) this.#meet.push(id);
      const [event] = await this.#reader.read([id], () => this.#prefetch());
      const inherit = common ? flags | BELOW_COMMON : flags;
      for (const p of event?.parents ?? []) this.#mark(p, inherit);
    }
    return this.#meet.length > 0
      ? { relation: 'diverged', meet: clockOf(this.#meet) }
      : { relation: 'unrelated', meet: EMPTY_CLOCK };
  }

  #prefetch(): string[] {
    return [...this.#queued];
  }
}
