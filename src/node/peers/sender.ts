import { isTransient } from '../../errors/transient';
import { type Event } from '../../event/event';
import { type StorageEngine } from '../../storage/engine';
import { type PeerAdoption } from './adoption';
import { type Backoff } from './backoff';
import { outboxRetired } from './outbox';
import { type DurablePeer, type RemoteStates } from './peer';
import { type CommitQueue, touchedEntities, type QueuedCommit } from './peer-queue';

/** What the sender needs from the peer hub. */
export interface SenderHost {
  readonly queue: CommitQueue;
  readonly backoff: Backoff;
  readonly adoption: PeerAdoption;
  readonly storage: StorageEngine;
  peer(): DurablePeer | undefined;
  closed(): boolean;
  report(error: unknown): void;
}

/**
 * Sends an ephemeral node's queued commits to its durable peer, in order and one at a time: an acknowledged
 * commit leaves the queue and the outbox and its answer is adopted; a refused one is undone (the peer's states
 * replace the local changes) and then dropped; a transient failure keeps it for a retry after the backoff.
 */
export class CommitSender {
  readonly #host: SenderHost;
  #flushing: Promise<void> | undefined;

  constructor(host: SenderHost) {
    this.#host = host;
  }

  /**
   * Commits waiting for an acknowledgement are kept locally and queued: as offline commits, they resolve. One
   * already refused (its undo is waiting for the peer) rejects with the refusal.
   */
  releaseWaiters(): void {
    for (let i = 0; i < this.#host.queue.length; i++) {
      const item = this.#host.queue.at(i) as QueuedCommit;
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
  setback(e: unknown): void {
    this.#host.backoff.failed();
    this.releaseWaiters();
    this.#host.report(e);
  }

  /** Waits the backoff delay of the failures so far; false when the peer left or the hub closed meanwhile. */
  async #pause(peer: DurablePeer): Promise<boolean> {
    await this.#host.backoff.pause();
    return this.#host.peer() === peer && !this.#host.closed();
  }

  kick(): void {
    if (this.#flushing || !this.#host.peer() || this.#host.queue.length === 0) return;
    const peer = this.#host.peer();
    this.#flushing = this.#flush()
      .catch((e: unknown) => this.#host.report(e))
      .finally(() => {
        this.#flushing = undefined;
        if (this.#host.peer() && this.#host.peer() !== peer) this.kick();
      });
  }

  /**
   * Sends the queue in order. A transient failure keeps the head and retries it after the backoff (or on the
   * next attach when the connection is gone); a refusal keeps it until undone, then drops it.
   */
  async #flush(): Promise<void> {
    for (;;) {
      const peer = this.#host.peer();
      const item = this.#host.queue.head;
      if (!peer || !item || this.#host.closed()) return;
      if (this.#host.backoff.failing && !(await this.#pause(peer))) return;
      if (item.refusal) {
        if (!(await this.#takeBack(peer, item))) return;
        continue;
      }
      let answer: RemoteStates;
      try {
        answer = await peer.commit(item.events);
      } catch (e) {
        if (!isTransient(e)) item.refusal = { error: e, told: false };
        else if (this.#host.peer() === peer) this.setback(e);
        else return;
        continue;
      }
      this.#host.backoff.reset();
      this.#host.queue.shift();
      await this.#retire(item);
      // Acknowledged: a failure to keep the answer locally is reported, and the caller still told.
      await this.#host.adoption.adopt(answer).catch((e: unknown) => this.#host.report(e));
      await this.#host.adoption.adoptDeferred().catch((e: unknown) => this.#host.report(e));
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
        if (this.#host.peer() !== peer) return false;
        this.setback(e);
        return true;
      }
      // The peer refuses to tell (e.g. the entities' collection is not readable): drop the local copies.
      await this.#host.adoption.adopt({ states: [], gone: touchedEntities(item.events) }, true);
    }
    this.#host.backoff.reset();
    this.#host.queue.shift();
    await this.#retire(item);
    await this.#host.adoption.adoptDeferred().catch((e: unknown) => this.#host.report(e));
    if (item.waiter) item.waiter.reject(refusal.error);
    else if (!refusal.told) this.#host.report(refusal.error);
    return true;
  }

  /** Drops an answered commit from the outbox kept in storage. */
  async #retire(item: QueuedCommit): Promise<void> {
    if (item.seq === undefined) return;
    try {
      await this.#host.storage.commit({ events: [], states: [outboxRetired(item.seq)] });
    } catch (e) {
      this.#host.report(e);
    }
  }

  /** Takes back a refused commit: the peer's current states replace the local changes. */
  async #undo(peer: DurablePeer, events: readonly Event[]): Promise<void> {
    const answers = await Promise.all(touchedEntities(events).map((r) => peer.get(r.collection, r.id)));
    for (const answer of answers) await this.#host.adoption.adopt(answer, true);
  }
}
