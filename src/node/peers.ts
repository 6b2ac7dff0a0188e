import { type Entity } from '../entity/entity';
import { UnavailableError } from '../errors/errors';
import { type Event } from '../event/event';
import { newId } from '../event/ids';
import { type Selection } from '../query/ast';
import { type Node } from './node';
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

/**
 * An ephemeral node's side of its durable peers: reads answered by the peer (and cached), commits sent and
 * acknowledged or queued while offline, live queries relayed and re-established on every reconnect.
 * Invariants: the queue is sent in order, one commit at a time; remote states never overwrite an entity that a
 * queued commit touches (its acknowledgement brings the merged state); a refused queued commit is undone.
 */
export class PeerHub {
  readonly #node: Node;
  readonly #queue: CommitQueue;
  readonly #queries: RemoteQueries;
  #peer: DurablePeer | undefined;
  /** Per entity, the sequence number of the newest state adopted from the current peer. */
  #seqs = new Map<string, number>();
  #flushing: Promise<void> | undefined;
  #closed = false;
  #ready!: Promise<void>;
  #connected!: () => void;

  constructor(node: Node) {
    this.#node = node;
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

  /** Entities matching a selection: the peer's answer while connected (adopted locally), else the local one. */
  async fetch(collection: string, selection: Selection): Promise<Entity[]> {
    const peer = this.#peer;
    if (peer) {
      try {
        return (await this.#adopt(await peer.fetch(collection, selection))).filter((e) => !e.deleted);
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#node.fetchLocal(collection, selection);
  }

  /** Events by id from the peer (empty while offline): for causal walks over history this node lacks. */
  async getEvents(collection: string, ids: readonly string[]): Promise<readonly Event[]> {
    const peer = this.#peer;
    if (!peer) return [];
    try {
      return await peer.getEvents(collection, ids);
    } catch (e) {
      if (lost(e)) return [];
      throw e;
    }
  }

  /**
   * Commits a transaction's events. Connected with nothing queued: sent, and resolved once acknowledged.
   * Otherwise: applied locally and queued; resolves at once when offline, on acknowledgement when connected.
   */
  async commit(events: readonly Event[], ctx: ContextData): Promise<void> {
    const peer = this.#peer;
    if (peer && this.#queue.length === 0) {
      try {
        await this.#adopt(await peer.commit(events));
        return;
      } catch (e) {
        if (!lost(e)) throw e;
      }
      // The answer was lost with the connection: keep the commit and resend it (the peer skips known events).
      const seq = newId();
      await this.#node.applyEvents(events, ctx, true, [outboxRecord(seq, events)]).catch(() => undefined);
      this.#queue.push({ events, seq });
      this.#kick();
      return;
    }
    const seq = newId();
    await this.#node.applyEvents(events, ctx, true, [outboxRecord(seq, events)]);
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
  }

  #adopt(update: RemoteStates, force = false): Promise<Entity[]> {
    const seqs = this.#seqs;
    const seq = update.seq;
    return this.#node.adoptStates(update, (r: EntityRef) => {
      if (seq !== undefined) {
        const key = `${r.collection}\u0000${r.id}`;
        if ((seqs.get(key) ?? -1) > seq) return true;
        seqs.set(key, seq);
      }
      return !force && this.#queue.touches(r);
    });
  }

  #report(e: unknown): void {
    if (!this.#node.closed) this.#node.errors$.next(e instanceof Error ? e : new Error(String(e)));
  }

  /** Commits waiting for an acknowledgement are kept locally and queued: as offline commits, they resolve. */
  #releaseWaiters(): void {
    for (let i = 0; i < this.#queue.length; i++) {
      const item = this.#queue.at(i) as QueuedCommit;
      item.waiter?.resolve();
      delete item.waiter;
    }
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

  async #flush(): Promise<void> {
    for (;;) {
      const peer = this.#peer;
      const item = this.#queue.head;
      if (!peer || !item || this.#closed) return;
      let answer: RemoteStates;
      try {
        answer = await peer.commit(item.events);
      } catch (e) {
        if (lost(e)) return;
        this.#queue.shift();
        await this.#retire(item);
        await this.#undo(peer, item.events);
        if (item.waiter) item.waiter.reject(e);
        else this.#report(e);
        continue;
      }
      this.#queue.shift();
      await this.#retire(item);
      await this.#adopt(answer);
      item.waiter?.resolve();
    }
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
    try {
      const answers = await Promise.all(touchedEntities(events).map((r) => peer.get(r.collection, r.id)));
      for (const answer of answers) await this.#adopt(answer, true);
    } catch (e) {
      this.#report(e);
    }
  }
}
