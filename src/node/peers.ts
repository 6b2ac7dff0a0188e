import { type Entity } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';
import { UnavailableError, asError } from '../errors/errors';
import { isTransient } from '../errors/transient';
import { type Event } from '../event/event';
import { newId } from '../event/ids';
import { type Selection } from '../query/ast';
import { compilePredicate } from '../query/evaluate';
import { compareRecords } from '../query/order';
import { rowOf, type Row } from '../reactor/change';
import { type Node } from './node';
import { type LocalBases } from './node-core';
import {
  type DurablePeer,
  type EntityRef,
  type HeldEntity,
  type PeerLink,
  type RemoteQuery,
  type RemoteStates,
} from './peer';
import { RemoteQueries } from './peer-queries';
import { CommitQueue, touchedEntities, type QueuedCommit } from './peer-queue';
import { outboxRecord, outboxRetired, readOutbox } from './outbox';
import { type ContextData } from './policy';

const lost = (e: unknown): boolean => e instanceof UnavailableError;

/** How many held entities a fetch re-reads from the peer at once when its answer no longer names them. */
const REFRESH_BATCH = 16;
/** How many times a fetch looks again for held entities its answer no longer names (LIMIT windows). */
const REFRESH_ROUNDS = 8;

const entityKey = (r: EntityRef): string => `${r.collection}\u0000${r.id}`;

/** A remote state (or drop, without `state`) left out while a queued commit touched its entity. */
interface Deferred {
  readonly ref: EntityRef;
  readonly state: EntityState | undefined;
  readonly seq: number | undefined;
}

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
export class PeerHub {
  readonly #node: Node;
  readonly #queue: CommitQueue;
  readonly #queries: RemoteQueries;
  #peer: DurablePeer | undefined;
  /** Per entity, the sequence number of the newest state adopted from the current peer. */
  #seqs = new Map<string, number>();
  /** Per entity, the newest remote state left out while a queued commit touched it (from the current peer). */
  #deferred = new Map<string, Deferred>();
  #flushing: Promise<void> | undefined;
  #closed = false;
  #ready!: Promise<void>;
  #connected!: () => void;
  readonly #retry: RetryOptions;
  /** Transient failures in a row: the next attempt waits for the backoff delay. */
  #failures = 0;
  /** Ends the current backoff pause early (the peer left, the hub closed). */
  #wake: (() => void) | undefined;

