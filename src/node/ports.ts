import { type Observable } from 'rxjs';
import { type Entity } from '../entity/entity';
import { type EntityState } from '../entity/entity-state';
import { type Event } from '../event/event';
import { type EventRetriever } from '../event/lineage';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { type Selection } from '../query/ast';
import { type Reactor } from '../reactor/reactor';
import { type StorageEngine } from '../storage/engine';
import {
  type EntityRef,
  type Holding,
  type PeerAttach,
  type RemoteQuery,
  type RemoteStates,
} from './peers/peer';
import { type ContextData, type PolicyAgent } from './policy';
import { type Schema } from './schema';
import { type TextClients } from './text-clients';

/*
 * The narrow ports of a node. The kernel (node/kernel) implements both; the user API (node/api) sees only
 * NodeServices, the peer client (node/peers) and the server side (serve/, transport/) only ReplicaPort.
 * Neither is reachable through the public Node type (see replicaOf in node.ts).
 */

/** The entity snapshot each local event was made on, by event id (edits only; creations have none). */
export type LocalBases = ReadonlyMap<string, Entity>;

/** How adoptStates treats the events of a push (RemoteStates.events), per entity. */
export interface EventAdoption {
  /** True to leave the entity's events alone (the node holds a newer state, or one is waiting for it). */
  keep(ref: EntityRef): boolean;
  /** The node's copy is not at the events' parents (or it lacks the entity): it is to be read again. */
  stale(ref: EntityRef): void;
}

/** One entity changed by a commit or a remote update, with its values before the change. */
export interface EntityChange {
  readonly entity: Entity;
  /** Values before the change; null when the entity did not exist (or was deleted) before. */
  readonly before: Readonly<Record<string, unknown>> | null;
  /**
   * The events this change applied to the entity, in the order applied, when the change is exactly them (a
   * commit or a batch of remote events, not a creation); a durable node pushes them to peers that hold the
   * entity at the first one's parents instead of its state.
   */
  readonly events?: readonly Event[];
}

/** A set of entity changes applied together: one commit, or one batch of remote events. */
export interface ChangeBatch {
  readonly changes: readonly EntityChange[];
  /**
   * Entities whose head moved while no value changed (their events lost to concurrent writes), with those
   * events: routed only to the watches that take them (a durable node's remote subscriptions, which push the
   * events so their peers' heads follow); local live queries are not told.
   */
  readonly quiet?: readonly EntityChange[];
  /** Read back from shared storage (another node's commit, see refreshFromStorage): not to be fanned out again. */
  readonly refreshed?: boolean;
}

/** An entity another node changed in shared storage; `head` (when known) lets an up-to-date copy skip the read. */
export interface ChangedRef {
  readonly collection: string;
  readonly id: string;
  readonly head?: readonly string[];
}

/** What Context, Transaction, LiveQuery, SharedQuery and Collection need from their node. */
export interface NodeServices {
  readonly durable: boolean;
  readonly policy: PolicyAgent;
  /** The Yjs client ids local text edits are made as. */
  readonly textClients: TextClients;
  /** The metadata of a model class, registering its collection with the node on first use. */
  meta(model: ModelClass): ModelMeta;
  /** The metadata of a collection by name (a synthetic, field-less model for collections learnt at run time). */
  metaOf(collection: string): ModelMeta;
  /** The live entity, from the cache or storage (or, on an ephemeral node, a durable peer). */
  loadEntity(collection: string, id: string, ctx?: ContextData): Promise<Entity | undefined>;
  /** Live entities matching a selection (policy filters are applied by the caller); ephemeral: from the peer. */
  fetchEntities(collection: string, selection: Selection): Promise<Entity[]>;
  /** The events of one entity: stored here (durable), or the durable peer's (ephemeral). */
  entityEvents(collection: string, id: string): Promise<Event[]>;
  /**
   * Persists and applies locally made events atomically, after policy checks. `bases` are the snapshots the
   * events were made on, by event id (see ApplyOptions.base).
   */
  commitLocal(events: readonly Event[], ctx: ContextData, bases?: LocalBases): Promise<void>;
  /** Keeps selections up to date from applied changes. */
  readonly reactor: Pick<Reactor, 'subscribe'>;
  /** Ephemeral node: relays a live query to the durable peer (now and after every reconnect). */
  trackQuery(
    collection: string,
    selection: Selection,
    held: Holding,
    failed?: (error: Error) => void,
  ): RemoteQuery;
  /** Reports an error that has no caller to reject (on the node's errors$). */
  report(error: unknown): void;
}

