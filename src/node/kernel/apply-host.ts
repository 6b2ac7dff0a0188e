import { type Entity } from '../../entity/entity';
import { type Event } from '../../event/event';
import { type EventRetriever } from '../../event/lineage';
import { type StagingArea } from '../../event/staging-area';
import { type ModelMeta } from '../../model/model-meta';
import { type StorageEngine } from '../../storage/engine';
import { type ChangeBatch } from '../ports';
import { type PolicyAgent } from '../policy';
import { type Schema } from '../schema';
import { type EntityCache } from './entity-cache';

/** What the apply pipeline (apply-local, apply-remote, adopt) needs from the kernel that runs it. */
export interface ApplyHost {
  readonly durable: boolean;
  readonly walkBudget: number | undefined;
  readonly storage: StorageEngine;
  readonly policy: PolicyAgent;
  readonly schema: Schema;
  readonly cache: EntityCache;
  readonly staging: StagingArea;
  metaOf(collection: string): ModelMeta;
  ensureCollection(meta: ModelMeta): Promise<void>;
  loadLocal(collection: string, id: string): Promise<Entity | undefined>;
  /** Reads events for causal walks: `staged` (the batch being applied), the staging area, then storage. */
  retriever(staged?: { get(id: string): Event | undefined }): EventRetriever;
  /** Hands one batch of applied changes to the reactor and every other listener. */
  emit(batch: ChangeBatch): void;
  report(error: unknown): void;
}
