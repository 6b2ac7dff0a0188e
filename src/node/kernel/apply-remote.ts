import { CausalError } from '../../errors/errors';
import { StorageConflict } from '../../storage/conflict';
import { planBatch, type BatchPlan, type OutsideParents } from '../../event/batch-plan';
import { isGenesis, type Event } from '../../event/event';
import { checkSameEntity, reachableTargets } from '../../event/lineage';
import { objectArray } from '../../model/object-array';
import { type EntityChange } from '../ports';
import { type ContextData } from '../policy';
import { type ApplyHost } from './apply-host';
import { applyOptions, batchRetriever, commitWork, primaryOf, recordApplied, stage } from './apply-commit';
import { type Work } from './apply-work';
import { EntityCache } from './entity-cache';

/**
 * Applies events from another node atomically, parents first whatever order they came in. Known events are
 * skipped; events whose parents are unknown wait in the staging area until the parents arrive, and the events
 * they were waiting for release them. Fast path: the usual remote commit, one event whose parents are all in
 * the head of the cached entity, is ready without planning or a storage read (see headPlan). On any failure
 * nothing changes, the id clock included: only stored remote events are observed.
 */
export async function applyRemote(
  host: ApplyHost,
  events: readonly Event[],
  ctx: ContextData,
): Promise<EntityChange[]> {
  const fresh = await unseen(host, events);
  if (fresh.length === 0) return [];
  const released = host.staging.dependents(fresh.map((e) => e.id));
  if (released.length === 0) return applyPlanned(host, fresh, ctx);
  try {
    return await applyPlanned(host, [...fresh, ...released], ctx);
  } catch (e) {
    if (e instanceof StorageConflict) throw e;
    // A staged event that fails must not block the events that released it: drop it and retry without.
    for (const r of released) {
      host.staging.delete(r.id);
      reportDropped(host, r, `failed once its parents arrived (${(e as Error).message})`);
    }
    return applyPlanned(host, fresh, ctx);
  }
}

/** Reports an event the staging area gave up on. */
export function reportDropped(host: ApplyHost, event: Event, why: string): void {
  host.report(CausalError.dropped(event, why));
}

/** The events of a batch that are not stored yet, once each. */
async function unseen(host: ApplyHost, events: readonly Event[]): Promise<Event[]> {
  if (followsHead(host, events)) return [...events];
  const byId = new Map<string, Event>();
  for (const e of events) if (!byId.has(e.id)) byId.set(e.id, e);
  for (const c of new Set(events.map((e) => e.collection))) {
    await host.ensureCollection(host.metaOf(c));
    const ids = [...byId.values()].filter((e) => e.collection === c).map((e) => e.id);
    for (const e of await host.storage.getEvents(c, ids)) byId.delete(e.id);
  }
  return [...byId.values()];
}

/**
 * The usual remote commit on a durable node that alone writes its storage: one event whose parents are all in
 * the head of the live entity, itself not in it. Such an event is not stored, so no read is needed: this node
 * stores an event and moves the head past it in one step under the apply lock, and a head never holds an
 * event together with one of its ancestors.
 */
function followsHead(host: ApplyHost, events: readonly Event[]): boolean {
  const [only] = events;
  if (events.length !== 1 || !only || only.parents.length === 0) return false;
  if (!host.durable || host.storage.shared) return false;
  const head = host.cache.get(only.collection, only.entityId)?.head;
  return !!head && !head.includes(only.id) && only.parents.every((p) => head.includes(p));
}

async function applyPlanned(
  host: ApplyHost,
  events: readonly Event[],
  ctx: ContextData,
): Promise<EntityChange[]> {
  const plan = headPlan(host, events) ?? (await planBatch(events, (groups) => knownEvents(host, groups)));
  for (const e of plan.waiting) {
    for (const d of host.staging.add(e)) reportDropped(host, d, 'the staging area is full');
  }
  const changes = await applyReady(host, plan.ready, ctx);
  for (const e of plan.ready) host.staging.delete(e.id);
  return changes;
}

/**
 * The plan of the usual remote commit, one event whose parents are all in the head of the live entity: those
 * are applied here (a head only names applied events), so the event is ready without a storage read.
 */
function headPlan(host: ApplyHost, events: readonly Event[]): BatchPlan | undefined {
  const [only] = events;
  if (events.length !== 1 || !only || only.parents.length === 0) return undefined;
  const head = host.cache.get(only.collection, only.entityId)?.head;
  if (!head || !only.parents.every((p) => head.includes(p))) return undefined;
  return { ready: events, waiting: [] };
}

/**
 * Which of these event ids are applied here: stored (one storage read per collection), or, for a state held
 * without its history on an ephemeral node, in the past of its head as the retriever can tell.
 * CausalError when a stored event with one of these ids belongs to another entity.
 */
async function knownEvents(host: ApplyHost, groups: readonly OutsideParents[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (const c of new Set(groups.map((g) => g.collection))) {
    const mine = groups.filter((g) => g.collection === c);
    const stored = new Map<string, Event>();
    for (const e of await host.storage.getEvents(
      c,
      mine.flatMap((g) => g.ids),
    ))
      stored.set(e.id, e);
    for (const g of mine) {
      for (const id of g.ids) {
        const e = stored.get(id);
        if (!e) continue;
        // An event of another entity is no parent: refused, not left waiting for a parent that cannot come.
        checkSameEntity(g, e);
        found.add(id);
      }
    }
  }
  if (host.durable) return found;
  for (const g of groups) {
    const rest = new Set(g.ids.filter((id) => !found.has(id)));
    if (rest.size === 0) continue;
    const head = (await host.loadLocal(g.collection, g.entityId))?.head ?? [];
    for (const id of head) if (rest.delete(id)) found.add(id);
    if (rest.size === 0 || head.length === 0) continue;
    try {
      for (const id of await reachableTargets(g.collection, head, rest, host.retriever(), host.walkBudget)) {
        found.add(id);
      }
    } catch (e) {
      if (!(e instanceof CausalError)) throw e;
    }
  }
  return found;
}

/** Applies ready events (parents applied or in the batch before them), several per entity possibly. */
async function applyReady(
  host: ApplyHost,
  ready: readonly Event[],
  ctx: ContextData,
): Promise<EntityChange[]> {
  if (ready.length === 0) return [];
  const retriever = batchRetriever(host, ready);
  const options = applyOptions(host);
  const work = new Map<string, Work>();
  const all: Work[] = objectArray();
  const applied: Event[] = objectArray();
  for (const event of ready) {
    const key = EntityCache.key(event.collection, event.entityId);
    let w = work.get(key);
    if (!w) {
      // A durable node holds every event, so an unknown genesis event means a new entity: skip the read.
      const isNew = host.durable && !host.cache.get(event.collection, event.entityId) && isGenesis(event);
      w = stage(host, await primaryOf(host, event, isNew));
      work.set(key, w);
      all.push(w);
    }
    const next = w.next as NonNullable<Work['next']>;
    const result = next.applyWithoutWalk(event) ?? (await next.applyEvent(event, retriever, options));
    if (result.outcome === 'noop') continue;
    recordApplied(w, event, result, applied);
  }
  return commitWork(host, all, applied, ctx, false, []);
}
