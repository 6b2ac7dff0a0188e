import { type Entity } from '../../entity/entity';
import { UnavailableError } from '../../errors/errors';
import { isTransient } from '../../errors/transient';
import { type Event } from '../../event/event';
import { newId } from '../../event/ids';
import { type Selection } from '../../query/ast';
import { type ContextData } from '../policy';
import { type LocalBases, type ReplicaPort } from '../ports';
import { PeerAdoption } from './adoption';
import { Backoff, type RetryOptions } from './backoff';
import { CommitSender } from './sender';
import { outboxRecord, readOutbox } from './outbox';
import {
  type DurablePeer,
  type Holding,
  type PeerAttach,
  type PeerLink,
  type RemoteQuery,
  type RemoteStates,
} from './peer';
import { RemoteQueries } from './peer-queries';
import { CommitQueue } from './peer-queue';
import { PeerReads } from './reads';

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
  #closed = false;
  #ready!: Promise<void>;
  #connected!: () => void;
  readonly #backoff: Backoff;
  readonly #sender: CommitSender;

  /** `pending` is told the queue's length whenever it changes. */
  constructor(node: ReplicaPort, pending: (n: number) => void, retry: Partial<RetryOptions> = {}) {
    this.#node = node;
    this.#backoff = new Backoff(retry);
    this.#queue = new CommitQueue(pending);
    this.#adoption = new PeerAdoption({
      replica: node,
      touches: (r) => this.#queue.touches(r),
      read: async (r) => this.#peer?.get(r.collection, r.id),
      report: (e) => this.#report(e),
    });
    this.#sender = new CommitSender({
      queue: this.#queue,
      backoff: this.#backoff,
      adoption: this.#adoption,
      storage: node.storage,
      peer: () => this.#peer,
      closed: () => this.#closed,
      report: (e) => this.#report(e),
    });
    this.#queries = new RemoteQueries({
      peer: () => this.#peer,
      adopt: (update) => this.#adopt(update),
      report: (e) => this.#report(e),
    });
    this.#reads = new PeerReads({
      replica: node,
      peer: () => this.#peer,
      adopt: (update) => this.#adopt(update),
      queued: (collection) => this.#queue.entitiesIn(collection),
      covered: (collection, id) => this.#queries.covers(collection, id),
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
    if (this.#closed) throw UnavailableError.closed();
    this.#peer = peer;
    this.#adoption.reset();
    this.#backoff.reset();
    this.#connected();
    this.#sender.kick();
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
        this.#sender.releaseWaiters();
        this.#backoff.wake();
      },
    };
  }

  /**
   * One entity: from the peer while connected (adopted locally), unless a live query synced on that peer holds
   * it (its pushes keep the copy current); else from what this node holds.
   */
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
        if (this.#peer === peer) this.#sender.setback(e);
      }
      // The answer was lost with the connection, or the peer could not take the commit now: keep the commit and
      // resend it (the peer skips events it already has).
      const seq = newId();
      try {
        await this.#node.applyLocal(events, ctx, [outboxRecord(seq, events)], bases);
      } catch (e) {
        // Not kept here (the node closed meanwhile, its storage failed): never resolve a commit nothing keeps.
        if (!this.#node.closed) throw e;
        throw UnavailableError.closedBeforeKept();
      }
      this.#queue.push({ events, seq });
      this.#sender.kick();
      return;
    }
    const seq = newId();
    await this.#node.applyLocal(events, ctx, [outboxRecord(seq, events)], bases);
    if (!this.#peer) {
      this.#queue.push({ events, seq });
      return;
    }
    await new Promise<void>((resolve, reject) => {
      this.#queue.push({ events, seq, waiter: { resolve, reject } });
      this.#sender.kick();
    });
  }

  /** Relays a live query to the durable peer (now and after every reconnect). */
  trackQuery(
    collection: string,
    selection: Selection,
    held: Holding,
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
    this.#sender.releaseWaiters();
    this.#backoff.wake();
  }

  #adopt(update: RemoteStates, force = false): Promise<Entity[]> {
    return this.#adoption.adopt(update, force);
  }

  #report(e: unknown): void {
    if (!this.#node.closed) this.#node.report(e);
  }

  /** Restores the commits kept in storage by an earlier run (called once while the node starts). */
  async restore(): Promise<void> {
    for (const entry of await readOutbox(this.#node.storage)) {
      this.#queue.push({ events: entry.events, seq: entry.seq });
    }
  }
}
