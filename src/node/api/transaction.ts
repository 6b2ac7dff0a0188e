import { type Entity } from '../../entity/entity';
import { NotFoundError, TransactionClosedError, ValidationError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { newId, newIdAfter } from '../../event/ids';
import { type CreateArgs } from '../../model/field-keys';
import { type ModelClass, type ModelMeta } from '../../model/model-meta';
import { objectArray } from '../../model/object-array';
import { checkValues } from '../../model/validate';
import { viewSource, type View } from '../../model/view';
import { Fork, type Guard } from './fork';
import { createMutable, type Mutable } from './mutable';
import { type NodeServices } from '../ports';
import { type ContextData } from '../policy';
import { type ReadAccess } from '../read-access';
import { UsageError } from '../../errors/usage-error';

/** Initial values for `create` (see model/field-keys.ts). */
export type { CreateData } from '../../model/field-keys';

type TxState = 'open' | 'committing' | 'committed' | 'rolled back' | 'failed';

/**
 * An isolated snapshot: edits are private until commit() resolves, and commit is atomic across every entity
 * in it. After commit or rollback the transaction and its mutables refuse further use.
 */
export class Transaction {
  readonly #node: NodeServices;
  readonly #ctx: ContextData;
  readonly #access: ReadAccess;
  // One fork (and mutable) per entity, in the order they were opened.
  readonly #forks: Fork[] = objectArray();
  // By collection, then entity id; built on the first lookup (a create-only transaction never needs it).
  #index: Map<string, Map<string, Fork>> | undefined;
  #state: TxState = 'open';

  constructor(node: NodeServices, ctx: ContextData, access: ReadAccess) {
    this.#node = node;
    this.#ctx = ctx;
    this.#access = access;
  }

  /** True until commit() or rollback() is called. */
  get open(): boolean {
    return this.#state === 'open';
  }

  #guard: Guard = (action, model, field) => {
    if (this.#state !== 'open') {
      const what = model === undefined ? action : `${action} ${model}.${field ?? ''}`;
      throw TransactionClosedError.afterEnd(what, this.#state === 'committing' ? 'committed' : this.#state);
    }
  };

  /** Creates an entity; returns its mutable (its `id` is the id of the creation event). */
  create<M extends object>(model: ModelClass<M>, ...args: CreateArgs<M>): Promise<Mutable<M>>;
  async create(model: ModelClass, data?: Readonly<Record<string, unknown>> | null): Promise<Mutable<object>> {
    this.#guard('create');
    const meta = this.#node.meta(model);
    const fork = new Fork(meta, newId(), this.#guard, this.#node.textClients);
    const problems = fork.initialize(data ?? {});
    if (problems) throw new ValidationError(meta.name, problems);
    return this.#track(fork);
  }

  /**
   * Opens an entity for editing, by view or by model and id: the caller must be allowed to read it (as with
   * `get`, AccessDeniedError), and a missing, deleted or policy-hidden entity is NotFoundError.
   */
  async edit<M extends object>(target: View<M> | ModelClass<M>, id?: string): Promise<Mutable<M>> {
    this.#guard('edit');
    const { meta, entityId } = this.#resolve(target, id);
    const known = this.#find(meta.collection, entityId)?.mutable;
    if (known) return known as Mutable<M>;
    const primary = await this.#access.entity(meta, () =>
      this.#node.loadEntity(meta.collection, entityId, this.#ctx),
    );
    this.#guard('edit');
    if (!primary || primary.deleted) throw NotFoundError.entity(meta.collection, entityId);
    return this.#track(new Fork(meta, primary.clone(), this.#guard, this.#node.textClients));
  }

  /** Deletes an entity (a tombstone event): it leaves every query once committed. */
  async delete<M extends object>(target: View<M> | Mutable<M> | ModelClass<M>, id?: string): Promise<void> {
    const m = await this.edit(
      target as View<M> | ModelClass<M>,
      id ?? (viewSource(target) ? undefined : (target as Mutable<M>).id),
    );
    this.#find(m.collection, m.id)?.markDeleted();
  }

  #resolve(target: unknown, id?: string): { meta: ModelMeta; entityId: string } {
    const src = viewSource(target);
    if (src) return { meta: this.#node.metaOf(src.collection), entityId: src.id };
    if (
      typeof target === 'object' &&
      target !== null &&
      typeof (target as { id?: unknown }).id === 'string'
    ) {
      const m = target as { id: string; collection: string };
      return { meta: this.#node.metaOf(m.collection), entityId: m.id };
    }
    if (typeof id !== 'string') {
      throw UsageError.editNeedsId();
    }
    return { meta: this.#node.meta(target as ModelClass), entityId: id };
  }

  #track<M extends object>(fork: Fork): Mutable<M> {
    this.#forks.push(fork);
    if (this.#index) index(this.#index, fork);
    const m = createMutable<M>(fork.meta, fork);
    fork.mutable = m;
    return m;
  }

  /** Validates, builds one event per changed entity and commits them atomically. */
  async commit(): Promise<void> {
    this.#guard('commit');
    this.#state = 'committing';
    try {
      const { events, checks, bases } = eventsOf(this.#forks);
      if (checks) await Promise.all(checks);
      if (events.length > 0) await this.#node.commitLocal(events, this.#ctx, bases);
      this.#state = 'committed';
      settleAll(this.#forks, true);
    } catch (e) {
      this.#state = 'failed';
      settleAll(this.#forks, false);
      throw e;
    }
  }

  #find(collection: string, id: string): Fork | undefined {
    if (!this.#index) {
      this.#index = new Map();
      for (const f of this.#forks) index(this.#index, f);
    }
    return this.#index.get(collection)?.get(id);
  }

  /** Discards every pending change. */
  rollback(): void {
    this.#guard('rollback');
    this.#state = 'rolled back';
    settleAll(this.#forks, false);
  }
}

function index(byCollection: Map<string, Map<string, Fork>>, fork: Fork): void {
  let forks = byCollection.get(fork.collection);
  if (!forks) {
    forks = new Map();
    byCollection.set(fork.collection, forks);
  }
  forks.set(fork.id, fork);
}

/**
 * A transaction's events, one per changed entity, with the checks of their values still running and each
 * edit's snapshot by event id (applying the event where the entity moved on since reads its past there).
 * The loops over the forks are functions of their own: a bulk transaction makes V8 compile such a loop
 * on-stack mid-way, and code after it in the same function that had not run yet (the awaits of `commit`)
 * was deoptimized at the end of the loop on every later bulk commit.
 */
function eventsOf(forks: readonly Fork[]): {
  events: Event[];
  checks: Promise<void>[] | undefined;
  bases: Map<string, Entity> | undefined;
} {
  const events: Event[] = objectArray();
  let checks: Promise<void>[] | undefined;
  let bases: Map<string, Entity> | undefined;
  for (let i = 0; i < forks.length; i++) {
    const fork = forks[i] as Fork;
    const operations = fork.operations();
    if (!operations) continue;
    if (!fork.deleted) {
      const check = checkValues(fork.meta, fork.values());
      if (check) (checks ??= []).push(check);
    }
    const parents = fork.baseHead;
    // After the parents even when one is dated beyond the skew bound (observeId ignores those).
    const id = fork.isNew ? fork.id : newIdAfter(parents);
    events.push(Object.freeze({ id, entityId: fork.id, collection: fork.collection, parents, operations }));
    if (fork.base) (bases ??= new Map()).set(id, fork.base);
  }
  return { events, checks, bases };
}

function settleAll(forks: readonly Fork[], committed: boolean): void {
  for (let i = 0; i < forks.length; i++) (forks[i] as Fork).settle(committed);
}
