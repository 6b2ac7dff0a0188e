import { type Entity } from '../../entity/entity';
import { UnavailableError } from '../../errors/errors';
import { isTransient } from '../../errors/transient';
import { type Event } from '../../event/event';
import { newId } from '../../event/ids';
import { type Selection } from '../../query/ast';
import { type ContextData } from '../policy';
import { type LocalBases, type ReplicaPort } from '../ports';
import { PeerAdoption } from './adoption';
import { outboxRecord, outboxRetired, readOutbox } from './outbox';
import {
  type DurablePeer,
  type HeldEntity,
  type PeerAttach,
  type PeerLink,
  type RemoteQuery,
  type RemoteStates,
} from './peer';
import { RemoteQueries } from './peer-queries';
import { CommitQueue, touchedEntities, type QueuedCommit } from './peer-queue';
import { PeerReads } from './reads';

/** How a queued commit is retried after a transient failure (the peer could not take it now). */
export interface RetryOptions {
  /** The first delay (ms); it doubles per failure in a row, with jitter, up to `maxDelay`. */
  readonly delay: number;
  readonly maxDelay: number;
}

/** The default retry delays: 250 ms doubling up to 10 s. */
export const DEFAULT_RETRY: RetryOptions = { delay: 250, maxDelay: 10_000 };

/**
 * An ephemeral node's side of its durable peers: reads answered by the peer (and cached), commits sent and
 * acknowledged or queued while offline, live queries relayed and re-established on every reconnect.
 * Invariants: the queue is sent in order, one commit at a time; remote states never overwrite an entity that a
 * queued commit touches (its acknowledgement brings the merged state; the newest state left out meanwhile is
 * adopted once no queued commit touches the entity, unless the acknowledgement or undo is newer). Entities
 * that queued commits touch are evaluated locally in remote answers (the peer may not have them yet), and
 * held entities an answer no longer names are read again from the peer. A commit leaves the queue (and the
 * outbox) only once acknowledged, or once refused and undone: a transient failure (see isTransient) keeps it
 * and retries it with backoff, while connected, and at once on every reconnect.
 */
export class PeerHub implements PeerAttach {
  readonly #node: ReplicaPort;
  readonly #queue: CommitQueue;
  readonly #queries: RemoteQueries;
  #peer: DurablePeer | undefined;
  readonly #adoption: PeerAdoption;
  readonly #reads: PeerReads;
  #flushing: Promise<void> | undefined;
  #closed = false;
  #ready!: Promise<void>;
  #connected!: () => void;
  readonly #retry: RetryOptions;
  /** Transient failures in a row: the next attempt waits for the backoff delay. */
  #failures = 0;
  /** Ends the current backoff pause early (the peer left, the hub closed). */
  #wake: (() => void) | undefined;

