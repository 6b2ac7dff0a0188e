import { BehaviorSubject, Subject } from 'rxjs';
import { Entity, type ApplyOptions } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';
import { AccessDeniedError, CausalError, StorageError, UnavailableError } from '../errors/errors';
import { planBatch, type BatchPlan, type OutsideParents } from '../event/batch-plan';
import { clockEquals } from '../event/clock';
import { isGenesis, type Event } from '../event/event';
import { checkClockSkew } from '../event/clock-skew';
import { DEFAULT_MAX_CLOCK_SKEW_MS, newId, observeId } from '../event/ids';
import { checkSameEntity, reachableTargets, type EventRetriever } from '../event/lineage';
import { StagingArea } from '../event/staging-area';
import { checkValues } from '../model/validate';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { type Selection } from '../query/ast';
import { Reactor } from '../reactor/reactor';
import { type StorageEngine } from '../storage/engine';
import { Serial } from '../storage/serial';
import { type Work } from './apply-work';
import { Context } from './context';
import { EntityCache, FreshChange } from './entity-cache';
import { type LocalBases, type NodeCore } from './node-core';
import { type EntityRef, type RemoteStates } from './peer';
import { PeerHub } from './peers';
import { PermissiveAgent, type ContextData, type PolicyAgent } from './policy';
import { Schema, collectionSpec } from './schema';
import { catchUpRefs, refreshEntities, type ChangedRef, type RefreshHost } from './storage-refresh';
import { TextClients } from './text-clients';

/** Options of Node.durable and Node.ephemeral. */
export interface NodeOptions {
  /** Model classes this node serves; other registered models are added on first use. */
  readonly models?: readonly ModelClass[];
  /** Decides who may read and write what (durable side). Defaults to PermissiveAgent. */
  readonly policy?: PolicyAgent;
  /** The bound on events visited by one causal walk. */
  readonly walkBudget?: number;
  /**
   * How far ahead of this node's clock a remote event's id may be dated, in milliseconds (default 5 minutes;
   * Infinity: no bound). Events dated further ahead are refused with CausalError: see
   * docs/conflict-resolution.md.
   */
  readonly maxClockSkewMs?: number;
  /**
   * Ephemeral node: the first delay (ms, default 250) before a queued commit is resent after a transient
   * failure of the durable peer (its storage failed or is unreachable); it doubles per failure in a row, with
   * jitter, up to `retryDelayMax` (default 10 000). Every reconnect resends at once.
   */
  readonly retryDelay?: number;
  readonly retryDelayMax?: number;
}

/** One entity changed by a commit or a remote update, with its values before the change. */
export interface EntityChange {
  readonly entity: Entity;
  /** Values before the change; null when the entity did not exist (or was deleted) before. */
  readonly before: Readonly<Record<string, unknown>> | null;
}

/** A set of entity changes applied together: one commit, or one batch of remote events. */
export interface ChangeBatch {
  readonly changes: readonly EntityChange[];
  /** Read back from shared storage (another node's commit, see refreshFromStorage): not to be fanned out again. */
  readonly refreshed?: boolean;
}

/**
 * A participant in the system. A durable node keeps every event and is authoritative for history; an
 * ephemeral node caches, works offline and syncs through durable peers.
 */
export class Node implements NodeCore {
  readonly id = newId();
  readonly durable: boolean;
  readonly storage: StorageEngine;
  readonly policy: PolicyAgent;
  readonly schema: Schema;
  readonly walkBudget: number | undefined;
  /** How far ahead of this node's clock a remote event's id may be dated (NodeOptions.maxClockSkewMs). */
  readonly maxClockSkewMs: number;
  /** Every batch of applied changes, for live queries. */
  readonly changes$ = new Subject<ChangeBatch>();
  /** Errors that have no caller to reject (a queued commit refused later, a failing subscriber). */
  readonly errors$ = new Subject<Error>();
  /** The number of local commits not yet acknowledged by a durable peer. */
  readonly pending$ = new BehaviorSubject<number>(0);
  /** Matches applied changes to live queries and subscriptions (servers relay remote subscriptions through it). */
  readonly reactor = new Reactor(this.changes$, (e) => this.errors$.next(e));
  /** Durable peers (ephemeral nodes): remote reads, the commit queue, relayed live queries. */
  readonly peers: PeerHub;
  readonly textClients = new TextClients(this.id);
  readonly #cache = new EntityCache();
  // Models already added and their collections ensured: meta() answers these without the schema checks.
  readonly #metas = new WeakMap<ModelClass, ModelMeta>();
  readonly #lock = new Serial();
  readonly #ensured = new Map<string, Promise<void>>();
  readonly #loading = new Map<string, Promise<Entity | undefined>>();
  readonly #staging = new StagingArea();
  #closed = false;

