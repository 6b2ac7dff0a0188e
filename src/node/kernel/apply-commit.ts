import { Entity, type ApplyOptions } from '../../entity/entity';
import { type ApplyResult } from '../../entity/apply-result';
import { genesisState, type EntityState } from '../../entity/entity-state';
import { AccessDeniedError, StorageError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { observeId } from '../../event/ids';
import { type EventRetriever } from '../../event/lineage';
import { checkValues } from '../../model/validate';
import { type EntityChange } from '../ports';
import { PermissiveAgent, type ContextData } from '../policy';
import { type ApplyHost } from './apply-host';
import { type Work } from './apply-work';
import { FreshChange } from './fresh-change';
import { storedHeads } from './shared-writes';

/*
 * The stages both apply pipelines share (apply-local.ts for this node's commits, apply-remote.ts for events
 * from other nodes): stage an entity for a batch, then check, store and publish the batch.
 */

/** The options of the causal apply of one batch. */
export function applyOptions(host: ApplyHost): ApplyOptions {
  return {
    ...(host.walkBudget !== undefined ? { budget: host.walkBudget } : {}),
    verifyUnseen: !host.durable,
  };
}

/** A retriever that sees the batch being applied before the staging area and storage. */
export function batchRetriever(host: ApplyHost, ready: readonly Event[]): EventRetriever {
  let staged: Map<string, Event> | undefined;
  return host.retriever({ get: (id: string) => (staged ??= new Map(ready.map((e) => [e.id, e]))).get(id) });
}

/** The live entity an event applies to: cached, stored, or a new empty one (`isNew`: known not stored). */
export async function primaryOf(host: ApplyHost, event: Event, isNew: boolean): Promise<Entity> {
  return (
    host.cache.get(event.collection, event.entityId) ??
    (isNew ? undefined : await host.loadLocal(event.collection, event.entityId)) ??
    new Entity({ id: event.entityId, collection: event.collection })
  );
}

/** Stages a live entity for a batch: on a copy, or on itself while it is new and shared with no one. */
export function stage(host: ApplyHost, primary: Entity): Work {
  const before = primary.exists && !primary.deleted ? primary.values() : null;
  const fresh = !primary.exists && !host.cache.get(primary.collection, primary.id);
  const next = primary.exists || !fresh ? primary.clone() : primary;
  return {
    primary,
    next,
    created: undefined,
    genesis: undefined,
    before,
    fresh,
    touched: false,
    changed: false,
  };
}

/** Records that `event` was applied to `w`'s staged copy with `result` (both pipelines, per applied event). */
export function recordApplied(w: Work, event: Event, result: ApplyResult, applied: Event[]): void {
  applied.push(event);
  // Events of an entity that existed here travel with its change (EntityChange.events); a new one's do not.
  if (!w.fresh) (w.events ??= []).push(event);
  w.touched = true;
  w.changed ||= result.changed;
}

/**
 * The end of both pipelines: validation and policy on the touched entities, one storage commit (with `also`),
 * then the live entities adopt their new states and one change batch is emitted (entities whose values did
 * not change are left out; a new entity joins the cache only when a listener reads it, see FreshChange).
 */
export async function commitWork(
  host: ApplyHost,
  all: readonly Work[],
  applied: readonly Event[],
  ctx: ContextData,
  local: boolean,
  also: readonly EntityState[],
): Promise<EntityChange[]> {
  if (applied.length === 0 && also.length === 0) return [];
  const touched = all.filter((w) => w.touched);
  // A creation handed over as its event alone has no state here (see Work.genesis).
  const states: EntityState[] = [];
  let created: Event[] | undefined;
  for (const w of touched) {
    if (w.genesis) (created ??= []).push(w.genesis);
    else states.push(w.created ?? (w.next as Entity).state());
  }
  await checkPolicy(host, touched, () => (created ? withCreated(touched, states) : states), ctx, local);
  try {
    const kept = also.length > 0 ? [...states, ...also] : states;
    const heads = host.storage.shared ? storedHeads(touched) : undefined;
    const batch = heads ? { events: applied, states: kept, heads } : { events: applied, states: kept };
    await host.storage.commit(created ? { ...batch, created } : batch);
  } catch (e) {
    throw e instanceof StorageError ? e : StorageError.wrap('committing events', e);
  }
  // Local ids were minted here; remote ones move the clock only once stored (observeId ignores forgeries).
  if (!local) for (const e of applied) observeId(e.id);
  const changes: EntityChange[] = [];
  let quiet: EntityChange[] | undefined;
  let s = 0;
  for (let i = 0; i < touched.length; i++) {
    const w = touched[i] as Work;
    if (w.genesis) changes.push(new FreshChange(undefined, w.genesis, host.cache));
    else if (w.fresh) changes.push(new FreshChange(w.primary, states[s++] as EntityState, host.cache));
    else {
      s++;
      if (w.primary && w.next) {
        w.primary.adopt(w.next, w.changed);
        if (w.changed) {
          changes.push(
            w.events
              ? { entity: w.primary, before: w.before, events: w.events }
              : { entity: w.primary, before: w.before },
          );
        } else if (w.events) {
          // Its head moved, no value did: only peers holding it are told (ChangeBatch.quiet).
          (quiet ??= []).push({ entity: w.primary, before: w.before, events: w.events });
        }
      }
    }
  }
  if (quiet) host.emit({ changes, quiet });
  else if (changes.length > 0) host.emit({ changes });
  return changes;
}

/** Every touched entity's new state, index-aligned with `touched` (creations' built from their event). */
function withCreated(touched: readonly Work[], states: readonly EntityState[]): EntityState[] {
  let s = 0;
  return touched.map((w) =>
    w.genesis ? (genesisState(w.genesis) as EntityState) : (states[s++] as EntityState),
  );
}

/** Checks each staged change (`stateOf()[i]` is `work[i]`'s new state) against validation and the policy. */
async function checkPolicy(
  host: ApplyHost,
  work: readonly Work[],
  stateOf: () => readonly EntityState[],
  ctx: ContextData,
  local: boolean,
): Promise<void> {
  // Exactly PermissiveAgent: a subclass may override checks.
  const permissive = Object.getPrototypeOf(host.policy) === PermissiveAgent.prototype;
  if (permissive && local) return;
  const states = stateOf();
  for (let i = 0; i < work.length; i++) {
    const w = work[i] as Work;
    const next = states[i] as EntityState;
    const c = next.collection;
    // A remote writer's values are checked here too: its own validation is not to be trusted.
    const meta = local ? undefined : host.schema.get(c);
    if (meta && !next.deleted) await checkValues(meta, next.values);
    if (permissive) continue;
    if (!(await host.policy.canAccessCollection(ctx, c, 'write'))) {
      throw AccessDeniedError.collectionWrite(c);
    }
    const after = next.deleted ? null : { id: next.id, ...next.values };
    const before = w.before ? { id: next.id, ...w.before } : null;
    if (!(await host.policy.checkEvent(ctx, c, before, after))) {
      throw AccessDeniedError.changeRefused(c, next.id);
    }
  }
}
