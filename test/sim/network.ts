import { type Event } from '../../src/event/event';
import { freezeEvent } from '../../src/event/codec';
import { type Prng } from './prng';

/** One message in flight: a batch of events from one node to another. */
export interface Message {
  readonly from: number;
  readonly to: number;
  readonly events: readonly Event[];
}

/**
 * A simulated network that reorders (random pick), duplicates, delays, drops (kept for a later resend) and
 * partitions (messages across the cut wait until it heals). All choices come from the seeded PRNG.
 */
export class SimNetwork {
  readonly #rng: Prng;
  readonly #queue: Message[] = [];
  readonly #dropped: Message[] = [];
  /** Group of each node while partitioned; undefined when the network is whole. */
  #groups: number[] | undefined;
  sent = 0;
  duplicated = 0;
  dropped = 0;

  constructor(rng: Prng) {
    this.#rng = rng;
  }

  get inFlight(): number {
    return this.#queue.length + this.#dropped.length;
  }

  get partitioned(): boolean {
    return this.#groups !== undefined;
  }

  send(from: number, to: number, events: readonly Event[]): void {
    this.sent++;
    this.#queue.push({ from, to, events: events.map(freezeEvent) });
  }

  partition(nodes: number): void {
    this.#groups = Array.from({ length: nodes }, () => this.#rng.int(2));
  }

  heal(): void {
    this.#groups = undefined;
  }

  /** Puts every dropped message back in flight (the sender's resend). */
  resend(): void {
    this.#queue.push(...this.#dropped.splice(0));
  }

  #deliverable(m: Message): boolean {
    return !this.#groups || this.#groups[m.from] === this.#groups[m.to];
  }

  /**
   * Takes up to `max` deliverable messages for one random destination, or undefined when none can move.
   * With `lossy`, a taken message may be dropped (kept for resend) or duplicated (a copy stays in flight).
   */
  take(max: number, lossy: boolean): { to: number; events: Event[] } | undefined {
    const ready = this.#queue.filter((m) => this.#deliverable(m));
    if (ready.length === 0) return undefined;
    const to = this.#rng.pick(ready).to;
    const events: Event[] = [];
    for (const m of this.#rng.shuffle(ready.filter((r) => r.to === to)).slice(0, max)) {
      this.#queue.splice(this.#queue.indexOf(m), 1);
      if (lossy && this.#rng.chance(0.1)) {
        this.dropped++;
        this.#dropped.push(m);
        continue;
      }
      if (lossy && this.#rng.chance(0.1)) {
        this.duplicated++;
        this.#queue.push(m);
      }
      events.push(...m.events);
    }
    return { to, events: this.#rng.shuffle(events) };
  }
}
