import { type Entity } from '../entity/entity';
import { AccessDeniedError } from '../errors/errors';
import { type ModelMeta } from '../model/model-meta';
import { type Predicate } from '../query/ast';
import { bindSchema, type BindOptions } from '../query/bind-schema';
import { compilePredicate } from '../query/evaluate';
import { parseSelection } from '../query/parser';
import { PermissiveAgent, type ContextData, type PolicyAgent } from './policy';
import { entityRow } from '../entity/row';

type Row = Readonly<Record<string, unknown>>;

/** A caller's row filter for one collection: the predicate ANDed into selections, and its compiled test. */
export interface RowFilter {
  /** Undefined when the policy filters nothing. */
  readonly predicate: Predicate | undefined;
  readonly match: (row: Row) => boolean;
}

/** The filter of a collection the policy does not filter (callers may skip building rows for it). */
export const ALL_ROWS: RowFilter = Object.freeze({ predicate: undefined, match: () => true });

/** Policy filters are usually a handful of texts per model (one per role or tenant): keep them compiled. */
const compiled = new WeakMap<ModelMeta, Map<string, RowFilter>>();
const MAX_FILTERS_PER_MODEL = 1000;

/**
 * How selections on a collection are bound to its model: a modelled collection refuses fields it does not
 * declare (unless the selection says `@schemaless`); a collection known only at run time has no fields to check.
 */
export function bindOptions(meta: ModelMeta): BindOptions {
  return meta.fields.size > 0 ? { strict: { fields: [...meta.fields.keys()] } } : {};
}

/** True for exactly PermissiveAgent (a subclass may override its checks). */
function permissive(policy: PolicyAgent): boolean {
  return Object.getPrototypeOf(policy) === PermissiveAgent.prototype;
}

/** The row an AnkQL predicate is evaluated over: an entity's values plus its id. */
export function rowOf(entity: Entity): Row {
  return entityRow(entity.id, entity.values());
}

/**
 * The read rules of one caller, the same for local contexts and for connections served by a durable node:
 * `canAccessCollection(…, 'read')` before every read, and the row filter on every row read. A row the filter
 * hides is answered exactly like a missing one.
 */
export class ReadAccess {
  readonly #policy: PolicyAgent;
  readonly #ctx: ContextData;
  /** Per collection, the filter asked once and kept (pinned access: a server connection's). */
  readonly #pinned: Map<string, Promise<RowFilter>> | undefined;
  readonly #settled = new Map<string, RowFilter>();

  /**
   * `pinned`: the policy's filter text is asked once per collection and kept for the life of this access (a
   * connection to a durable node); otherwise it is asked on every read (a local context).
   */
  constructor(policy: PolicyAgent, ctx: ContextData, pinned = false) {
    this.#policy = policy;
    this.#ctx = ctx;
    this.#pinned = pinned ? new Map() : undefined;
  }

  /** Throws AccessDeniedError unless the caller may read the collection. */
  async checkRead(collection: string): Promise<void> {
    if (permissive(this.#policy)) return;
    if (!(await this.#policy.canAccessCollection(this.#ctx, collection, 'read'))) {
      throw AccessDeniedError.collectionRead(collection);
    }
  }

  /** The policy's row filter for this caller, parsed, bound and compiled once per filter text and model. */
  filter(meta: ModelMeta): Promise<RowFilter> {
    if (!this.#pinned) return this.#filter(meta);
    let f = this.#pinned.get(meta.collection);
    if (!f) {
      f = this.#filter(meta).then((r) => {
        this.#settled.set(meta.collection, r);
        return r;
      });
      this.#pinned.set(meta.collection, f);
    }
    return f;
  }

  /** A pinned access's filter of a collection once `filter` settled for it (synchronous reads). */
  settled(collection: string): RowFilter | undefined {
    return this.#settled.get(collection);
  }

  async #filter(meta: ModelMeta): Promise<RowFilter> {
    if (permissive(this.#policy)) return ALL_ROWS;
    const text = await this.#policy.filterPredicate(this.#ctx, meta.collection);
    if (!text) return ALL_ROWS;
    let byText = compiled.get(meta);
    if (!byText) compiled.set(meta, (byText = new Map<string, RowFilter>()));
    let f = byText.get(text);
    if (!f) {
      const predicate = bindSchema(
        parseSelection(text),
        (x) => meta.fields.get(x)?.type,
        meta.name,
        bindOptions(meta),
      ).predicate;
      f = { predicate, match: compilePredicate(predicate) };
      if (byText.size >= MAX_FILTERS_PER_MODEL) byText.clear();
      byText.set(text, f);
    }
    return f;
  }

  /** True when the caller's row filter lets the entity through (deleted or not). */
  async visible(meta: ModelMeta, entity: Entity): Promise<boolean> {
    const f = await this.filter(meta);
    return f === ALL_ROWS || f.match(rowOf(entity));
  }

  /**
   * Reads one entity as the caller may: the read check first (AccessDeniedError), then `load`; undefined when
   * it is missing or hidden by the row filter (deleted entities are returned; the caller decides).
   */
  async entity(meta: ModelMeta, load: () => Promise<Entity | undefined>): Promise<Entity | undefined> {
    if (permissive(this.#policy)) return load();
    await this.checkRead(meta.collection);
    const entity = await load();
    return entity && (await this.visible(meta, entity)) ? entity : undefined;
  }
}
