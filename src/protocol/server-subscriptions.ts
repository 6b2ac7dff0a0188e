import { type Subscription } from 'rxjs';
import { type Entity } from '../entity/entity';
import { ProtocolError } from '../errors/errors';
import { type Selection } from '../query/ast';
import { compilePredicate } from '../query/evaluate';
import { type ChangeBatch } from '../node/node';
import { type EntityRef, type HeldEntity, type RemoteStates } from '../node/peer';
import { type Limits } from './limits';
import { headKey, rowOf, type Visibility } from './visibility';

interface ServerSub {
  readonly id: string;
  readonly collection: string;
  selection: Selection;
  match: (row: Readonly<Record<string, unknown>>) => boolean;
  /** For ORDER BY … LIMIT queries: the window last sent (id → head), refilled when a member leaves. */
  window: Map<string, string> | undefined;
}

/**
 * One connection's live queries on a durable node. Every applied change batch is matched against them; an
 * entity that enters or changes inside a result is pushed as its state, one that leaves is pushed as its state
 * when still visible to the connection and as `gone` when the policy filter hides it (its values never leave).
 * States are read from the live entity when sent, so the wire carries each entity's states in causal order.
 */
export class ServerSubscriptions {
  readonly #vis: Visibility;
  readonly #limits: Limits;
  readonly #push: (frame: RemoteStates) => void;
  readonly #subs = new Map<string, ServerSub>();
  #changes: Subscription | undefined;
  /** Subscriptions being set up: they count against the limit before they are registered. */
  #opening = new Set<string>();
  #closed = false;

  constructor(vis: Visibility, limits: Limits, push: (frame: RemoteStates) => void) {
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
  ): Promise<RemoteStates> {
    if (this.#subs.has(id) || this.#opening.has(id)) {
      throw ProtocolError.create(`subscription '${id}' already exists on this connection`);
    }
    if (this.#subs.size + this.#opening.size >= this.#limits.maxSubscriptions) {
      throw ProtocolError.create(
        `a connection may hold at most ${this.#limits.maxSubscriptions} subscriptions`,
      );
    }
    this.#opening.add(id);
    let selection: Selection;
    try {
      selection = await this.#vis.selection(collection, text);
      await this.#vis.filter(collection);
    } finally {
      this.#opening.delete(id);
    }
    if (this.#closed) throw ProtocolError.create('the connection is closed');
    const sub: ServerSub = { id, collection, ...compiled(selection) };
    // Registered before the initial read: a change meanwhile is pushed (the client drops repeats by head).
    this.#subs.set(id, sub);
    this.#changes ??= this.#vis.node.changes$.subscribe((b) => this.#onChanges(b));
    try {
      return await this.#initial(sub, held);
    } catch (e) {
      this.#subs.delete(id);
      throw e;
    }
  }

  async update(id: string, text: string, held: readonly HeldEntity[]): Promise<RemoteStates> {
    const sub = this.#subs.get(id);
    if (!sub) throw ProtocolError.create(`no subscription '${id}' on this connection`);
    Object.assign(sub, compiled(await this.#vis.selection(sub.collection, text)));
    return this.#initial(sub, held);
  }

  unsubscribe(id: string): void {
    this.#subs.delete(id);
  }

  close(): void {
    this.#closed = true;
    this.#subs.clear();
    this.#changes?.unsubscribe();
    this.#changes = undefined;
  }

  async #initial(sub: ServerSub, held: readonly HeldEntity[]): Promise<RemoteStates> {
    const entities = await this.#vis.fetch(sub.collection, sub.selection);
    const heads = new Map(held.map((h) => [h.id, h.head.join(',')]));
    const live = [...entities];
    const gone: EntityRef[] = [];
    const inResult = new Set(entities.map((e) => e.id));
    for (const h of held) {
      if (inResult.has(h.id)) continue;
      const e = await this.#vis.node.loadLocal(sub.collection, h.id);
      if (e) live.push(e);
      else gone.push({ collection: sub.collection, id: h.id });
    }
    if (sub.window) sub.window = new Map(entities.map((e) => [e.id, headKey(e)]));
    // Entities the caller already holds at the current head are not sent again.
    return this.#vis.materialize(
      live.filter((e) => heads.get(e.id) !== headKey(e)),
      gone,
    );
  }

  #onChanges(batch: ChangeBatch): void {
    try {
      this.#match(batch);
    } catch (e) {
      // A failing match must not reach the node's change stream; the connection loses this one update.
      this.#vis.node.errors$.next(e instanceof Error ? e : new Error(String(e)));
    }
  }

  #match(batch: ChangeBatch): void {
    const send = new Map<string, Entity>();
    const refill = new Set<ServerSub>();
    for (const sub of this.#subs.values()) {
      for (const { entity, before } of batch.changes) {
        if (entity.collection !== sub.collection) continue;
        const wasIn = before !== null && sub.match({ ...before, id: entity.id });
        const isIn = !entity.deleted && sub.match(rowOf(entity));
        if (!isIn && !wasIn) continue;
        // An entity that left stays a state while visible (the peer re-evaluates it), else goes out as `gone`.
        send.set(entity.id, entity);
        if (sub.window) refill.add(sub);
      }
    }
    if (send.size > 0) this.#push(this.#vis.materialize([...send.values()]));
    for (const sub of refill) {
      this.#refill(sub).catch((e: unknown) => this.#vis.node.errors$.next(e as Error));
    }
  }

  async #refill(sub: ServerSub): Promise<void> {
    const entities = await this.#vis.fetch(sub.collection, sub.selection);
    if (!this.#subs.has(sub.id) || !sub.window) return;
    const last = sub.window;
    sub.window = new Map(entities.map((e) => [e.id, headKey(e)]));
    const fresh = entities.filter((e) => last.get(e.id) !== headKey(e));
    if (fresh.length > 0) this.#push(this.#vis.materialize(fresh));
  }
}

function compiled(selection: Selection): Pick<ServerSub, 'selection' | 'match' | 'window'> {
  return {
    selection,
    match: compilePredicate(selection.predicate),
    window: selection.limit !== undefined ? new Map() : undefined,
  };
}
