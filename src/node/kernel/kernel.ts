import { BehaviorSubject, type Observable, Subject } from 'rxjs';
import { type Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { UnavailableError, asError } from '../../errors/errors';
import { checkClockSkew } from '../../event/clock-skew';
import { type Event } from '../../event/event';
import { DEFAULT_MAX_CLOCK_SKEW_MS, newId } from '../../event/ids';
import { type EventRetriever } from '../../event/lineage';
import { StagingArea } from '../../event/staging-area';
import { type ModelClass, type ModelMeta } from '../../model/model-meta';
import { type Selection } from '../../query/ast';
import { Reactor } from '../../reactor/reactor';
import { type StorageEngine } from '../../storage/engine';
import { Serial } from '../../storage/serial';
import { type NodeOptions } from '../options';
import { type EntityRef, type Holding, type RemoteQuery, type RemoteStates } from '../peers/peer';
import { PeerHub } from '../peers/hub';
import { PermissiveAgent, type ContextData, type PolicyAgent } from '../policy';
import {
  type ChangeBatch,
  type ChangedRef,
  type EntityChange,
  type EventAdoption,
  type LocalBases,
  type NodeServices,
  type ReplicaPort,
} from '../ports';
import { Schema, collectionSpec } from '../schema';
import { TextClients } from '../text-clients';
import { adoptStates } from './adopt';
import { type ApplyHost } from './apply-host';
import { applyLocal as applyLocalBatch } from './apply-local';
import { applyRemote as applyRemoteBatch, reportDropped } from './apply-remote';
import { EntityCache } from './entity-cache';
import { retryConflicts } from './shared-writes';
import { catchUpRefs, refreshEntities } from './storage-refresh';

/**
 * The local kernel of a node: the entity cache, loading, the apply pipeline and adoption of peer states, and
 * (ephemeral) its peer client. The public Node is a facade over it; the user API reaches it as NodeServices,
 * the peer client and the server side as ReplicaPort.
 */
export class Kernel implements NodeServices, ReplicaPort, ApplyHost {
  readonly id = newId();
  readonly durable: boolean;
  readonly storage: StorageEngine;
  readonly policy: PolicyAgent;
  readonly schema: Schema;
  readonly walkBudget: number | undefined;
  readonly maxClockSkewMs: number;
  /** Every batch of applied changes, for live queries. */
  readonly changes$ = new Subject<ChangeBatch>();
  readonly errors$ = new Subject<Error>();
  readonly pending$ = new BehaviorSubject<number>(0);
  readonly #closing = new Subject<never>();
  /** Emits nothing; completes when the node closes (at once for a subscriber that comes later). */
  readonly closing$: Observable<never> = this.#closing.asObservable();
  readonly reactor = new Reactor(this.changes$, (e) => this.errors$.next(e));
  readonly peers: PeerHub;
  readonly textClients = new TextClients(this.id);
  readonly cache = new EntityCache();
  readonly staging = new StagingArea();
  readonly services: NodeServices = this;
  // Models already added and their collections ensured: meta() answers these without the schema checks.
  readonly #metas = new WeakMap<ModelClass, ModelMeta>();
  readonly #lock = new Serial();
  readonly #ensured = new Map<string, Promise<void>>();
  readonly #loading = new Map<string, Promise<Entity | undefined>>();
  #closed = false;

  private constructor(storage: StorageEngine, durable: boolean, options: NodeOptions) {
    this.storage = storage;
    this.durable = durable;
    this.policy = options.policy ?? new PermissiveAgent();
    this.schema = new Schema(options.models ?? []);
    this.walkBudget = options.walkBudget;
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_MAX_CLOCK_SKEW_MS;
    this.reactor.windowSlack = options.windowSlack;
    this.peers = new PeerHub(this, (n) => this.pending$.next(n), {
      ...(options.retryDelay !== undefined ? { delay: options.retryDelay } : {}),
      ...(options.retryDelayMax !== undefined ? { maxDelay: options.retryDelayMax } : {}),
    });
  }

  /** A started kernel: collections ensured; ephemeral: commits an earlier run kept are queued again. */
  static async open(storage: StorageEngine, durable: boolean, options: NodeOptions): Promise<Kernel> {
    const k = new Kernel(storage, durable, options);
    await Promise.all(k.schema.all().map((m) => k.ensureCollection(m)));
    if (!durable) await k.peers.restore();
    return k;
  }

  get closed(): boolean {
    return this.#closed;
  }

  get stagedCount(): number {
    return this.staging.size;
  }

  get pendingCount(): number {
    return this.pending$.value;
  }

  checkOpen(): void {
    if (this.#closed) throw UnavailableError.nodeClosed(this.id);
  }

  report(e: unknown): void {
    this.errors$.next(asError(e));
  }

  emit(batch: ChangeBatch): void {
    this.changes$.next(batch);
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

  ensureCollection(meta: ModelMeta): Promise<void> {
    let p = this.#ensured.get(meta.collection);
    if (!p) {
      p = this.storage.ensureCollection(collectionSpec(meta));
      this.#ensured.set(meta.collection, p);
      p.catch(() => this.#ensured.delete(meta.collection));
    }
    return p;
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
          const s = staged?.get(id) ?? this.staging.get(id);
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
    this.checkOpen();
    return this.durable ? this.loadLocal(collection, id) : this.peers.load(collection, id);
  }

  async loadLocal(collection: string, id: string): Promise<Entity | undefined> {
    this.checkOpen();
    const cached = this.cache.get(collection, id);
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
    return state ? this.cache.fromState(state) : undefined;
  }

  async fetchEntities(collection: string, selection: Selection): Promise<Entity[]> {
    this.checkOpen();
    return this.durable ? this.fetchLocal(collection, selection) : this.peers.fetch(collection, selection);
  }

  async fetchLocal(collection: string, selection: Selection): Promise<Entity[]> {
    this.checkOpen();
    await this.ensureCollection(this.metaOf(collection));
    const states = await this.storage.fetchStates(collection, selection);
    return states.map((s) => this.cache.fromState(s));
  }

  async entityEvents(collection: string, id: string): Promise<Event[]> {
    this.checkOpen();
    if (this.durable) return this.storage.entityEvents(collection, id);
    await this.ensureCollection(this.metaOf(collection));
    return [...(await this.peers.history(collection, id))];
  }

  /** Commits a transaction's events: applied here (durable), or sent to the durable peer / queued (ephemeral). */
  async commitLocal(events: readonly Event[], ctx: ContextData, bases?: LocalBases): Promise<void> {
    this.checkOpen();
    if (this.durable) await this.applyLocal(events, ctx, [], bases);
    else await this.peers.commit(events, ctx, bases);
  }

  trackQuery(
    collection: string,
    selection: Selection,
    held: Holding,
    failed?: (error: Error) => void,
  ): RemoteQuery {
    return this.peers.trackQuery(collection, selection, held, failed);
  }

  adoptStates(
    update: RemoteStates,
    keep: (ref: EntityRef) => boolean,
    pushed?: EventAdoption,
  ): Promise<Entity[]> {
    return this.#lock.run(() => adoptStates(this, update, keep, pushed));
  }

  /** Applies this node's own events, one transaction's (see apply-local.ts); `also` rides in the same commit. */
  applyLocal(
    events: readonly Event[],
    ctx: ContextData,
    also: readonly EntityState[] = [],
    bases?: LocalBases,
  ): Promise<EntityChange[]> {
    return this.#lock.run(() =>
      this.#retryConflicts(() => {
        this.#expireStaged();
        return applyLocalBatch(this, events, ctx, also, bases);
      }),
    );
  }

  /** Applies events from other nodes (see apply-remote.ts); refused whole when dated beyond maxClockSkewMs. */
  async applyRemote(events: readonly Event[], ctx: ContextData): Promise<EntityChange[]> {
    checkClockSkew(events, this.maxClockSkewMs);
    return this.#lock.run(() =>
      this.#retryConflicts(() => {
        this.#expireStaged();
        return applyRemoteBatch(this, events, ctx);
      }),
    );
  }

  /** On a shared storage another node may have changed the entities: reload them and apply again. */
  #retryConflicts(apply: () => Promise<EntityChange[]>): Promise<EntityChange[]> {
    if (!this.storage.shared) return apply();
    // Already under the apply lock: the reload must not take it again.
    return retryConflicts(apply, (refs) => this.#refresh(refs));
  }

  async refreshFromStorage(refs: readonly ChangedRef[] | 'catchUp'): Promise<number> {
    this.checkOpen();
    const list =
      refs === 'catchUp' ? await catchUpRefs(this, this.cache.live(), this.reactor.watched()) : refs;
    return this.#lock.run(async () => (this.#closed ? 0 : this.#refresh(list)));
  }

  /**
   * Makes the entities of `refs` adopt the states another node stored, and emits the changes as one `refreshed`
   * batch (that node publishes them itself); resolves to their number. The caller holds the apply lock.
   */
  async #refresh(refs: readonly ChangedRef[]): Promise<number> {
    const changes = await refreshEntities(this, refs);
    if (changes.length > 0) this.changes$.next({ changes, refreshed: true });
    return changes.length;
  }

  #expireStaged(): void {
    for (const e of this.staging.expire()) reportDropped(this, e, 'waited too long for its parents');
  }

  /** Closes the node: completes every observable and closes storage. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.#lock.run(async () => {
      this.#closed = true;
    });
    this.peers.close();
    for (const e of this.cache.live()) e.complete();
    this.#closing.complete();
    this.changes$.complete();
    this.errors$.complete();
    this.pending$.complete();
    await this.storage.close();
  }
}
