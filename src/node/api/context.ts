import { type Entity } from '../../entity/entity';
import { NotFoundError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type ModelClass, type ModelMeta } from '../../model/model-meta';
import { createView, type View } from '../../model/view';
import { type Selection } from '../../query/ast';
import { andPredicates } from '../../query/analyze';
import { parseSelection } from '../../query/parser';
import { bindSchema } from '../../query/bind-schema';
import { type ChangeSet } from './change-set';
import { Collection, type CollectionScope } from './collection';
import { topologicalOrder } from './history';
import { LiveQuery, type QueryScope } from './live-query';
import { type NodeServices } from '../ports';
import { type ContextData } from '../policy';
import { bindOptions, ReadAccess } from '../read-access';
import { resolveRefPaths } from './ref-paths';
import { SharedQuery } from './shared-query';
import { Transaction } from './transaction';

const views = new WeakMap<Entity, View<object>>();

/** The one view of a live entity (views are thin and shared). */
export function viewOf<M extends object>(meta: ModelMeta, entity: Entity): View<M> {
  let v = views.get(entity);
  if (!v) {
    v = createView<object>(meta, entity);
    views.set(entity, v);
  }
  return v as View<M>;
}

/** A selection parsed and bound to its model (QuerySyntaxError for bad syntax, types or undeclared fields). */
function bound(meta: ModelMeta, text: string, params: readonly unknown[]): Selection {
  return bindSchema(
    parseSelection(text, params),
    (f) => meta.fields.get(f)?.type,
    meta.name,
    bindOptions(meta),
  );
}

/** A caller's handle on a node: reads, queries and transactions, checked by the policy agent with its data. */
export class Context implements CollectionScope {
  readonly data: ContextData;
  readonly #node: NodeServices;
  readonly #access: ReadAccess;
  readonly #scope: QueryScope;

  /** Made by `node.context(data)`. */
  constructor(node: NodeServices, data: ContextData) {
    this.#node = node;
    this.data = data;
    this.#access = new ReadAccess(node.policy, data);
    this.#scope = { services: node, selection: (meta, text, params) => this.selection(meta, text, params) };
  }

  /** Starts an isolated transaction. */
  begin(): Transaction {
    return new Transaction(this.#node, this.data, this.#access);
  }

  /** The collection name of a model on this context's node (registering the model there on first use). */
  collectionName(model: ModelClass): string {
    return this.#node.meta(model).collection;
  }

  /** The view of one entity; NotFoundError when it is missing, deleted or hidden by policy. */
  async get<M extends object>(model: ModelClass<M>, id: string): Promise<View<M>> {
    const meta = this.#node.meta(model);
    const entity = await this.#access.entity(meta, () =>
      this.#node.loadEntity(meta.collection, id, this.data),
    );
    if (!entity || entity.deleted) throw NotFoundError.entity(meta.collection, id);
    return viewOf<M>(meta, entity);
  }

  /** The views matching an AnkQL selection, in selection order. */
  async fetch<M extends object>(
    model: ModelClass<M>,
    selection: string,
    ...params: unknown[]
  ): Promise<View<M>[]> {
    const meta = this.#node.meta(model);
    const sel = await this.selection(meta, selection, params);
    const entities = await this.#node.fetchEntities(meta.collection, sel);
    return entities.map((e) => viewOf<M>(meta, e));
  }

  /** Parses, binds to the model's types, applies the policy filter and resolves reference paths. */
  async selection(meta: ModelMeta, text: string, params: readonly unknown[]): Promise<Selection> {
    await this.#access.checkRead(meta.collection);
    let sel = bound(meta, text, params);
    const filter = (await this.#access.filter(meta)).predicate;
    if (filter) sel = { ...sel, predicate: andPredicates(filter, sel.predicate) };
    return resolveRefPaths((model, text) => this.fetch(model, text), meta, sel);
  }

  /** The entity's events in a deterministic topological order, oldest first (the audit trail). */
  async history<M extends object>(model: ModelClass<M>, id: string): Promise<Event[]> {
    const meta = this.#node.meta(model);
    // A deleted entity keeps its history readable; a missing or hidden one is NotFoundError, as for get().
    const entity = await this.#access.entity(meta, () =>
      this.#node.loadEntity(meta.collection, id, this.data),
    );
    if (!entity) throw NotFoundError.entity(meta.collection, id);
    return topologicalOrder(await this.#node.entityEvents(meta.collection, id));
  }

  /** A live query: the selection's result kept up to date (see LiveQuery); throws QuerySyntaxError at once. */
  query<M extends object>(model: ModelClass<M>, selection: string, ...params: unknown[]): LiveQuery<M> {
    // Binding errors (a field the model does not declare, a literal of the wrong type) throw at once too.
    bound(this.#node.meta(model), selection, params);
    return new LiveQuery<M>(this.#scope, model, selection, params, (meta, e) => viewOf<M>(meta, e));
  }

  /**
   * A reference-counted live query (see SharedQuery): opened by its first subscriber, released when the last
   * one unsubscribes. `query` and `subscribe` hold theirs until `q.unsubscribe()`.
   */
  sharedQuery<M extends object>(
    model: ModelClass<M>,
    selection: string,
    ...params: unknown[]
  ): SharedQuery<M> {
    return new SharedQuery<M>(
      (text, values) => this.query(model, text, ...values),
      (e) => this.#node.report(e),
      model,
      selection,
      params,
    );
  }

  /**
   * Runs `callback` with every ChangeSet of a live query (the initial one first); resolves once loaded. The
   * query lives until `unsubscribe()` on the LiveQuery it resolves to.
   */
  async subscribe<M extends object>(
    model: ModelClass<M>,
    selection: string,
    ...rest: [...params: unknown[], callback: (changes: ChangeSet<M>) => void]
  ): Promise<LiveQuery<M>> {
    const callback = rest[rest.length - 1] as (changes: ChangeSet<M>) => void;
    const q = this.query(model, selection, ...rest.slice(0, -1));
    q.subscribe(callback);
    try {
      await q.loaded;
    } catch (e) {
      q.unsubscribe();
      throw e;
    }
    return q;
  }

  /** A repository for one model: get, fetch, query, create, edit. */
  collection<M extends object>(model: ModelClass<M>): Collection<M> {
    return new Collection(this, model);
  }
}
