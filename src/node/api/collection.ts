import { Observable } from 'rxjs';
import { type CreateArgs, type FieldKeys } from '../../model/field-keys';
import { type ModelClass } from '../../model/model-meta';
import { type View } from '../../model/view';
import { type LiveQuery } from './live-query';
import { type Mutable } from './mutable';
import { type SharedQuery } from './shared-query';
import { type CreateData, type Transaction } from './transaction';

/** The context operations a collection forwards to (Context implements them). */
export interface CollectionScope {
  /** The collection name of a model on this context's node. */
  collectionName(model: ModelClass): string;
  begin(): Transaction;
  get<M extends object>(model: ModelClass<M>, id: string): Promise<View<M>>;
  fetch<M extends object>(model: ModelClass<M>, selection: string, ...params: unknown[]): Promise<View<M>[]>;
  query<M extends object>(model: ModelClass<M>, selection: string, ...params: unknown[]): LiveQuery<M>;
  sharedQuery<M extends object>(
    model: ModelClass<M>,
    selection: string,
    ...params: unknown[]
  ): SharedQuery<M>;
}

/** A repository for one model bound to a context: the shape NestJS services inject. */
export class Collection<M extends object> {
  readonly #ctx: CollectionScope;
  readonly model: ModelClass<M>;

  constructor(ctx: CollectionScope, model: ModelClass<M>) {
    this.#ctx = ctx;
    this.model = model;
  }

  /** The collection name. */
  get name(): string {
    return this.#ctx.collectionName(this.model);
  }

  get(id: string): Promise<View<M>> {
    return this.#ctx.get(this.model, id);
  }

  fetch(selection: string, ...params: unknown[]): Promise<View<M>[]> {
    return this.#ctx.fetch(this.model, selection, ...params);
  }

  /** The views matching an AnkQL selection (as `fetch`: the repository spelling). */
  find(selection: string, ...params: unknown[]): Promise<View<M>[]> {
    return this.#ctx.fetch(this.model, selection, ...params);
  }

  /**
   * The selection's items, kept up to date: a cold Observable that opens a live query for each subscriber,
   * emits the current items after every change and releases the query on unsubscribe.
   */
  live(selection: string, ...params: unknown[]): Observable<readonly View<M>[]> {
    const shared = this.#ctx.sharedQuery(this.model, selection, ...params);
    return new Observable<readonly View<M>[]>((s) => shared.items$.subscribe(s));
  }

  /** A live query on this model (see Context.query). */
  query(selection: string, ...params: unknown[]): LiveQuery<M> {
    return this.#ctx.query(this.model, selection, ...params);
  }

  /** A reference-counted live query on this model (see Context.sharedQuery). */
  sharedQuery(selection: string, ...params: unknown[]): SharedQuery<M> {
    return this.#ctx.sharedQuery(this.model, selection, ...params);
  }

  /** Creates and commits one entity; resolves to its view. */
  async create(...args: CreateArgs<M>): Promise<View<M>> {
    const trx = this.#ctx.begin();
    const m = await trx.create(this.model, ...args);
    await trx.commit();
    return this.#ctx.get(this.model, m.id);
  }

  /** Edits one entity in its own transaction; `fn` may be async. Resolves to the updated view. */
  async edit(id: string, fn: (m: Mutable<M>) => void | Promise<void>): Promise<View<M>> {
    const trx = this.#ctx.begin();
    try {
      await fn(await trx.edit(this.model, id));
      await trx.commit();
    } catch (e) {
      if (trx.open) trx.rollback();
      throw e;
    }
    return this.#ctx.get(this.model, id);
  }

  /** Sets the fields in `patch` (a `@Text` field is replaced) in one transaction; resolves to the updated view. */
  update(id: string, patch: Partial<CreateData<M>>): Promise<View<M>> {
    return this.edit(id, (m) => {
      for (const k of Object.keys(patch) as FieldKeys<M>[]) m.set(k, (patch as Partial<M>)[k] as M[typeof k]);
    });
  }

  /** Deletes one entity in its own transaction. */
  async delete(id: string): Promise<void> {
    const trx = this.#ctx.begin();
    await trx.delete(this.model, id);
    await trx.commit();
  }
}
