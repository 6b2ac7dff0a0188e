import { Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { InternalError, StorageError } from '../../errors/errors';
import { clockEquals } from '../../event/clock';
import { sameEntity, type Event } from '../../event/event';
import { type EntityChange, type EventAdoption } from '../ports';
import { type EntityRef, type RemoteStates } from '../peers/peer';
import { type ApplyHost } from './apply-host';

/**
 * Adopts states a durable peer sent (ephemeral nodes hold state without history) and drops `gone` entities
 * locally; entities for which `keep` is true are left alone (whether a state is older than one already
 * adopted is the caller's call: sequence numbers). Pushed `events` are applied to copies whose head is their
 * parents (see RemoteStates.events); an entity whose copy is elsewhere is passed to `pushed.stale`. One
 * storage commit, then the live entities adopt the new states and one change batch is emitted. Resolves to
 * the live entities of `states`.
 */
export async function adoptStates(
  host: ApplyHost,
  update: RemoteStates,
  keep: (ref: EntityRef) => boolean,
  pushed?: EventAdoption,
): Promise<Entity[]> {
  const out: Entity[] = [];
  const states: EntityState[] = [];
  // `quiet`: pushed events that moved the head and changed no value (kept, not announced to live queries).
  const staged: {
    primary: Entity | undefined;
    next: Entity;
    before: Record<string, unknown> | null;
    quiet?: boolean;
  }[] = [];
  const take = async (state: EntityState): Promise<Entity | undefined> => {
    await host.ensureCollection(host.metaOf(state.collection));
    const primary = await host.loadLocal(state.collection, state.id);
    if (
      keep(state) ||
      (primary && clockEquals(primary.head, state.head) && primary.deleted === state.deleted)
    ) {
      return primary;
    }
    const next = new Entity(state);
    states.push(state);
    staged.push({ primary, next, before: primary?.exists && !primary.deleted ? primary.values() : null });
    return primary ?? next;
  };
  for (const s of update.states) {
    const e = await take(s);
    if (e) out.push(e);
  }
  for (const g of update.gone) {
    const held = await host.loadLocal(g.collection, g.id);
    if (held?.exists && !held.deleted && !keep(g)) {
      await take({ ...held.state(), deleted: true, deletedBy: held.head[0] });
    }
  }
  const events = update.events;
  if (events && events.length > 0) {
    if (!pushed) throw InternalError.eventsWithoutAdoption();
    for (let i = 0; i < events.length; ) {
      const first = events[i] as Event;
      let j = i + 1;
      while (j < events.length && sameEntity(events[j] as Event, first)) j++;
      const run = events.slice(i, j);
      i = j;
      const ref: EntityRef = { collection: first.collection, id: first.entityId };
      if (pushed.keep(ref)) continue;
      await host.ensureCollection(host.metaOf(ref.collection));
      const primary = await host.loadLocal(ref.collection, ref.id);
      const step = primary && advanced(primary, run);
      if (step === null) continue; // already holds them
      if (!step || !primary) {
        pushed.stale(ref);
        continue;
      }
      const { next, changed } = step;
      states.push(next.state());
      const before = primary.exists && !primary.deleted ? primary.values() : null;
      staged.push(changed ? { primary, next, before } : { primary, next, before, quiet: true });
    }
  }
  if (states.length === 0) return out;
  try {
    await host.storage.commit({ events: [], states });
  } catch (e) {
    throw e instanceof StorageError ? e : StorageError.wrap('keeping states from a peer', e);
  }
  const changes: EntityChange[] = [];
  for (const w of staged) {
    if (w.primary) w.primary.adopt(w.next, !w.quiet);
    else host.cache.put(w.next);
    if (!w.quiet) changes.push({ entity: w.primary ?? w.next, before: w.before });
  }
  if (changes.length > 0) host.emit({ changes });
  return out;
}

/**
 * A copy of `entity` with a line of events applied (the first one's parents are its head, each next one's
 * the previous event), and whether a value changed; null when its head already names the last event,
 * undefined when the copy is elsewhere (the entity is to be read again).
 */
function advanced(
  entity: Entity,
  run: readonly Event[],
): { next: Entity; changed: boolean } | null | undefined {
  const last = run[run.length - 1] as Event;
  if (entity.head.includes(last.id)) return null;
  if (!entity.exists || !clockEquals(entity.head, (run[0] as Event).parents)) return undefined;
  const next = entity.clone();
  let changed = false;
  try {
    for (const event of run) {
      const result = next.applyWithoutWalk(event);
      if (!result || result.outcome === 'noop') return undefined;
      changed ||= result.changed;
    }
  } catch {
    // A malformed event (or one that edits past a delete): read the entity again rather than adopt it.
    return undefined;
  }
  return { next, changed };
}
