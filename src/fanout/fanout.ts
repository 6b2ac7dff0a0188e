import { Subject, type Subscription } from 'rxjs';
import { AnkurahError } from '../errors/ankurah-error';
import { InternalError, UnavailableError } from '../errors/errors';
import { newId } from '../event/ids';
import { replicaOf, type Node } from '../node/node';
import { type ChangeBatch, type ReplicaPort } from '../node/ports';
import { type ReactorChange } from '../reactor/change';
import { ITEMS_PER_NOTICE, encodeNotice, parseNotice, refsOf, type Notice } from './notice';

/**
 * A message bus between durable nodes (Redis pub/sub, Postgres LISTEN/NOTIFY). Delivery may be lost (the
 * fan-out detects that and catches up from the database); what one publisher sends arrives in order.
 */
export interface FanoutBus {
  /** Sends a payload to every listener; rejects when the bus is unreachable (nothing is queued for later). */
  publish(payload: string): Promise<void>;
  /**
   * Starts listening: `receive` gets each payload; `resumed` is called whenever the subscription is back after
   * a loss (reconnect), since payloads sent meanwhile are gone.
   */
  listen(receive: (payload: string) => void, resumed: () => void): Promise<void>;
  close(): Promise<void>;
}

/** Options shared by every fan-out. */
export interface FanoutOptions {
  /** How often (ms, default 1 000) the last sequence number is re-sent, so a quiet publisher's lost notice is seen. */
  readonly heartbeatMs?: number;
}

/** What a fan-out did, for tests and monitoring. */
export interface FanoutEvent {
  readonly kind: 'applied' | 'caught-up';
  /** Entities whose change reached this node's live queries. */
  readonly changed: number;
  /** Why a catch-up ran: 'start', 'gap', 'reconnect' or 'manual'. */
  readonly reason?: string;
}

/**
 * Keeps several durable nodes on one shared database in step: each publishes which entities its commits
 * changed, and re-reads from the database what the others changed, so their live queries (and the clients
 * relayed through them) see every commit. The bus carries hints only: a node that missed some (a gap in a
 * publisher's sequence, a reconnect, its own start) re-reads everything its live queries hold or match.
 */
export class Fanout {
  /** This publisher's id on the bus (new for every start, so a restarted node begins a new sequence). */
  readonly origin = newId();
  /** Every refresh and catch-up, for tests and monitoring. */
  readonly events$ = new Subject<FanoutEvent>();
  readonly stats = { published: 0, received: 0, failedPublishes: 0, gaps: 0, catchUps: 0 };
  readonly #node: ReplicaPort;
  readonly #bus: FanoutBus;
  readonly #lastSeen = new Map<string, number>();
  #seq = 0;
  #pending: Notice['items'][number][] = [];
  #chain: Promise<void> = Promise.resolve();
  #catchUpQueued = false;
  #changes: Subscription | undefined;
  #heartbeat: ReturnType<typeof setInterval> | undefined;
  #closed = false;

  protected constructor(node: ReplicaPort, bus: FanoutBus) {
    this.#node = node;
    this.#bus = bus;
  }

  /** Starts fanning out a durable node's commits over a bus; resolves once listening and caught up. */
  static async start(node: Node, bus: FanoutBus, options: FanoutOptions = {}): Promise<Fanout> {
    if (!node.durable) {
      await bus.close();
      throw UnavailableError.fanoutNotDurable();
    }
    const f = new Fanout(replicaOf(node), bus);
    await f.#start(options.heartbeatMs ?? 1_000);
    return f;
  }

  async #start(heartbeatMs: number): Promise<void> {
    await this.#bus.listen(
      (payload) => this.#receive(payload),
      () => this.#catchUp('reconnect'),
    );
    this.#changes = this.#node.changes$.subscribe({
      next: (b) => this.#onChanges(b),
      complete: () => void this.close(),
    });
    this.#heartbeat = setInterval(
      () => this.#send({ origin: this.origin, seq: this.#seq, items: [] }),
      heartbeatMs,
    );
    this.#heartbeat.unref();
    this.#catchUp('start');
    await this.#chain;
  }

  /** Re-reads from the database everything this node's live queries hold or match; resolves when done. */
  catchUp(): Promise<void> {
    this.#catchUp('manual');
    return this.#chain;
  }

  /** Stops publishing and listening (the node stays open). */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#changes?.unsubscribe();
    this.#flush();
    await this.#chain;
    await this.#bus.close();
    this.events$.complete();
  }

  #onChanges(batch: ChangeBatch): void {
    if (batch.refreshed || this.#closed) return;
    const first = this.#pending.length === 0;
    for (const c of batch.changes) {
      const head = 'head' in c ? (c.head as readonly string[]) : c.entity.head;
      const ref = (c as ReactorChange).unshared ?? c.entity;
      this.#pending.push([ref.collection, ref.id, head]);
    }
    // A head that moved with no value (ChangeBatch.quiet): the other nodes' clients must follow it too.
    for (const c of batch.quiet ?? []) this.#pending.push([c.entity.collection, c.entity.id, c.entity.head]);
    // One notice per tick at most: a burst of commits shares messages.
    if (first && this.#pending.length > 0) queueMicrotask(() => this.#flush());
  }

  #flush(): void {
    const items = this.#pending;
    this.#pending = [];
    for (let i = 0; i < items.length; i += ITEMS_PER_NOTICE) {
      this.#send({ origin: this.origin, seq: ++this.#seq, items: items.slice(i, i + ITEMS_PER_NOTICE) });
    }
  }

  #send(n: Notice): void {
    if (n.items.length > 0) this.stats.published++;
    this.#bus.publish(encodeNotice(n)).catch((e: unknown) => {
      // The receivers see the gap in the sequence (at the latest with the next heartbeat) and catch up.
      if (n.items.length > 0) this.stats.failedPublishes++;
      if (!this.#closed) this.#report(e, 'publishing a fan-out notice');
    });
  }

  #receive(payload: string): void {
    if (this.#closed) return;
    let n: Notice;
    try {
      n = parseNotice(payload);
    } catch (e) {
      this.#report(e, 'reading a fan-out notice');
      return;
    }
    if (n.origin === this.origin) return;
    const last = this.#lastSeen.get(n.origin);
    const data = n.items.length > 0;
    const expected = (last ?? 0) + (data ? 1 : 0);
    if (last === undefined || n.seq > last) this.#lastSeen.set(n.origin, n.seq);
    if (n.seq > expected) {
      this.stats.gaps++;
      this.#catchUp('gap');
    }
    if (!data) return;
    this.stats.received++;
    const refs = refsOf(n);
    this.#enqueue(async () => {
      const changed = await this.#node.refreshFromStorage(refs);
      this.events$.next({ kind: 'applied', changed });
    });
  }

  #catchUp(reason: string): void {
    if (this.#catchUpQueued || this.#closed) return;
    this.#catchUpQueued = true;
    this.#enqueue(async () => {
      this.#catchUpQueued = false;
      this.stats.catchUps++;
      const changed = await this.#node.refreshFromStorage('catchUp');
      this.events$.next({ kind: 'caught-up', changed, reason });
    });
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#node.closed) return;
      try {
        await task();
      } catch (e) {
        if (!this.#node.closed) this.#report(e, 'refreshing from the shared database');
      }
    });
  }

  #report(e: unknown, what: string): void {
    if (this.#node.closed) return;
    this.#node.report(e instanceof AnkurahError ? e : InternalError.wrap(what, e));
  }
}