  /** `pending` is told the queue's length whenever it changes. */
  constructor(node: ReplicaPort, pending: (n: number) => void, retry: Partial<RetryOptions> = {}) {
    this.#node = node;
    this.#retry = { ...DEFAULT_RETRY, ...retry };
    this.#queue = new CommitQueue(pending);
    this.#adoption = new PeerAdoption(node, (r) => this.#queue.touches(r));
    this.#reads = new PeerReads({
      replica: node,
      peer: () => this.#peer,
      adopt: (update) => this.#adopt(update),
      queued: (collection) => this.#queue.entitiesIn(collection),
    });
    this.#queries = new RemoteQueries({
      peer: () => this.#peer,
      adopt: (update) => this.#adopt(update),
      report: (e) => this.#report(e),
    });
    this.#resetReady();
  }

  #resetReady(): void {
    this.#ready = new Promise((resolve) => (this.#connected = resolve));
  }

  /** True while a durable peer is attached. */
  get connected(): boolean {
    return this.#peer !== undefined;
  }

  /** The attached durable peer, if any. */
  get peer(): DurablePeer | undefined {
    return this.#peer;
  }

  /** Resolves once a durable peer is attached. */
  ready(): Promise<void> {
    return this.#ready;
  }

  /** Called by a transport once a durable peer said hello; the returned link carries pushes and the disconnect. */
  attach(peer: DurablePeer): PeerLink {
    if (this.#closed) throw UnavailableError.create('the node is closed');
    this.#peer = peer;
    this.#adoption.reset();
    this.#failures = 0;
    this.#connected();
    this.#kick();
    this.#queries.attach(peer);
    let attached = true;
    return {
      receive: (update) => {
        if (attached) this.#adopt(update).catch((e: unknown) => this.#report(e));
      },
      detach: () => {
        if (!attached) return;
        attached = false;
        if (this.#peer !== peer) return;
        this.#peer = undefined;
        this.#resetReady();
        this.#releaseWaiters();
        this.#wake?.();
      },
    };
  }

  /** One entity: from the peer while connected (adopted locally), else from what this node holds. */
  load(collection: string, id: string): Promise<Entity | undefined> {
    return this.#reads.load(collection, id);
  }

  /** Entities matching a selection: the peer's answer while connected (see PeerReads.fetch), else local. */
  fetch(collection: string, selection: Selection): Promise<Entity[]> {
    return this.#reads.fetch(collection, selection);
  }

  /** One entity's events: the peer's whole history while connected, else the events this node holds. */
  history(collection: string, id: string): Promise<readonly Event[]> {
    return this.#reads.history(collection, id);
  }

  /**
   * Commits a transaction's events. Connected with nothing queued: sent, and resolved once acknowledged.
   * Otherwise: applied locally and queued; resolves at once when offline, on acknowledgement when connected.
   * Rejects only when the peer refuses the commit; when it cannot take it now (a transient failure, a lost
   * answer) the commit is kept locally and queued like an offline one, and the call resolves.
   */
  async commit(events: readonly Event[], ctx: ContextData, bases?: LocalBases): Promise<void> {
    const peer = this.#peer;
    if (peer && this.#queue.length === 0) {
      try {
        await this.#adopt(await peer.commit(events));
        return;
      } catch (e) {
        if (!isTransient(e)) throw e;
        // Still connected: the peer answered that it cannot take the commit now; the flush waits before resending.
        if (this.#peer === peer) this.#setback(e);
      }
      // The answer was lost with the connection, or the peer could not take the commit now: keep the commit and
      // resend it (the peer skips events it already has).
      const seq = newId();
      try {
        await this.#node.applyEvents(events, ctx, true, [outboxRecord(seq, events)], bases);
      } catch (e) {
        // Not kept here (the node closed meanwhile, its storage failed): never resolve a commit nothing keeps.
        if (!this.#node.closed) throw e;
        throw UnavailableError.create(
          'the node closed before the commit was kept for a resend; the durable peer holds it only if it stored it and its answer was lost (read it back to know)',
        );
      }
      this.#queue.push({ events, seq });
      this.#kick();
      return;
    }
    const seq = newId();
    await this.#node.applyEvents(events, ctx, true, [outboxRecord(seq, events)], bases);
    if (!this.#peer) {
      this.#queue.push({ events, seq });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.#queue.push({ events, seq, waiter: { resolve, reject } });
      this.#kick();
    });
  }

  /** Relays a live query to the durable peer (now and after every reconnect). */
  trackQuery(
    collection: string,
    selection: Selection,
    held: () => readonly HeldEntity[],
    failed?: (error: Error) => void,
  ): RemoteQuery {
    return this.#queries.track(collection, selection, held, failed);
  }

  /** The number of relayed live queries. */
  get queryCount(): number {
    return this.#queries.size;
  }

  close(): void {
    this.#closed = true;
    this.#peer = undefined;
    this.#queries.clear();
    this.#releaseWaiters();
    this.#wake?.();
  }

  #adopt(update: RemoteStates, force = false): Promise<Entity[]> {
    return this.#adoption.adopt(update, force);
  }

  #adoptDeferred(): Promise<void> {
    return this.#adoption.adoptDeferred();
  }

  #report(e: unknown): void {
    if (!this.#node.closed) this.#node.report(e);
  }

  /**
   * Commits waiting for an acknowledgement are kept locally and queued: as offline commits, they resolve. One
   * already refused (its undo is waiting for the peer) rejects with the refusal.
   */
  #releaseWaiters(): void {
    for (let i = 0; i < this.#queue.length; i++) {
      const item = this.#queue.at(i) as QueuedCommit;
      const waiter = item.waiter;
      if (!waiter) continue;
      delete item.waiter;
      if (item.refusal) {
        item.refusal.told = true;
        waiter.reject(item.refusal.error);
      } else waiter.resolve();
    }
  }

  /** Counts a transient failure while connected: waiters resolve (their commits are kept) and it is reported. */
  #setback(e: unknown): void {
    this.#failures++;
    this.#releaseWaiters();
    this.#report(e);
  }

  /** Waits the backoff delay of the failures so far; false when the peer left or the hub closed meanwhile. */
  async #pause(peer: DurablePeer): Promise<boolean> {
    const { delay, maxDelay } = this.#retry;
    const full = Math.min(maxDelay, delay * 2 ** Math.min(this.#failures - 1, 30));
    // Jitter, so that clients refused together do not come back together.
    const ms = full / 2 + (Math.random() * full) / 2;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
    return this.#peer === peer && !this.#closed;
  }

  #kick(): void {
    if (this.#flushing || !this.#peer || this.#queue.length === 0) return;
    const peer = this.#peer;
    this.#flushing = this.#flush()
      .catch((e: unknown) => this.#report(e))
      .finally(() => {
        this.#flushing = undefined;
        if (this.#peer && this.#peer !== peer) this.#kick();
      });
  }

  /**
   * Sends the queue in order. A transient failure keeps the head and retries it after the backoff (or on the
   * next attach when the connection is gone); a refusal keeps it until undone, then drops it.
   */
  async #flush(): Promise<void> {
    for (;;) {
      const peer = this.#peer;
      const item = this.#queue.head;
      if (!peer || !item || this.#closed) return;
      if (this.#failures > 0 && !(await this.#pause(peer))) return;
      if (item.refusal) {
        if (!(await this.#takeBack(peer, item))) return;
        continue;
      }
      let answer: RemoteStates;
      try {
        answer = await peer.commit(item.events);
      } catch (e) {
        if (!isTransient(e)) item.refusal = { error: e, told: false };
        else if (this.#peer === peer) this.#setback(e);
        else return;
        continue;
      }
      this.#failures = 0;
      this.#queue.shift();
      await this.#retire(item);
      // Acknowledged: a failure to keep the answer locally is reported, and the caller still told.
      await this.#adopt(answer).catch((e: unknown) => this.#report(e));
      await this.#adoptDeferred().catch((e: unknown) => this.#report(e));
      item.waiter?.resolve();
    }
  }

  /**
   * Undoes the refused head of the queue, then drops it and tells its caller (or errors$). False when the
   * peer left before the undo was done (it is done on the next attach).
   */
  async #takeBack(peer: DurablePeer, item: QueuedCommit): Promise<boolean> {
    const refusal = item.refusal as NonNullable<QueuedCommit['refusal']>;
    try {
      await this.#undo(peer, item.events);
    } catch (e) {
      if (isTransient(e)) {
        if (this.#peer !== peer) return false;
        this.#setback(e);
        return true;
      }
      // The peer refuses to tell (e.g. the entities' collection is not readable): drop the local copies.
      await this.#adopt({ states: [], gone: touchedEntities(item.events) }, true);
    }
    this.#failures = 0;
    this.#queue.shift();
    await this.#retire(item);
    await this.#adoptDeferred().catch((e: unknown) => this.#report(e));
    if (item.waiter) item.waiter.reject(refusal.error);
    else if (!refusal.told) this.#report(refusal.error);
    return true;
  }

  /** Restores the commits kept in storage by an earlier run (called once while the node starts). */
  async restore(): Promise<void> {
    for (const entry of await readOutbox(this.#node.storage)) {
      this.#queue.push({ events: entry.events, seq: entry.seq });
    }
  }

  /** Drops an answered commit from the outbox kept in storage. */
  async #retire(item: QueuedCommit): Promise<void> {
    if (item.seq === undefined) return;
    try {
      await this.#node.storage.commit({ events: [], states: [outboxRetired(item.seq)] });
    } catch (e) {
      this.#report(e);
    }
  }

  /** Takes back a refused commit: the peer's current states replace the local changes. */
  async #undo(peer: DurablePeer, events: readonly Event[]): Promise<void> {
    const answers = await Promise.all(touchedEntities(events).map((r) => peer.get(r.collection, r.id)));
    for (const answer of answers) await this.#adopt(answer, true);
  }
}