  protected constructor(storage: StorageEngine, durable: boolean, options: NodeOptions) {
    this.storage = storage;
    this.durable = durable;
    this.policy = options.policy ?? new PermissiveAgent();
    this.schema = new Schema(options.models ?? []);
    this.walkBudget = options.walkBudget;
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.peers = new PeerHub(this, {
      ...(options.retryDelay !== undefined ? { delay: options.retryDelay } : {}),
      ...(options.retryDelayMax !== undefined ? { maxDelay: options.retryDelayMax } : {}),
    });
  }

  /** An authority that keeps every event and answers for history. */
  static async durable(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    const node = new Node(storage, true, options);
    await node.#init();
    return node;
  }

  /**
   * A client or cache that syncs through durable peers; works offline on what it holds. Commits that an earlier
   * run kept but no durable peer acknowledged are restored from storage and sent once a peer connects.
   */
  static async ephemeral(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    const node = new Node(storage, false, options);
    await node.#init();
    await node.peers.restore();
    return node;
  }

  async #init(): Promise<void> {
    await Promise.all(this.schema.all().map((m) => this.ensureCollection(m)));
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Resolves when the node can serve reads and writes (ephemeral: once a durable peer is connected). */
  async ready(): Promise<void> {
    this.#checkOpen();
    if (!this.durable) await this.peers.ready();
  }

  /** A context carrying the caller's identity and claims for the policy agent. */
  context(data: ContextData = {}): Context {
    this.#checkOpen();
    return new Context(this, data);
  }

  meta(model: ModelClass): ModelMeta {
    const known = this.#metas.get(model);
    if (known && this.schema.get(known.collection) === known && this.#ensured.has(known.collection)) {
      return known;
    }
    const meta = this.schema.add(model);
    this.#metas.set(model, meta);
    void this.ensureCollection(meta).catch((e: unknown) => this.errors$.next(e as Error));
    return meta;
  }

  metaOf(collection: string): ModelMeta {
    return this.schema.get(collection) ?? this.schema.dynamic(collection);
  }

  /** Creates the collection's tables once per node. */
  ensureCollection(meta: ModelMeta): Promise<void> {
    let p = this.#ensured.get(meta.collection);
    if (!p) {
      p = this.storage.ensureCollection(collectionSpec(meta));
      this.#ensured.set(meta.collection, p);
      p.catch(() => this.#ensured.delete(meta.collection));
    }
    return p;
  }

  #checkOpen(): void {
    if (this.#closed) throw UnavailableError.create(`node ${this.id} is closed`);
  }

  /**
   * Reads events for causal walks: the batch being applied, staged events, then storage. An ephemeral node's
   * own edits need no walk over history it lacks (they merge against the snapshot they were made on), and it
   * adopts states from its durable peer instead of applying remote events.
   */
  retriever(staged?: { get(id: string): Event | undefined }): EventRetriever {
    return {
      getEvents: async (collection, ids) => {
        const out = new Map<string, Event>();
        const missing: string[] = [];
        for (const id of ids) {
          const s = staged?.get(id) ?? this.#staging.get(id);
          if (s) out.set(id, s);
          else missing.push(id);
        }
        if (missing.length > 0) {
          for (const e of await this.storage.getEvents(collection, missing)) out.set(e.id, e);
        }
        return out;
      },
    };
  }

  /** The number of remote events waiting for their parents to arrive. */
  get stagedCount(): number {
    return this.#staging.size;
  }

  async loadEntity(collection: string, id: string, _ctx?: ContextData): Promise<Entity | undefined> {
    this.#checkOpen();
    return this.durable ? this.loadLocal(collection, id) : this.peers.load(collection, id);
  }

  /** The live entity from the cache or this node's storage only. */
  async loadLocal(collection: string, id: string): Promise<Entity | undefined> {
    this.#checkOpen();
    const cached = this.#cache.get(collection, id);
    if (cached) return cached;
    const key = EntityCache.key(collection, id);
    let p = this.#loading.get(key);
    if (!p) {
      p = this.#readState(collection, id).finally(() => this.#loading.delete(key));
      this.#loading.set(key, p);
    }
    return p;
  }

  async #readState(collection: string, id: string): Promise<Entity | undefined> {
    await this.ensureCollection(this.metaOf(collection));
    const state = await this.storage.getState(collection, id);
    return state ? this.#cache.fromState(state) : undefined;
  }

