import { type Entity } from '../entity/entity';
import { type Event } from '../event/event';
import { ProtocolError } from '../errors/errors';
import { type Selection } from '../query/ast';
import { type Candidate, rowOf } from '../reactor/change';
import { type Watch } from '../reactor/watch';
import { type EntityRef, type HeldEntity } from '../node/peers/peer';
import { type Limits } from '../protocol/limits';
import { type WireStates } from '../protocol/wire-states';
import { BROKEN, headKey, type EventChunks, type Visibility } from './visibility';

interface ServerSub {
  readonly id: string;
  readonly collection: string;
  readonly watch: Watch;
  selection: Selection;
  /** For ORDER BY … LIMIT queries: the window last sent (id → head), refilled when a member leaves. */
  window: Map<string, string> | undefined;
  /** While an initial answer is built: the entities routed meanwhile, by id (see #initial). */
  routed?: Map<string, Entity>;
}

/**
 * One connection's live queries on a durable node, each registered with the node's reactor as a watch on
 * its policy-filtered selection, so a change is tested only against the subscriptions its row can satisfy
 * (the reactor's index) and those holding the entity (tracked ids). An entity that enters or changes inside
 * a result is pushed, one that leaves is pushed when still visible to the connection and as `gone` when the
 * policy filter hides it (its values never leave). Pushed means as the events that lead from the head the
 * connection was last sent to the current one, when they form one line (the usual edit), else as its state
 * (see Visibility.pushed). Everything routed in one tick goes out as one push, its states read from the live
 * entities when sent, so the wire carries each entity's states in causal order.
 */
export class ServerSubscriptions {
  readonly #vis: Visibility;
  readonly #limits: Limits;
  readonly #push: (frame: WireStates) => void;
  readonly #subs = new Map<string, ServerSub>();
  /** Subscriptions being set up: they count against the limit before they are registered. */
  readonly #opening = new Set<string>();
  /** Subscriptions unsubscribed while being set up: they are not registered when the setup completes. */
  readonly #cancelled = new Set<string>();
  /** Entities routed since the last push, and windows to refill: flushed once per tick. */
  readonly #outgoing = new Map<string, Entity>();
  /** The events of the outgoing entities' changes, per entity id (see Visibility.pushed). */
  readonly #chunks = new Map<string, EventChunks>();
  readonly #refill = new Set<ServerSub>();
  #flushQueued = false;
  #closed = false;

  constructor(vis: Visibility, limits: Limits, push: (frame: WireStates) => void) {
    this.#vis = vis;
    this.#limits = limits;
    this.#push = push;
  }

  get size(): number {
    return this.#subs.size;
  }

  async subscribe(
    id: string,
    collection: string,
    text: string,
    held: readonly HeldEntity[],
  ): Promise<WireStates> {
    if (this.#subs.has(id) || this.#opening.has(id)) {
      throw ProtocolError.subscriptionExists(id);
    }
    if (this.#subs.size + this.#opening.size >= this.#limits.maxSubscriptions) {
      throw ProtocolError.tooManySubscriptions(this.#limits.maxSubscriptions);
    }
    this.#opening.add(id);
    let selection: Selection;
    let cancelled = false;
    try {
      selection = await this.#vis.selection(collection, text);
      await this.#vis.filter(collection);
    } finally {
      this.#opening.delete(id);
      cancelled = this.#cancelled.delete(id);
    }
    if (this.#closed) throw ProtocolError.connectionClosed();
    // An unsubscribe that arrived meanwhile (frames are handled concurrently) ends it before it starts.
    if (cancelled) throw ProtocolError.subscriptionClosed(id);
    // Registered before the initial read: a change meanwhile is pushed (the client drops repeats by head).
    const watch = this.#vis.node.reactor.watch(collection, selection.predicate, {
      changes: (candidates) => {
        const sub = this.#subs.get(id);
        if (sub?.watch === watch) this.#changes(sub, candidates);
      },
      quiet: (candidates) => {
        const sub = this.#subs.get(id);
        if (sub?.watch === watch) this.#quiet(candidates);
      },
      closed: () => {
        const sub = this.#subs.get(id);
        if (sub?.watch === watch) this.#drop(sub);
      },
    });
    const sub: ServerSub = { id, collection, watch, selection, window: windowOf(selection) };
    this.#subs.set(id, sub);
    try {
      return await this.#initial(sub, held);
    } catch (e) {
      this.#drop(sub);
      throw e;
    }
  }

