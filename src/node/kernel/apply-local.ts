import { type ApplyOptions, Entity } from '../../entity/entity';
import { isPlainCreation, type EntityState } from '../../entity/entity-state';
import { CausalError } from '../../errors/errors';
import { isGenesis, type Event } from '../../event/event';
import { type EventRetriever } from '../../event/lineage';
import { objectArray } from '../../model/object-array';
import { type EntityChange, type LocalBases } from '../ports';
import { PermissiveAgent, type ContextData } from '../policy';
import { type ApplyHost } from './apply-host';
import { applyOptions, batchRetriever, commitWork, primaryOf, recordApplied, stage } from './apply-commit';
import { type Work } from './apply-work';

/**
 * Applies the events of one local transaction (one event per entity) atomically. Nothing to order or wait
 * for: the events depend on no other event of the batch and their parents are the heads the transaction read
 * here (applyEvent refuses unknown parents). Fast paths: a durable node's plain creation is computed as a
 * state alone, no entity is built until one is read; an edit whose parents are the entity's head applies
 * without a causal walk. `also` are states of other records kept in the same storage transaction (an
 * ephemeral node's outbox); `bases` the snapshots the events were made on (see ApplyOptions.base).
 */
export async function applyLocal(
  host: ApplyHost,
  events: readonly Event[],
  ctx: ContextData,
  also: readonly EntityState[],
  bases: LocalBases | undefined,
): Promise<EntityChange[]> {
  if (events.length === 0) return [];
  // Events this node just minted cannot be stored yet: only make sure their collections exist.
  if (events.length === 1) await host.ensureCollection(host.metaOf((events[0] as Event).collection));
  else for (const c of new Set(events.map((e) => e.collection))) await host.ensureCollection(host.metaOf(c));
  const all: Work[] = objectArray();
  const applied: Event[] = objectArray();
  // Storage that derives a plain creation's state itself gets the event alone (no policy needs the state).
  const direct =
    host.durable &&
    host.storage.takesCreations === true &&
    !host.storage.shared &&
    Object.getPrototypeOf(host.policy) === PermissiveAgent.prototype;
  await stageAll(host, events, bases, all, applied, direct);
  return commitWork(host, all, applied, ctx, true, also);
}

/**
 * Stages and applies each event, filling `all` and `applied`. Kept apart from the storage commit: a bulk
 * transaction makes V8 compile this loop on-stack mid-way, and code after such a loop that had not run yet
 * would be deoptimized on every later call.
 */
async function stageAll(
  host: ApplyHost,
  events: readonly Event[],
  bases: LocalBases | undefined,
  all: Work[],
  applied: Event[],
  direct: boolean,
): Promise<void> {
  // Only a merge (an edit made on an older head) walks: built for the first one.
  let retriever: EventRetriever | undefined;
  let options: ApplyOptions | undefined;
  // Only a transaction of several events can hold two for one entity.
  const editing = events.length > 1 ? new Set<Entity>() : undefined;
  // Indexed loops here and in MemoryStorage: a for-of iterator allocates a result per element wherever V8
  // cannot remove it (this loop's body may await), which a bulk transaction pays per entity.
  for (let k = 0; k < events.length; k++) {
    const event = events[k] as Event;
    // A durable node holds every event, so an unknown genesis event means a new entity: skip the read.
    const isNew = host.durable && !host.cache.get(event.collection, event.entityId) && isGenesis(event);
    if (isNew) {
      // A plain creation needs no entity: storage that takes creations gets the event alone, any other its state.
      const genesis = direct && isPlainCreation(event) ? event : undefined;
      const created = genesis ? undefined : Entity.genesisState(event);
      if (genesis || created) {
        all.push({
          primary: undefined,
          next: undefined,
          created,
          genesis,
          before: null,
          fresh: true,
          touched: true,
          changed: true,
        });
        applied.push(event);
        continue;
      }
    }
    // A cached entity (every edit of an entity in use) is found without an await.
    const primary = host.cache.get(event.collection, event.entityId) ?? (await primaryOf(host, event, isNew));
    const w = stage(host, primary);
    if (editing?.has(primary)) {
      throw CausalError.twoLocalEvents(event);
    }
    if (!w.fresh) editing?.add(primary);
    all.push(w);
    const next = w.next as Entity;
    const base = bases?.get(event.id);
    let result = next.applyWithoutWalk(event);
    if (!result) {
      retriever ??= batchRetriever(host, events);
      options ??= applyOptions(host);
      result = await next.applyEvent(event, retriever, base ? { ...options, base } : options);
    }
    if (result.outcome === 'noop') continue;
    recordApplied(w, event, result, applied);
  }
}
