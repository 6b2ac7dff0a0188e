import { type Entity } from '../entity/entity';
import { type Event } from '../event/event';
import { type ModelClass, type ModelMeta } from '../model/model-meta';
import { type ContextData } from './policy';
import { type TextClients } from './text-clients';

/** The entity snapshot each local event was made on, by event id (edits only; creations have none). */
export type LocalBases = ReadonlyMap<string, Entity>;

/** The part of a Node that contexts and transactions use. */
export interface NodeCore {
  /** The Yjs client ids local text edits are made as. */
  readonly textClients: TextClients;
  /** The metadata of a model class, registering its collection with the node on first use. */
  meta(model: ModelClass): ModelMeta;
  /** The metadata of a collection by name (a synthetic, field-less model for collections learnt at run time). */
  metaOf(collection: string): ModelMeta;
  /** The live entity, from the cache or storage (or, on an ephemeral node, a durable peer). */
  loadEntity(collection: string, id: string, ctx: ContextData): Promise<Entity | undefined>;
  /**
   * Persists and applies locally made events atomically, after policy checks. `bases` are the snapshots the
   * events were made on, by event id (see ApplyOptions.base).
   */
  commitLocal(events: readonly Event[], ctx: ContextData, bases?: LocalBases): Promise<void>;
}