  constructor(node: Node, retry: Partial<RetryOptions> = {}) {
    this.#node = node;
    this.#retry = { ...DEFAULT_RETRY, ...retry };
    this.#queue = new CommitQueue((n) => node.pending$.next(n));
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
    this.#seqs = new Map();
    this.#deferred = new Map();
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
  async load(collection: string, id: string): Promise<Entity | undefined> {
    const peer = this.#peer;
    if (peer) {
      try {
        const [entity] = await this.#adopt(await peer.get(collection, id));
        return entity ?? (await this.#node.loadLocal(collection, id));
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#node.loadLocal(collection, id);
  }

  /**
   * Entities matching a selection: the peer's answer while connected (adopted locally), else the local one.
   * Entities that queued commits touch (when the request was sent or answered) are evaluated on their local
   * state, since the peer may lack them or their changes yet (a LIMIT is widened by their number so the window
   * stays full). Held entities that match locally where the answer should have named them but did not (deleted
   * or changed on the peer meanwhile) are read again from the peer, so no stale copy outlives the answer.
   */
  async fetch(collection: string, selection: Selection): Promise<Entity[]> {
    const peer = this.#peer;
    if (peer) {
      try {
        const queued = this.#queue.entitiesIn(collection);
        const wide =
          selection.limit === undefined || queued.size === 0
            ? selection
            : { ...selection, limit: selection.limit + queued.size };
        const answer = await peer.fetch(collection, wide);
        const adopted = await this.#adopt(answer);
        for (const id of this.#queue.entitiesIn(collection)) queued.add(id);
        await this.#refreshUnnamed(peer, collection, wide, answer, queued);
        if (queued.size === 0) return adopted.filter((e) => !e.deleted);
        return await this.#withQueued(collection, selection, adopted, queued);
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#node.fetchLocal(collection, selection);
  }

  /** A fetch's result with the entities queued commits touch evaluated on their local state, in order. */
  async #withQueued(
    collection: string,
    selection: Selection,
    adopted: readonly Entity[],
    queued: ReadonlySet<string>,
  ): Promise<Entity[]> {
    const match = compilePredicate(selection.predicate);
    const out: { entity: Entity; row: Row }[] = [];
    const add = (entity: Entity | undefined): void => {
      const row = entity?.exists ? rowOf(entity) : undefined;
      if (entity && row && match(row)) out.push({ entity, row });
    };
    for (const e of adopted) if (!queued.has(e.id)) add(e);
    for (const id of queued) add(await this.#node.loadLocal(collection, id));
    const order = compareRecords(selection.orderBy);
    out.sort((a, b) => order(a.row, b.row));
    const entities = out.map((e) => e.entity);
    return selection.limit === undefined ? entities : entities.slice(0, selection.limit);
  }

  /**
   * Reads again from the peer the held entities a fetch answer should have named but did not: those matching
   * the selection locally, touched by no queued commit, and (for a full LIMIT answer) sorting before its last
   * row. The peer's answer for each (its state, or gone) is adopted like any other.
   */
  async #refreshUnnamed(
    peer: DurablePeer,
    collection: string,
    selection: Selection,
    answer: RemoteStates,
    queued: ReadonlySet<string>,
  ): Promise<void> {
    const named = new Set([...answer.states.map((s) => s.id), ...answer.gone.map((g) => g.id)]);
    const last = answer.states[answer.states.length - 1];
    const full = selection.limit !== undefined && answer.states.length >= selection.limit && last;
    const boundary: Row | undefined = full ? { ...last.values, id: last.id } : undefined;
    const order = compareRecords(selection.orderBy);
    const refreshed = new Set<string>();
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      const unnamed: string[] = [];
      for (const e of await this.#node.fetchLocal(collection, selection)) {
        if (named.has(e.id) || queued.has(e.id) || refreshed.has(e.id)) continue;
        const row = rowOf(e);
        if (boundary && row && order(row, boundary) >= 0) continue;
        unnamed.push(e.id);
      }
      if (unnamed.length === 0) return;
      for (let i = 0; i < unnamed.length; i += REFRESH_BATCH) {
        const answers = await Promise.all(
          unnamed.slice(i, i + REFRESH_BATCH).map((id) => peer.get(collection, id)),
        );
        for (const a of answers) await this.#adopt(a);
      }
      for (const id of unnamed) refreshed.add(id);
      if (selection.limit === undefined) return;
    }
  }

  /**
   * One entity's events: the durable peer's whole history while connected, else the events this node holds
   * (an ephemeral node keeps only the events of its own queued commits, not the rest of the history).
   */
  async history(collection: string, id: string): Promise<readonly Event[]> {
    const peer = this.#peer;
    if (peer) {
      try {
        return await peer.history(collection, id);
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#node.storage.entityEvents(collection, id);
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
    const seqs = this.#seqs;
    const deferred = this.#deferred;
    const seq = update.seq;
    const states = new Set<EntityRef>(update.states);
    return this.#node.adoptStates(update, (r: EntityRef) => {
      const key = entityKey(r);
      if (seq !== undefined && (seqs.get(key) ?? -1) > seq) return true;
      // A newer state left out while a queued commit touched the entity is still to be adopted (between the
      // acknowledgement and #adoptDeferred): an older answer arriving meanwhile must not overwrite it.
      const newer = deferred.get(key)?.seq;
      if (seq !== undefined && newer !== undefined && newer > seq) return true;
      if (!force && this.#queue.touches(r)) {
        // Left out for now: adopted once no queued commit touches the entity, if still the newest then.
        const was = deferred.get(key);
        if (!was || seq === undefined || (was.seq ?? -1) <= seq) {
          deferred.set(key, { ref: r, state: states.has(r) ? (r as EntityState) : undefined, seq });
        }
        return true;
      }
      if (seq !== undefined) seqs.set(key, seq);
      return false;
    });
  }

  /** Adopts the states left out while queued commits touched their entities, once none does. */
  async #adoptDeferred(): Promise<void> {
    const deferred = this.#deferred;
    for (const [key, d] of [...deferred]) {
      if (this.#queue.touches(d.ref) || deferred.get(key) !== d) continue;
      deferred.delete(key);
      const update: RemoteStates = d.state
        ? { states: [d.state], gone: [] }
        : { states: [], gone: [{ collection: d.ref.collection, id: d.ref.id }] };
      await this.#adopt(d.seq === undefined ? update : { ...update, seq: d.seq });
    }
  }

  #report(e: unknown): void {
    if (!this.#node.closed) this.#node.errors$.next(asError(e));
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
