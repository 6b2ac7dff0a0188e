import { Entity } from '../../entity/entity';
import { clockEquals } from '../../event/clock';
import { entityKey } from '../../event/entity-key';
import { type ModelMeta } from '../../model/model-meta';
import { type Predicate } from '../../query/ast';
import { type Reactor } from '../../reactor/reactor';
import { type StorageEngine } from '../../storage/engine';
import { type EntityCache } from './entity-cache';
import { FreshChange } from './fresh-change';
import { type ChangedRef, type EntityChange } from '../ports';

/** What a refresh needs from its node. */
export interface RefreshHost {
  readonly storage: StorageEngine;
  readonly cache: EntityCache;
  /** Which collections some live query or subscription of this node watches. */
  readonly reactor: Pick<Reactor, 'watches'>;
  metaOf(collection: string): ModelMeta;
  ensureCollection(meta: ModelMeta): Promise<void>;
}

/**
 * Re-reads entities that another durable node changed in the storage both share, and returns the changes
 * for the reactor. The stored state is the source of truth: every commit of this node reaches storage (with a
 * compare-and-set on the head) before its entities change here, so a stored state that differs from the held
 * one is newer and the held entity adopts it; an entity not held here is reported only when something watches
 * its collection (a live query may gain it). Run under the node's apply lock.
 */
export async function refreshEntities(
  host: RefreshHost,
  refs: readonly ChangedRef[],
): Promise<EntityChange[]> {
  // Which refs need a read: each once, held at another head or new to a watched collection.
  const wanted = new Map<string, ChangedRef>();
  for (const ref of refs) {
    const key = entityKey(ref.collection, ref.id);
    if (wanted.has(key)) continue;
    const held = host.cache.get(ref.collection, ref.id);
    if (!held && !host.reactor.watches(ref.collection)) continue;
    if (held && ref.head && clockEquals(held.head, ref.head)) continue;
    wanted.set(key, ref);
  }
  for (const c of new Set([...wanted.values()].map((r) => r.collection))) {
    await host.ensureCollection(host.metaOf(c));
  }
  // The reads go out together (a pooled database answers them in parallel), then apply in order.
  const states = await Promise.all(
    [...wanted.values()].map((r) => host.storage.getState(r.collection, r.id)),
  );
  const changes: EntityChange[] = [];
  for (const state of states) {
    if (!state) continue;
    const held = host.cache.get(state.collection, state.id);
    if (!held) {
      changes.push(new FreshChange(undefined, state, host.cache));
      continue;
    }
    if (held.exists && clockEquals(held.head, state.head) && held.deleted === state.deleted) continue;
    const before = held.exists && !held.deleted ? held.values() : null;
    held.adopt(new Entity(state));
    changes.push({ entity: held, before });
  }
  return changes;
}

/** The refs a catch-up re-reads: every entity held live, and every stored entity some watch's predicate matches. */
export async function catchUpRefs(
  host: RefreshHost,
  held: Iterable<Entity>,
  watched: readonly { readonly collection: string; readonly predicate: Predicate }[],
): Promise<ChangedRef[]> {
  const refs: ChangedRef[] = [];
  for (const e of held) refs.push({ collection: e.collection, id: e.id });
  const done = new Set<string>();
  for (const w of watched) {
    const key = entityKey(w.collection, JSON.stringify(w.predicate));
    if (done.has(key)) continue;
    done.add(key);
    await host.ensureCollection(host.metaOf(w.collection));
    for (const s of await host.storage.fetchStates(w.collection, { predicate: w.predicate, orderBy: [] })) {
      refs.push({ collection: s.collection, id: s.id, head: s.head });
    }
  }
  return refs;
}
