import { type EntityState } from '../../entity/entity-state';
import { type Clock } from '../../event/clock';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';

/** An entity named by collection and id. */
export interface EntityRef {
  readonly collection: string;
  readonly id: string;
}

/** An entity a node already holds, with the head of its copy: a peer need not resend an equal state. */
export interface HeldEntity {
  readonly id: string;
  readonly head: Clock;
}

/** What a relayed live query holds now: sent on every (re)subscription, and asked when a read could use it. */
export interface Holding {
  /** The entities with the heads of their copies. */
  list(): readonly HeldEntity[];
  /** True when the query's current result holds the entity. */
  has(id: string): boolean;
}

/**
 * What a durable peer sends back for the entities a request touched: the states the caller may see, and the
 * entities it must drop (deleted, or hidden from it by the peer's policy filter: their values are not sent).
 */
export interface RemoteStates {
  readonly states: readonly EntityState[];
  readonly gone: readonly EntityRef[];
  /**
   * The peer's sequence number for this connection, taken when the states were read from its live entities:
   * a state with a lower number than one already adopted for the same entity is older and is skipped.
   */
  readonly seq?: number;
  /**
   * Pushes only: the events that carry entities the caller holds from the head it was last sent to their
   * current head, grouped per entity in the order applied (each event's parents are the previous one's id,
   * the first one's the head last sent). An entity appears here or in `states`, never both. The caller applies
   * them to a copy whose head is the first event's parents, skips them when its head already names the last
   * one, and otherwise reads the entity again.
   */
  readonly events?: readonly Event[];
}

/**
 * A connected durable peer as an ephemeral node sees it. The protocol layer implements it over a transport.
 * Invariants: every method rejects with UnavailableError when the connection is lost before the answer (the
 * request may or may not have reached the peer), and with the peer's own error (AccessDeniedError,
 * ValidationError, CausalError…) when it refused the request, in which case it changed nothing there.
 */
export interface DurablePeer {
  /** The peer's node id. */
  readonly nodeId: string;
  /** One entity's state, or it in `gone` when the peer does not hold it or hides it. */
  get(collection: string, id: string): Promise<RemoteStates>;
  /** The states matching a selection, in selection order, with the peer's policy filter applied. */
  fetch(collection: string, selection: Selection): Promise<RemoteStates>;
  /** Events by id, leaving out those of entities the caller may not see. */
  getEvents(collection: string, ids: readonly string[]): Promise<readonly Event[]>;
  /** Every event of one entity, in id order; NotFoundError when the peer does not hold it or hides it. */
  history(collection: string, id: string): Promise<readonly Event[]>;
  /** Applies events on the peer atomically; answers with the resulting states of the entities they touched. */
  commit(events: readonly Event[]): Promise<RemoteStates>;
  /** Registers a live query; answers with the states the caller lacks (given what it holds) and the drops. */
  subscribe(
    sub: string,
    collection: string,
    selection: Selection,
    held: readonly HeldEntity[],
  ): Promise<RemoteStates>;
  /** Replaces a live query's selection; answers like subscribe. */
  update(sub: string, selection: Selection, held: readonly HeldEntity[]): Promise<RemoteStates>;
  /** Ends a live query on the peer. */
  unsubscribe(sub: string): Promise<void>;
}

/** What a transport holds once it attached a peer: it hands over pushed updates and reports the disconnect. */
export interface PeerLink {
  /** States pushed by the peer for this node's live queries. */
  receive(update: RemoteStates): void;
  /** The connection is gone: in-flight requests have been rejected; live queries fall back to pending. */
  detach(): void;
}

/** A live query relayed to durable peers: re-established on every (re)connection. */
export interface RemoteQuery {
  /** Resolves once the current peer answered the subscription (immediately while offline). */
  readonly synced: Promise<void>;
  /** Replaces the selection here and on the peer. */
  update(selection: Selection): Promise<void>;
  /** Ends the relay. */
  close(): void;
}

/** The side of an ephemeral node's peer client a transport uses. */
export interface PeerAttach {
  /** True while a durable peer is attached. */
  readonly connected: boolean;
  /** Called by a transport once a durable peer said hello; the returned link carries pushes and the disconnect. */
  attach(peer: DurablePeer): PeerLink;
}