  async update(id: string, text: string, held: readonly HeldEntity[]): Promise<WireStates> {
    const sub = this.#subs.get(id);
    if (!sub) throw ProtocolError.noSubscription(id);
    const selection = await this.#vis.selection(sub.collection, text);
    if (sub.watch.closed) throw ProtocolError.noSubscription(id);
    sub.selection = selection;
    sub.window = windowOf(selection);
    for (const t of [...sub.watch.tracked]) sub.watch.untrack(t);
    sub.watch.setPredicate(selection.predicate);
    try {
      return await this.#initial(sub, held);
    } catch (e) {
      this.#drop(sub); // its tracked rows no longer match any state the client knows
      throw e;
    }
  }

  unsubscribe(id: string): void {
    const sub = this.#subs.get(id);
    if (sub) this.#drop(sub);
    else if (this.#opening.has(id)) this.#cancelled.add(id);
  }

  close(): void {
    this.#closed = true;
    for (const sub of [...this.#subs.values()]) this.#drop(sub);
    this.#outgoing.clear();
    this.#chunks.clear();
  }

  #drop(sub: ServerSub): void {
    if (this.#subs.get(sub.id) === sub) this.#subs.delete(sub.id);
    this.#refill.delete(sub);
    sub.watch.close();
  }

  /**
   * Reads a subscription's result and tracks its members. A `LIMIT n` result is read with a margin beyond
   * the window (as large as the reactor's default window slack) and the margin is tracked too: a client's
   * window keeps such a buffer, and a buffered row that stops matching must still reach it.
   */
  async #read(sub: ServerSub): Promise<Entity[]> {
    const { selection } = sub;
    const limit = selection.limit;
    const margin =
      limit === undefined
        ? undefined
        : Math.max(limit, Math.min(limit + Math.max(16, limit), this.#limits.maxResultRows));
    // While reading, every change of the collection is routed here and sent: an entity leaving the result
    // meanwhile may be one the client holds, and it is not tracked yet.
    sub.watch.loading = true;
    let read: Entity[];
    try {
      read = await this.#vis.fetch(
        sub.collection,
        margin === undefined ? selection : { ...selection, limit: margin },
      );
    } finally {
      sub.watch.loading = false;
    }
    if (sub.watch.closed) throw ProtocolError.subscriptionClosed(sub.id);
    // From here on a member's changes reach the watch even when its new row no longer matches.
    for (const e of read) if (sub.watch.matches(rowOf(e))) sub.watch.track(e.id);
    this.#checkTracked();
    return limit === undefined ? read : read.slice(0, limit);
  }

  /**
   * The answer to a subscribe or update: the result, plus the held entities outside it (as states, or `gone`
   * when this node does not hold them). The answer is numbered when it is built, after the held entities were
   * read one by one: an entity committed meanwhile (an offline creation the client is flushing) was missing
   * when read but is not gone, so every change of the collection is routed here until the answer is built,
   * and a held entity routed meanwhile is sent as its current state.
   */
  async #initial(sub: ServerSub, held: readonly HeldEntity[]): Promise<WireStates> {
    const routed = new Map<string, Entity>();
    sub.routed = routed;
    const live: Entity[] = [];
    const missing: string[] = [];
    let entities: Entity[];
    try {
      entities = await this.#read(sub);
      live.push(...entities);
      const inResult = new Set(entities.map((e) => e.id));
      sub.watch.loading = true;
      for (const h of held) {
        if (inResult.has(h.id)) continue;
        const e = await this.#vis.node.loadLocal(sub.collection, h.id);
        if (e) live.push(e);
        else missing.push(h.id);
      }
    } finally {
      sub.watch.loading = false;
      if (sub.routed === routed) delete sub.routed;
    }
    const heads = new Map(held.map((h) => [h.id, h.head.join(',')]));
    const gone: EntityRef[] = [];
    for (const id of missing) {
      const e = routed.get(id);
      if (e) live.push(e);
      else gone.push({ collection: sub.collection, id });
    }
    if (sub.window) sub.window = new Map(entities.map((e) => [e.id, headKey(e)]));
    // Entities the caller already holds at the current head are not sent again, and its pushes start there.
    const send: Entity[] = [];
    for (const e of live) {
      if (heads.get(e.id) !== headKey(e)) send.push(e);
      else this.#vis.sentAt(e, e.head);
    }
    return this.#vis.materialize(send, gone);
  }

  /** Refuses a result that makes the connection's live queries track more rows than `maxTrackedRows`. */
  #checkTracked(): void {
    let tracked = 0;
    for (const sub of this.#subs.values()) tracked += sub.watch.tracked.size;
    if (tracked <= this.#limits.maxTrackedRows) return;
    throw ProtocolError.tooManyTrackedRows(tracked, this.#limits.maxTrackedRows);
  }

  /** The candidates of one batch for one subscription (only those its index entry or members let through). */
  #changes(sub: ServerSub, candidates: readonly Candidate[]): void {
    let sent = false;
    for (const { entity, row, events } of candidates) {
      sub.routed?.set(entity.id, entity);
      const wasIn = sub.watch.tracked.has(entity.id);
      const isIn = sub.watch.matches(row);
      if (isIn) sub.watch.track(entity.id);
      else if (wasIn) sub.watch.untrack(entity.id);
      else if (!sub.watch.loading) continue;
      // An entity that left stays a state while visible (the peer re-evaluates it), else goes out as `gone`.
      this.#send(entity, events);
      sent = true;
    }
    if (sent && sub.window) this.#refill.add(sub);
  }

  /**
   * Tracked entities whose head moved while no value changed: pushed (as their events when they continue what
   * the connection holds, else as the state) so the peer's head follows the server's, and its next edits
   * continue it instead of merging with it.
   */
  #quiet(candidates: readonly Candidate[]): void {
    for (const { entity, events } of candidates) this.#send(entity, events);
  }

  /** Puts an entity in the next push, with the events of this change (each batch's once per connection). */
  #send(entity: Entity, events: readonly Event[] | undefined): void {
    this.#outgoing.set(entity.id, entity);
    const chunk = events ?? BROKEN;
    const chunks = this.#chunks.get(entity.id);
    if (!chunks) this.#chunks.set(entity.id, [chunk]);
    else if (!chunks.includes(chunk)) chunks.push(chunk);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      queueMicrotask(() => this.#flush());
    }
  }

  #flush(): void {
    this.#flushQueued = false;
    if (this.#closed) return;
    try {
      if (this.#outgoing.size > 0) {
        const entities = [...this.#outgoing.values()];
        this.#outgoing.clear();
        let frame: WireStates | undefined;
        try {
          frame = this.#vis.pushed(entities, this.#chunks);
        } finally {
          this.#chunks.clear();
        }
        if (frame) this.#push(frame);
      }
    } catch (e) {
      // A failing push must not break the reactor; the connection loses this one update.
      this.#vis.node.report(e);
    }
    const refill = [...this.#refill];
    this.#refill.clear();
    for (const sub of refill) {
      this.#refillWindow(sub).catch((e: unknown) => {
        // A subscription closed while its refill was reading (unsubscribed, or the client left) is no error.
        if (!sub.watch.closed) this.#vis.node.report(e);
      });
    }
  }

  async #refillWindow(sub: ServerSub): Promise<void> {
    if (sub.watch.closed) return;
    const entities = await this.#read(sub);
    if (!sub.window) return;
    const last = sub.window;
    sub.window = new Map(entities.map((e) => [e.id, headKey(e)]));
    const fresh = entities.filter((e) => last.get(e.id) !== headKey(e));
    if (fresh.length === 0 || this.#closed) return;
    // Those sent meanwhile at their current head are left out; the others go as states.
    const frame = this.#vis.pushed(fresh, NO_CHUNKS);
    if (frame) this.#push(frame);
  }
}

const NO_CHUNKS: ReadonlyMap<string, EventChunks> = new Map();

function windowOf(selection: Selection): Map<string, string> | undefined {
  return selection.limit !== undefined ? new Map() : undefined;
}
