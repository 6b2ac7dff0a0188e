import { type Entity } from '../entity/entity';
import { AccessDeniedError, NotFoundError } from '../errors/errors';
import { type Event } from '../event/event';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { createView, type View } from '../model/view';
import { type Predicate, type Selection } from '../query/ast';
import { andPredicates } from '../query/analyze';
import { compilePredicate } from '../query/evaluate';
import { parseSelection } from '../query/parser';
import { bindSchema } from '../query/bind-schema';
import { type ChangeSet } from './change-set';
import { Collection } from './collection';
import { topologicalOrder } from './history';
import { LiveQuery } from './live-query';
import { type Node } from './node';
import { type ContextData } from './policy';
import { resolveRefPaths } from './ref-paths';
import { SharedQuery } from './shared-query';
import { Transaction } from './transaction';

const views = new WeakMap<Entity, View<object>>();

interface CompiledFilter {
  readonly predicate: Predicate;
  readonly match: (row: Readonly<Record<string, unknown>>) => boolean;
}

/** Policy filters are usually a handful of texts per model (one per role or tenant): keep them compiled. */
const filters = new WeakMap<ModelMeta, Map<string, CompiledFilter>>();
const MAX_FILTERS_PER_MODEL = 1000;

/** The one view of a live entity (views are thin and shared). */
export function viewOf<M extends object>(meta: ModelMeta, entity: Entity): View<M> {
  let v = views.get(entity);
  if (!v) {
    v = createView<object>(meta, entity);
    views.set(entity, v);
  }
  return v as View<M>;
}

/** A caller's handle on a node: reads, queries and transactions, checked by the policy agent with its data. */
export class Context {
  readonly node: Node;
  readonly data: ContextData;

  constructor(node: Node, data: ContextData) {
    this.node = node;
    this.data = data;
  }

  /** Starts an isolated transaction. */
  begin(): Transaction {
    return new Transaction(this.node, this.data);
  }

  /** The view of one entity; NotFoundError when it is missing, deleted or hidden by policy. */
  async get<M extends object>(model: ModelClass<M>, id: string): Promise<View<M>> {
    const meta = this.node.meta(model);
    await this.#checkRead(meta.collection);
    const entity = await this.node.loadEntity(meta.collection, id, this.data);
    if (!entity || entity.deleted || !(await this.#visible(meta, entity))) {
      throw NotFoundError.entity(meta.collection, id);
    }
    return viewOf<M>(meta, entity);
  }

  /** The views matching an AnkQL selection, in selection order. */
  async fetch<M extends object>(
    model: ModelClass<M>,
    selection: string,
    ...params: unknown[]
  ): Promise<View<M>[]> {
    const meta = this.node.meta(model);
    const sel = await this.selection(meta, selection, params);
    const entities = await this.node.fetchEntities(meta.collection, sel);
    return entities.map((e) => viewOf<M>(meta, e));
  }

  /** Parses, binds to the model's types, applies the policy filter and resolves reference paths. */
  async selection(meta: ModelMeta, text: string, params: readonly unknown[]): Promise<Selection> {
    await this.#checkRead(meta.collection);
    let sel = bindSchema(parseSelection(text, params), (f) => meta.fields.get(f)?.type, meta.name);
    const filter = await this.#filter(meta);
    if (filter) sel = { ...sel, predicate: andPredicates(filter.predicate, sel.predicate) };
    return resolveRefPaths(this, meta, sel);
  }

  async #checkRead(collection: string): Promise<void> {
    if (!(await this.node.policy.canAccessCollection(this.data, collection, 'read'))) {
      throw AccessDeniedError.create(`reading collection '${collection}' is not allowed`);
    }
  }

  async #visible(meta: ModelMeta, entity: Entity): Promise<boolean> {
    const filter = await this.#filter(meta);
    return !filter || filter.match({ ...entity.values(), id: entity.id });
  }

  /** The policy's row filter for this caller, parsed, bound and compiled once per filter text and model. */
  async #filter(meta: ModelMeta): Promise<CompiledFilter | undefined> {
    const text = await this.node.policy.filterPredicate(this.data, meta.collection);
    if (!text) return undefined;
    let byText = filters.get(meta);
    if (!byText) filters.set(meta, (byText = new Map<string, CompiledFilter>()));
    let f = byText.get(text);
    if (!f) {
      const predicate = bindSchema(
        parseSelection(text),
        (x) => meta.fields.get(x)?.type,
        meta.name,
      ).predicate;
      f = { predicate, match: compilePredicate(predicate) };
      if (byText.size >= MAX_FILTERS_PER_MODEL) byText.clear();
      byText.set(text, f);
    }
    return f;
  }

  /** The entity's events in a deterministic topological order, oldest first (the audit trail). */
  async history<M extends object>(model: ModelClass<M>, id: string): Promise<Event[]> {
    const { collection } = this.node.meta(model);
    // A deleted entity keeps its history readable; a missing or hidden one is NotFoundError, as for get().
    await this.get(model, id).catch(async (e: unknown) => {
      if (!(await this.node.loadEntity(collection, id, this.data))?.deleted) throw e;
    });
    return topologicalOrder(await this.node.entityEvents(collection, id));
  }

  /** A live query: the selection's result kept up to date (see LiveQuery); throws QuerySyntaxError at once. */
  query<M extends object>(model: ModelClass<M>, selection: string, ...params: unknown[]): LiveQuery<M> {
    return new LiveQuery<M>(this, model, selection, params, (meta, e) => viewOf<M>(meta, e));
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
    return new SharedQuery<M>(this, model, selection, params);
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