/** What the peer client and the server side need: the node's replica of entities, events and storage. */
export interface ReplicaPort {
  readonly id: string;
  readonly durable: boolean;
  readonly closed: boolean;
  readonly policy: PolicyAgent;
  readonly schema: Schema;
  readonly storage: StorageEngine;
  /** Matches applied changes to watches (servers relay remote subscriptions through it). */
  readonly reactor: Reactor;
  /** Every batch of applied changes (commits, remote events, adopted states). */
  readonly changes$: Observable<ChangeBatch>;
  /**
   * Emits nothing; completes when the node closes (at once for a subscriber that comes later). What a
   * transport waits on to end with its node, without an observer on every change batch.
   */
  readonly closing$: Observable<never>;
  /** The user-API services of the same node (a server answers queries through a Context on them). */
  readonly services: NodeServices;
  /** Ephemeral node: its durable peers (a transport attaches one per connection). */
  readonly peers: PeerAttach;
  /** The number of remote events waiting for their parents to arrive. */
  readonly stagedCount: number;
  /** The number of local commits not yet acknowledged by a durable peer. */
  readonly pendingCount: number;
  metaOf(collection: string): ModelMeta;
  /** Creates the collection's tables once per node. */
  ensureCollection(meta: ModelMeta): Promise<void>;
  /** The live entity from the cache or this node's storage only. */
  loadLocal(collection: string, id: string): Promise<Entity | undefined>;
  /** Live entities matching a selection, from this node's storage only. */
  fetchLocal(collection: string, selection: Selection): Promise<Entity[]>;
  /** The events of one entity (ephemeral: the durable peer's while connected). */
  entityEvents(collection: string, id: string): Promise<Event[]>;
  /** Reads events for causal walks: staged events, then storage. */
  retriever(): EventRetriever;
  /**
   * Applies this node's own events (one transaction's) atomically, see kernel/apply-local.ts. `also` are
   * states of other records kept in the same storage transaction (an ephemeral node's outbox); `bases` the
   * snapshots the events were made on.
   */
  applyLocal(
    events: readonly Event[],
    ctx: ContextData,
    also?: readonly EntityState[],
    bases?: LocalBases,
  ): Promise<EntityChange[]>;
  /** Applies events from other nodes atomically, parents first, see kernel/apply-remote.ts. */
  applyRemote(events: readonly Event[], ctx: ContextData): Promise<EntityChange[]>;
  /**
   * Adopts states a durable peer sent and drops `gone` entities locally; entities for which `keep` is true
   * are left alone. Pushed events are applied where the copy is at their parents, see EventAdoption.
   * Resolves to the live entities of `states`.
   */
  adoptStates(
    update: RemoteStates,
    keep: (ref: EntityRef) => boolean,
    pushed?: EventAdoption,
  ): Promise<Entity[]>;
  /**
   * Shared storage (several durable nodes on one database, kept in step by a fan-out): re-reads entities another
   * node changed and emits their changes as one `refreshed` batch; `'catchUp'` re-reads everything held live or
   * matched by a live query (after missed notices). Resolves to the number of changed entities.
   */
  refreshFromStorage(refs: readonly ChangedRef[] | 'catchUp'): Promise<number>;
  /** Reports an error that has no caller to reject (on the node's errors$). */
  report(error: unknown): void;
}
