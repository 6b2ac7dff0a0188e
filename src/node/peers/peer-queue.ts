import { type Event } from '../../event/event';
import { type EntityRef } from './peer';
import { entityKey } from '../../event/entity-key';

/** A caller waiting for a queued commit's acknowledgement (a commit made while a flush was running). */
export interface CommitWaiter {
  resolve(): void;
  reject(error: unknown): void;
}

/** One commit kept locally until a durable peer acknowledges it. */
export interface QueuedCommit {
  readonly events: readonly Event[];
  /** Settled when the peer answers; absent for commits made offline (they resolved already). */
  waiter?: CommitWaiter;
  /** The commit's record in the outbox kept in storage, so it is sent even after a restart. */
  readonly seq?: string;
  /**
   * The peer's refusal, once refused: the commit stays at the head of the queue (and in the outbox) until it is
   * undone locally. `told`: the refusal already reached a waiter.
   */
  refusal?: { readonly error: unknown; told: boolean };
}

/**
 * The commits an ephemeral node made that no durable peer has acknowledged yet, oldest first. The queue mirrors
 * the outbox kept in the node's storage (see outbox.ts), from which it is restored when the node starts.
 */
export class CommitQueue {
  readonly #items: QueuedCommit[] = [];
  readonly #pendingEntities = new Map<string, number>();
  readonly #onLength: (n: number) => void;

  constructor(onLength: (n: number) => void) {
    this.#onLength = onLength;
  }

  get length(): number {
    return this.#items.length;
  }

  get head(): QueuedCommit | undefined {
    return this.#items[0];
  }

  at(index: number): QueuedCommit | undefined {
    return this.#items[index];
  }

  push(item: QueuedCommit): void {
    this.#items.push(item);
    for (const key of keysOf(item)) this.#pendingEntities.set(key, (this.#pendingEntities.get(key) ?? 0) + 1);
    this.#onLength(this.#items.length);
  }

  /** Removes the oldest commit (acknowledged or refused). */
  shift(): QueuedCommit | undefined {
    const item = this.#items.shift();
    if (item) {
      for (const key of keysOf(item)) {
        const n = (this.#pendingEntities.get(key) ?? 1) - 1;
        if (n <= 0) this.#pendingEntities.delete(key);
        else this.#pendingEntities.set(key, n);
      }
      this.#onLength(this.#items.length);
    }
    return item;
  }

  /** The ids of the entities of one collection that queued commits touch. */
  entitiesIn(collection: string): Set<string> {
    const prefix = entityKey(collection, '');
    const out = new Set<string>();
    for (const key of this.#pendingEntities.keys())
      if (key.startsWith(prefix)) out.add(key.slice(prefix.length));
    return out;
  }

  /** True while a queued commit touches the entity: remote states must not overwrite its local changes. */
  touches(ref: EntityRef): boolean {
    return this.#pendingEntities.has(entityKey(ref.collection, ref.id));
  }
}

function keysOf(item: QueuedCommit): Set<string> {
  return new Set(item.events.map((e) => entityKey(e.collection, e.entityId)));
}

/** The entities a batch of events touches, once each. */
export function touchedEntities(events: readonly Event[]): EntityRef[] {
  const seen = new Map<string, EntityRef>();
  for (const e of events)
    seen.set(entityKey(e.collection, e.entityId), { collection: e.collection, id: e.entityId });
  return [...seen.values()];
}
