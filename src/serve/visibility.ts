import { type Entity } from '../entity/entity';
import { InternalError, NotFoundError, ProtocolError } from '../errors/errors';
import { type Selection } from '../query/ast';
import { Context } from '../node/api/context';
import { type ReplicaPort } from '../node/ports';
import { type EntityRef } from '../node/peers/peer';
import { type ContextData } from '../node/policy';
import { ALL_ROWS as NO_FILTER, ReadAccess, rowOf } from '../node/read-access';
import { type Limits } from '../protocol/limits';
import { type WireState, type WireStates, wireStateOf } from '../protocol/wire-states';

type Row = Readonly<Record<string, unknown>>;

/** The filter of a collection the policy does not filter (materialize skips building its row). */
const ALL_ROWS = NO_FILTER.match;

/** A head as one comparable string. */
export function headKey(entity: Entity): string {
  return entity.head.join(',');
}

/**
 * What one connection may see on a durable node: collection read checks (asked per request) and the policy's
 * row filter per collection (asked once per connection and compiled), so hidden rows never leave the node.
 * The rules are those of local contexts (ReadAccess): a caller sees the same rows either way.
 */
export class Visibility {
  readonly node: ReplicaPort;
  readonly ctx: ContextData;
  readonly #acceptUnknown: boolean;
  readonly #limits: Limits;
  readonly #access: ReadAccess;
  #seq = 0;

  constructor(node: ReplicaPort, ctx: ContextData, limits: Limits, acceptUnknownCollections: boolean) {
    this.node = node;
    this.ctx = ctx;
    this.#limits = limits;
    this.#acceptUnknown = acceptUnknownCollections;
    this.#access = new ReadAccess(node.policy, ctx, true);
  }

  /** Refuses collections this node does not serve (so a peer cannot make it create tables at will). */
  served(collection: string): void {
    if (this.#acceptUnknown || this.node.schema.get(collection)) return;
    throw NotFoundError.collectionNotServed(collection);
  }

  async canRead(collection: string): Promise<void> {
    this.served(collection);
    await this.#access.checkRead(collection);
  }

  /** The compiled row filter of a collection for this connection (asked of the policy once, then kept). */
  async filter(collection: string): Promise<(row: Row) => boolean> {
    return (await this.#access.filter(this.node.metaOf(collection))).match;
  }

  async visible(entity: Entity): Promise<boolean> {
    return (await this.filter(entity.collection))(rowOf(entity));
  }

  /**
   * Reads the states of live entities in one synchronous step, numbered with the connection's next sequence
   * number, re-checking the row filter on the values of this moment: states read later are never older, so
   * the peer can drop an older state that arrives after a newer one. Filters must have been compiled.
   */
  materialize(entities: readonly Entity[], gone: readonly EntityRef[] = []): WireStates {
    const states: WireState[] = [];
    const dropped: EntityRef[] = [...gone];
    for (const e of entities) {
      const filter = this.#access.settled(e.collection)?.match;
      if (!filter) throw InternalError.filterNotCompiled(e.collection);
      if (e.exists && (filter === ALL_ROWS || filter(rowOf(e)))) states.push(wireStateOf(e));
      else dropped.push({ collection: e.collection, id: e.id });
    }
    return { seq: ++this.#seq, states, gone: dropped };
  }

  /** Parses a selection, ANDs the policy filter and resolves reference paths (after the read check). */
  async selection(collection: string, text: string): Promise<Selection> {
    this.served(collection);
    return new Context(this.node.services, this.ctx).selection(this.node.metaOf(collection), text, []);
  }

  /** Fetches live entities for a selection; refuses results over the row limit. */
  async fetch(collection: string, sel: Selection): Promise<Entity[]> {
    const cap = this.#limits.maxResultRows + 1;
    const capped = sel.limit !== undefined && sel.limit <= cap ? sel : { ...sel, limit: cap };
    const entities = await this.node.fetchLocal(collection, capped);
    if (entities.length > this.#limits.maxResultRows) {
      throw ProtocolError.tooManyRows(this.#limits.maxResultRows);
    }
    return entities;
  }
}
