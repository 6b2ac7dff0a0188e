import { Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { StorageError } from '../../errors/errors';
import { clockEquals } from '../../event/clock';
import { type EntityChange } from '../ports';
import { type EntityRef, type RemoteStates } from '../peers/peer';
import { type ApplyHost } from './apply-host';

/**
 * Adopts states a durable peer sent (ephemeral nodes hold state without history) and drops `gone` entities
 * locally; entities for which `keep` is true are left alone (whether a state is older than one already
 * adopted is the caller's call: sequence numbers). One storage commit, then the live entities adopt the new
 * states and one change batch is emitted. Resolves to the live entities of `states`.
 */
export async function adoptStates(
  host: ApplyHost,
  update: RemoteStates,
  keep: (ref: EntityRef) => boolean,
): Promise<Entity[]> {
  const out: Entity[] = [];
  const states: EntityState[] = [];
  const staged: { primary: Entity | undefined; next: Entity; before: Record<string, unknown> | null }[] = [];
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
  if (states.length === 0) return out;
  try {
    await host.storage.commit({ events: [], states });
  } catch (e) {
    throw e instanceof StorageError ? e : StorageError.wrap('keeping states from a peer', e);
  }
  const changes: EntityChange[] = [];
  for (const w of staged) {
    if (w.primary) w.primary.adopt(w.next);
    else host.cache.put(w.next);
    changes.push({ entity: w.primary ?? w.next, before: w.before });
  }
  host.emit({ changes });
  return out;
}
