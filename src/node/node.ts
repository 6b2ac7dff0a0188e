import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import { Entity } from '../entity/entity';
import { AccessDeniedError, StorageError, UnavailableError } from '../errors/errors';
import { isGenesis, type Event } from '../event/event';
import { newId } from '../event/ids';
import { type EventRetriever } from '../event/lineage';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { type Selection } from '../query/ast';
import { type StorageEngine } from '../storage/engine';
import { Context } from './context';
import { EntityCache } from './entity-cache';
import { Mutex } from './mutex';
import { type NodeCore } from './node-core';
import { PermissiveAgent, type ContextData, type PolicyAgent } from './policy';
import { Schema, collectionSpec } from './schema';

/** Options of Node.durable and Node.ephemeral. */
export interface NodeOptions {
  /** Model classes this node serves; other registered models are added on first use. */
  readonly models?: readonly ModelClass[];
  /** Decides who may read and write what (durable side). Defaults to PermissiveAgent. */
  readonly policy?: PolicyAgent;
  /** The bound on events visited by one causal walk. */
  readonly walkBudget?: number;
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
  /** Every batch of applied changes, for live queries. */
  readonly changes$ = new Subject<ChangeBatch>();
  /** Errors that have no caller to reject (a queued commit refused later, a failing subscriber). */
  readonly errors$ = new Subject<Error>();
  /** The number of local commits not yet acknowledged by a durable peer. */
  readonly pending$ = new BehaviorSubject<number>(0);
  readonly #cache = new EntityCache();
  readonly #lock = new Mutex();
  readonly #ensured = new Map<string, Promise<void>>();
  readonly #loading = new Map<string, Promise<Entity | undefined>>();
  #closed = false;

  protected constructor(storage: StorageEngine, durable: boolean, options: NodeOptions) {
    this.storage = storage;
    this.durable = durable;
    this.policy = options.policy ?? new PermissiveAgent();
    this.schema = new Schema(options.models ?? []);
    this.walkBudget = options.walkBudget;
  }

  /** An authority that keeps every event and answers for history. */
  static async durable(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    const node = new Node(storage, true, options);
    await node.#init();
    return node;
  }

  /** A client or cache that syncs through durable peers; works offline on what it holds. */
  static async ephemeral(storage: StorageEngine, options: NodeOptions = {}): Promise<Node> {
    const node = new Node(storage, false, options);
    await node.#init();
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
  }

  /** A context carrying the caller's identity and claims for the policy agent. */
  context(data: ContextData = {}): Context {
    this.#checkOpen();
    return new Context(this, data);
  }

  meta(model: ModelClass): ModelMeta {
    const meta = this.schema.add(model);
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

  /** Reads events for causal walks: storage first (staged events are passed in per call). */
  retriever(staged?: ReadonlyMap<string, Event>): EventRetriever {
    return {
      getEvents: async (collection, ids) => {
        const out = new Map<string, Event>();
        const missing: string[] = [];
        for (const id of ids) {
          const s = staged?.get(id);
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

  async loadEntity(collection: string, id: string, _ctx?: ContextData): Promise<Entity | undefined> {
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

  /** Live entities matching a selection, from storage (policy filters are applied by the caller). */
  async fetchEntities(collection: string, selection: Selection): Promise<Entity[]> {
    this.#checkOpen();
    await this.ensureCollection(this.metaOf(collection));
    const states = await this.storage.fetchStates(collection, selection);
    return states.map((s) => this.#cache.fromState(s));
  }

  /** The stored events of one entity. */
  async entityEvents(collection: string, id: string): Promise<Event[]> {
    this.#checkOpen();
    return this.storage.entityEvents(collection, id);
  }

  async commitLocal(events: readonly Event[], ctx: ContextData): Promise<void> {
    this.#checkOpen();
    await this.applyEvents(events, ctx, true);
  }

  /**
   * Applies new events atomically: policy check, causal apply on staged copies, one storage commit, then the
   * live entities adopt the new states and one change batch is emitted. On any failure nothing changes.
   */
  async applyEvents(events: readonly Event[], ctx: ContextData, local: boolean): Promise<EntityChange[]> {
    return this.#lock.run(async () => {
      const staged = new Map(events.map((e) => [e.id, e]));
      const known = new Set<string>();
      for (const c of new Set(events.map((e) => e.collection))) {
        await this.ensureCollection(this.metaOf(c));
        const ids = events.filter((e) => e.collection === c).map((e) => e.id);
        for (const e of await this.storage.getEvents(c, ids)) known.add(e.id);
      }
      const work = new Map<
        string,
        { primary: Entity; next: Entity; before: Record<string, unknown> | null }
      >();
      const fresh: Event[] = [];
      const retriever = this.retriever(staged);
      for (const event of events) {
        if (known.has(event.id)) continue;
        const key = EntityCache.key(event.collection, event.entityId);
        let w = work.get(key);
        if (!w) {
          // A durable node holds every event, so an unknown genesis event means a new entity: skip the read.
          const fresh = this.durable && isGenesis(event) && !this.#cache.get(event.collection, event.entityId);
          const primary =
            (fresh ? undefined : await this.loadEntity(event.collection, event.entityId)) ??
            new Entity({ id: event.entityId, collection: event.collection });
          const before = primary.exists && !primary.deleted ? primary.values() : null;
          w = { primary, next: primary.exists ? primary.clone() : new Entity({ id: primary.id, collection: primary.collection }), before };
          work.set(key, w);
        }
        const outcome = await w.next.applyEvent(event, retriever, this.walkBudget);
        if (outcome !== 'noop') fresh.push(event);
        known.add(event.id);
      }
      if (fresh.length === 0) return [];
      await this.#checkPolicy(work.values(), ctx, local);
      try {
        await this.storage.commit({ events: fresh, states: [...work.values()].map((w) => w.next.state()) });
      } catch (e) {
        throw e instanceof StorageError ? e : StorageError.wrap('committing events', e);
      }
      const changes: EntityChange[] = [];
      for (const w of work.values()) {
        if (!w.primary.exists) this.#cache.put(w.primary);
        w.primary.adopt(w.next);
        changes.push({ entity: w.primary, before: w.before });
      }
      this.changes$.next({ changes });
      return changes;
    });
  }

  async #checkPolicy(
    work: Iterable<{ next: Entity; before: Record<string, unknown> | null }>,
    ctx: ContextData,
    _local: boolean,
  ): Promise<void> {
    if (this.policy instanceof PermissiveAgent) return;
    for (const w of work) {
      const c = w.next.collection;
      if (!(await this.policy.canAccessCollection(ctx, c, 'write'))) {
        throw AccessDeniedError.create(`writing to collection '${c}' is not allowed`);
      }
      const after = w.next.deleted ? null : { id: w.next.id, ...w.next.values() };
      const before = w.before ? { id: w.next.id, ...w.before } : null;
      if (!(await this.policy.checkEvent(ctx, c, before, after))) {
        throw AccessDeniedError.create(`the change to ${c}/${w.next.id} was refused by the policy agent`);
      }
    }
  }

  /** Closes the node: completes every observable and closes storage. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#lock.run(async () => {
      this.#closed = true;
    });
    for (const e of this.#cache.live()) e.complete();
    this.changes$.complete();
    this.errors$.complete();
    this.pending$.complete();
    await this.storage.close();
  }
}

/** Public alias of the change stream's element type. */
export type NodeChanges = Observable<ChangeBatch>;
