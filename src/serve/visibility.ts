import { type Entity } from '../entity/entity';
import { clockEquals, type Clock } from '../event/clock';
import { entityKey } from '../event/entity-key';
import { type Event } from '../event/event';
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

/**
 * The events routed for one entity since its last push, one list per change batch, in batch order; BROKEN
 * marks a change that came without its events (a creation, a state adopted or read back from shared storage).
 */
export type EventChunks = (readonly Event[])[];

/** A change whose events are unknown: the entity is pushed as its state. */
export const BROKEN: readonly Event[] = Object.freeze([]);

/** The filter of a collection the policy does not filter (materialize skips building its row). */
const ALL_ROWS = NO_FILTER.match;

/**
 * The routed events as one line from `from` to `to`: each event's parents are the head before it (the first
 * one's `from`, the next ones' the previous event alone), and the last event is `to`. Undefined otherwise
 * (a merge, a change not routed here, a change without its events): the entity is then sent as its state.
 */
function lineOf(from: Clock, chunks: EventChunks | undefined, to: Clock): readonly Event[] | undefined {
  if (!chunks || to.length !== 1) return undefined;
  let last: string | undefined;
  for (const chunk of chunks) {
    if (chunk === BROKEN) return undefined;
    for (const ev of chunk) {
      const p = ev.parents;
      if (last === undefined ? !clockEquals(p, from) : p.length !== 1 || p[0] !== last) return undefined;
      last = ev.id;
    }
  }
  if (last === undefined || last !== to[0]) return undefined;
  return chunks.length === 1 ? (chunks[0] as readonly Event[]) : chunks.flat();
}

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
  /**
   * Per entity (entityKey), the head of the state or events last sent to this connection, most recently
   * sent last; at most `maxTrackedRows` (the oldest is forgotten, and that entity's next push is a state).
   */
  readonly #sent = new Map<string, Clock>();

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
      if (this.#visibleNow(e)) {
        states.push(wireStateOf(e));
        this.sentAt(e, e.head);
      } else {
        dropped.push({ collection: e.collection, id: e.id });
        this.#sent.delete(entityKey(e.collection, e.id));
      }
    }
    for (const g of gone) this.#sent.delete(entityKey(g.collection, g.id));
    return { seq: ++this.#seq, states, gone: dropped };
  }

  /**
   * A push of live entities, read and numbered like `materialize`, except that an entity the connection was
   * last sent at the head it has now is left out, and one whose routed `chunks` lead in a single line from
   * the head last sent to its current head (the usual edit) goes out as those events instead of its state.
   * Undefined when nothing is left to send.
   */
  pushed(entities: readonly Entity[], chunks: ReadonlyMap<string, EventChunks>): WireStates | undefined {
    const states: WireState[] = [];
    const gone: EntityRef[] = [];
    let events: Event[] | undefined;
    for (const e of entities) {
      const key = entityKey(e.collection, e.id);
      if (!this.#visibleNow(e)) {
        gone.push({ collection: e.collection, id: e.id });
        this.#sent.delete(key);
        continue;
      }
      const head = e.head;
      const sent = this.#sent.get(key);
      if (sent !== undefined && (sent === head || clockEquals(sent, head))) continue;
      const line = sent === undefined ? undefined : lineOf(sent, chunks.get(e.id), head);
      if (line) {
        events ??= [];
        for (const ev of line) events.push(ev);
      } else {
        states.push(wireStateOf(e));
      }
      this.#note(key, head);
    }
    if (states.length === 0 && gone.length === 0 && !events) return undefined;
    const seq = ++this.#seq;
    return events ? { seq, states, gone, events } : { seq, states, gone };
  }

  /** True when the live entity exists and passes the connection's row filter now (compiled beforehand). */
  #visibleNow(e: Entity): boolean {
    const filter = this.#access.settled(e.collection)?.match;
    if (!filter) throw InternalError.filterNotCompiled(e.collection);
    return e.exists && (filter === ALL_ROWS || filter(rowOf(e)));
  }

  /** Notes that the connection holds `entity` at `head` (sent to it, or named by it as held at that head). */
  sentAt(entity: Entity, head: Clock): void {
    this.#note(entityKey(entity.collection, entity.id), head);
  }

  #note(key: string, head: Clock): void {
    const sent = this.#sent;
    sent.delete(key);
    sent.set(key, head);
    if (sent.size > this.#limits.maxTrackedRows) {
      for (const oldest of sent.keys()) {
        sent.delete(oldest);
        break;
      }
    }
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