  /** Live entities matching a selection (policy filters are applied by the caller); ephemeral: from the peer. */
  async fetchEntities(collection: string, selection: Selection): Promise<Entity[]> {
    this.#checkOpen();
    return this.durable ? this.fetchLocal(collection, selection) : this.peers.fetch(collection, selection);
  }

  /** Live entities matching a selection, from this node's storage only. */
  async fetchLocal(collection: string, selection: Selection): Promise<Entity[]> {
    this.#checkOpen();
    await this.ensureCollection(this.metaOf(collection));
    const states = await this.storage.fetchStates(collection, selection);
    return states.map((s) => this.#cache.fromState(s));
  }

  /** The events of one entity: stored here (durable), or the durable peer's (ephemeral; see PeerHub.history). */
  async entityEvents(collection: string, id: string): Promise<Event[]> {
    this.#checkOpen();
    if (this.durable) return this.storage.entityEvents(collection, id);
    await this.ensureCollection(this.metaOf(collection));
    return [...(await this.peers.history(collection, id))];
  }

  /** Commits a transaction's events: applied here (durable), or sent to the durable peer / queued (ephemeral). */
  async commitLocal(events: readonly Event[], ctx: ContextData, bases?: LocalBases): Promise<void> {
    this.#checkOpen();
    if (this.durable) await this.applyEvents(events, ctx, true, [], bases);
    else await this.peers.commit(events, ctx, bases);
  }

  /**
   * Adopts states a durable peer sent (ephemeral nodes hold state without history) and drops `gone` entities
   * locally; entities for which `keep` is true are left alone. Resolves to the live entities of `states`.
   */
  async adoptStates(update: RemoteStates, keep: (ref: EntityRef) => boolean): Promise<Entity[]> {
    return this.#lock.run(async () => {
      const out: Entity[] = [];
      const changes: EntityChange[] = [];
      const states: EntityState[] = [];
      const staged: { primary: Entity | undefined; next: Entity; before: Record<string, unknown> | null }[] =
        [];
      // Whether a state is older than one already adopted is the caller's call (`keep`: sequence numbers).
      const take = async (state: EntityState): Promise<Entity | undefined> => {
        await this.ensureCollection(this.metaOf(state.collection));
        const primary = await this.loadLocal(state.collection, state.id);
        if (
          keep(state) ||
          (primary && clockEquals(primary.head, state.head) && primary.deleted === state.deleted)
        ) {
          return primary;
        }
        const next = new Entity(state);
        states.push(state);
        staged.push({ primary, next, before: primary?.exists && !primary.deleted ? primary.values() : null });
        return primary ?? next;
      };
      for (const s of update.states) {
        const e = await take(s);
        if (e) out.push(e);
      }
      for (const g of update.gone) {
        const held = await this.loadLocal(g.collection, g.id);
        if (held?.exists && !held.deleted && !keep(g)) {
          await take({ ...held.state(), deleted: true, deletedBy: held.head[0] });
        }
      }
      if (states.length === 0) return out;
      try {
        await this.storage.commit({ events: [], states });
      } catch (e) {
        throw e instanceof StorageError ? e : StorageError.wrap('keeping states from a peer', e);
      }
      for (const w of staged) {
        if (w.primary) w.primary.adopt(w.next);
        else this.#cache.put(w.next);
        changes.push({ entity: w.primary ?? w.next, before: w.before });
      }
      this.changes$.next({ changes });
      return out;
    });
  }

  /**
   * Applies new events atomically, parents first whatever order they came in: causal apply on copies, policy
   * check, one storage commit, then the live entities adopt the new states and one change batch is emitted
   * (entities whose values did not change are left out). Known events are skipped. Remote events whose parents
   * are unknown wait in the staging area until the parents arrive; local ones are refused. Remote events dated
   * beyond maxClockSkewMs are refused whole. `also` are states of other records kept in the same storage
   * transaction (an ephemeral node's outbox); `bases` the snapshots local events were made on (see
   * ApplyOptions.base). On any failure nothing changes, the id clock included: only stored remote events are
   * observed.
   */
  async applyEvents(
    events: readonly Event[],
    ctx: ContextData,
    local: boolean,
    also: readonly EntityState[] = [],
    bases?: LocalBases,
  ): Promise<EntityChange[]> {
    if (!local) checkClockSkew(events, this.maxClockSkewMs);
    return this.#lock.run(async () => {
      for (const e of this.#staging.expire()) this.#reportDropped(e, 'waited too long for its parents');
      const fresh = local ? await this.#minted(events) : await this.#unseen(events);
      if (fresh.length === 0) return [];
      // A transaction's events (one per entity) depend on no other event of the batch, and their parents are
      // the heads the transaction read here: nothing to order or wait for. applyEvent refuses unknown parents.
      if (local) return this.#applyReady(fresh, ctx, local, also, bases);
      const released = local ? [] : this.#staging.dependents(fresh.map((e) => e.id));
      if (released.length === 0) return this.#applyPlanned(fresh, ctx, local, also);
      try {
        return await this.#applyPlanned([...fresh, ...released], ctx, local, also);
      } catch (e) {
        // A staged event that fails must not block the events that released it: drop it and retry without.
        for (const r of released) {
          this.#staging.delete(r.id);
          this.#reportDropped(r, `failed once its parents arrived (${(e as Error).message})`);
        }
        return this.#applyPlanned(fresh, ctx, local, also);
      }
    });
  }

  /** Events this node just minted cannot be stored yet: only make sure their collections exist. */
  async #minted(events: readonly Event[]): Promise<readonly Event[]> {
    for (const c of new Set(events.map((e) => e.collection))) await this.ensureCollection(this.metaOf(c));
    return events;
  }

  /** The events of a batch that are not stored yet, once each. */
  async #unseen(events: readonly Event[]): Promise<Event[]> {
    const byId = new Map<string, Event>();
    for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
    for (const c of new Set(events.map((e) => e.collection))) {
      await this.ensureCollection(this.metaOf(c));
      const ids = [...byId.values()].filter((e) => e.collection === c).map((e) => e.id);
      for (const e of await this.storage.getEvents(c, ids)) byId.delete(e.id);
    }
    return [...byId.values()];
  }

  async #applyPlanned(
    events: readonly Event[],
    ctx: ContextData,
    local: boolean,
    also: readonly EntityState[],
  ): Promise<EntityChange[]> {
    const plan = this.#headPlan(events) ?? (await planBatch(events, (groups) => this.#knownEvents(groups)));
    const first = plan.waiting[0];
    if (first && local) {
      throw CausalError.create(
        `local event ${first.id} has parents ${first.parents.join(', ')} this node does not hold`,
      );
    }
    for (const e of plan.waiting) {
      for (const d of this.#staging.add(e)) this.#reportDropped(d, 'the staging area is full');
    }
    const changes = await this.#applyReady(plan.ready, ctx, local, also);
    for (const e of plan.ready) this.#staging.delete(e.id);
    return changes;
  }

  /**
   * The plan of the usual remote commit, one event whose parents are all in the head of the live entity: those
   * are applied here (a head only names applied events), so the event is ready without a storage read.
   */
  #headPlan(events: readonly Event[]): BatchPlan | undefined {
    const [only] = events;
    if (events.length !== 1 || !only || only.parents.length === 0) return undefined;
    const head = this.#cache.get(only.collection, only.entityId)?.head;
    if (!head || !only.parents.every((p) => head.includes(p))) return undefined;
    return { ready: events, waiting: [] };
  }

  /**
   * Which of these event ids are applied here: stored (one storage read per collection), or, for a state held
   * without its history on an ephemeral node, in the past of its head as the retriever can tell.
   * CausalError when a stored event with one of these ids belongs to another entity.
   */
  async #knownEvents(groups: readonly OutsideParents[]): Promise<Set<string>> {
    const found = new Set<string>();
    for (const c of new Set(groups.map((g) => g.collection))) {
      const mine = groups.filter((g) => g.collection === c);
      const ids = mine.flatMap((g) => g.ids);
      const stored = new Map<string, Event>();
      for (const e of await this.storage.getEvents(c, ids)) stored.set(e.id, e);
      for (const g of mine) {
        for (const id of g.ids) {
          const e = stored.get(id);
          if (!e) continue;
          // An event of another entity is no parent: refused, not left waiting for a parent that cannot come.
          checkSameEntity(g, e);
          found.add(id);
        }
      }
    }
    if (this.durable) return found;
    for (const g of groups) {
      const rest = new Set(g.ids.filter((id) => !found.has(id)));
      if (rest.size === 0) continue;
      const head = (await this.loadLocal(g.collection, g.entityId))?.head ?? [];
      for (const id of head) if (rest.delete(id)) found.add(id);
      if (rest.size === 0 || head.length === 0) continue;
      try {
        const past = await reachableTargets(g.collection, head, rest, this.retriever(), this.walkBudget);
        for (const id of past) found.add(id);
      } catch (e) {
        if (!(e instanceof CausalError)) throw e;
      }
    }
    return found;
  }

  #reportDropped(event: Event, why: string): void {
    this.errors$.next(
      CausalError.create(`event ${event.id} of ${event.collection}/${event.entityId} was dropped: it ${why}`),
    );
  }

  async #applyReady(
    ready: readonly Event[],
    ctx: ContextData,
    local: boolean,
    also: readonly EntityState[],
    bases?: LocalBases,
  ): Promise<EntityChange[]> {
    if (ready.length === 0 && also.length === 0) return [];
    let staged: Map<string, Event> | undefined;
    const retriever = this.retriever({
      get: (id: string) => (staged ??= new Map(ready.map((e) => [e.id, e]))).get(id),
    });
    const options: ApplyOptions = {
      ...(this.walkBudget !== undefined ? { budget: this.walkBudget } : {}),
      verifyUnseen: !this.durable,
    };
    // Local batches hold one event per entity (one transaction's): no lookup by entity is needed.
    const work = local ? undefined : new Map<string, Work>();
    const all: Work[] = [];
    const editing = local ? new Set<Entity>() : undefined;
    const applied: Event[] = [];
    for (const event of ready) {
      const key = work ? EntityCache.key(event.collection, event.entityId) : '';
      let w = work?.get(key);
      if (!w) {
        const cached = this.#cache.get(event.collection, event.entityId);
        // A durable node holds every event, so an unknown genesis event means a new entity: skip the read.
        const isNew = this.durable && !cached && isGenesis(event);
        // A transaction's plain creation: its state is computed directly, no entity is built until one is read.
        const created = isNew && local ? Entity.genesisState(event) : undefined;
        if (created) {
          all.push({
            primary: undefined,
            next: undefined,
            created,
            before: null,
            fresh: true,
            touched: true,
            changed: true,
          });
          applied.push(event);
          continue;
        }
        const primary =
          cached ??
          (isNew ? undefined : await this.loadLocal(event.collection, event.entityId)) ??
          new Entity({ id: event.entityId, collection: event.collection });
        const before = primary.exists && !primary.deleted ? primary.values() : null;
        // A new entity is not shared with anyone yet: stage on it directly instead of on a copy.
        const fresh = !primary.exists && !this.#cache.get(primary.collection, primary.id);
        const next = primary.exists || !fresh ? primary.clone() : primary;
        if (editing) {
          if (editing.has(primary)) {
            throw CausalError.create(
              `a local batch holds two events of ${event.collection}/${event.entityId}; one transaction makes one`,
            );
          }
          if (!fresh) editing.add(primary);
        }
        w = { primary, next, created: undefined, before, fresh, touched: false, changed: false };
        work?.set(key, w);
        all.push(w);
      }
      const next = w.next as Entity;
      const base = bases?.get(event.id);
      const result =
        next.applyWithoutWalk(event) ??
        (await next.applyEvent(event, retriever, base ? { ...options, base } : options));
      if (result.outcome === 'noop') continue;
      applied.push(event);
      w.touched = true;
      w.changed ||= result.changed;
    }
    if (applied.length === 0 && also.length === 0) return [];
    const touched = all.filter((w) => w.touched);
    const states = touched.map((w) => w.created ?? (w.next as Entity).state());
    await this.#checkPolicy(touched, states, ctx, local);
    try {
      await this.storage.commit({ events: applied, states: also.length > 0 ? [...states, ...also] : states });
    } catch (e) {
      throw e instanceof StorageError ? e : StorageError.wrap('committing events', e);
    }
    // Local ids were minted here; remote ones move the clock only once stored (observeId ignores forgeries).
    if (!local) for (const e of applied) observeId(e.id);
    const changes: EntityChange[] = [];
    for (let i = 0; i < touched.length; i++) {
      const w = touched[i] as Work;
      if (w.fresh) changes.push(new FreshChange(w.primary, states[i] as EntityState, this.#cache));
      else if (w.primary && w.next) {
        w.primary.adopt(w.next, w.changed);
        if (w.changed) changes.push({ entity: w.primary, before: w.before });
      }
    }
    if (changes.length > 0) this.changes$.next({ changes });
    return changes;
  }

  /** Checks each staged change (`states[i]` is `work[i]`'s new state) against validation and the policy. */
  async #checkPolicy(
    work: readonly { readonly before: Record<string, unknown> | null }[],
    states: readonly EntityState[],
    ctx: ContextData,
    local: boolean,
  ): Promise<void> {
    // Exactly PermissiveAgent: a subclass may override checks.
    const permissive = Object.getPrototypeOf(this.policy) === PermissiveAgent.prototype;
    if (permissive && local) return;
    for (let i = 0; i < work.length; i++) {
      const w = work[i] as { readonly before: Record<string, unknown> | null };
      const next = states[i] as EntityState;
      const c = next.collection;
      // A remote writer's values are checked here too: its own validation is not to be trusted.
      const meta = local ? undefined : this.schema.get(c);
      if (meta && !next.deleted) await checkValues(meta, next.values);
      if (permissive) continue;
      if (!(await this.policy.canAccessCollection(ctx, c, 'write'))) {
        throw AccessDeniedError.create(`writing to collection '${c}' is not allowed`);
      }
      const after = next.deleted ? null : { id: next.id, ...next.values };
      const before = w.before ? { id: next.id, ...w.before } : null;
      if (!(await this.policy.checkEvent(ctx, c, before, after))) {
        throw AccessDeniedError.create(`the change to ${c}/${next.id} was refused by the policy agent`);
      }
    }
  }

  /**
   * Shared storage (several durable nodes on one database, kept in step by a fan-out): re-reads entities another
   * node changed and emits their changes as one `refreshed` batch. `catchUp` re-reads everything held live or
   * matched by a live query (after missed notices). Resolves to the number of changed entities.
   */
  async refreshFromStorage(refs: readonly ChangedRef[] | 'catchUp'): Promise<number> {
    this.#checkOpen();
    const host: RefreshHost = {
      storage: this.storage,
      cache: this.#cache,
      walkBudget: this.walkBudget,
      retriever: () => this.retriever(),
      ensure: (c) => this.ensureCollection(this.metaOf(c)),
      watches: (c) => this.reactor.watches(c),
    };
    const list =
      refs === 'catchUp' ? await catchUpRefs(host, this.#cache.live(), this.reactor.watched()) : refs;
    return this.#lock.run(async () => {
      if (this.#closed) return 0;
      const changes = await refreshEntities(host, list);
      if (changes.length > 0) this.changes$.next({ changes, refreshed: true });
      return changes.length;
    });
  }

  /** Closes the node: completes every observable and closes storage. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#lock.run(async () => {
      this.#closed = true;
    });
    this.peers.close();
    for (const e of this.#cache.live()) e.complete();
    this.changes$.complete();
    this.errors$.complete();
    this.pending$.complete();
    await this.storage.close();
  }
}
