import { StorageError } from '../../errors/errors';
import { type Clock } from '../../event/clock';
import { type ConflictRef, StorageConflict } from '../../storage/conflict';
import { type Work } from './apply-work';

/** How many times a batch is applied again after a shared storage reported a conflict. */
export const CONFLICT_ATTEMPTS = 50;

/**
 * The stored head each touched entity's new state was computed from (null: not stored before), for the
 * compare-and-set of a shared storage (CommitBatch.heads).
 */
export function storedHeads(touched: readonly Work[]): (Clock | null)[] {
  return touched.map((w) => (w.created || w.fresh || !w.primary?.exists ? null : w.primary.head));
}

/**
 * Runs `apply` and, while a shared storage refuses it because another node changed the entities
 * (StorageConflict), reloads them with `reload` and runs it again: the batch is then merged with the other
 * node's events. Gives up after CONFLICT_ATTEMPTS with a transient StorageError.
 */
export async function retryConflicts<T>(
  apply: () => Promise<T>,
  reload: (refs: readonly ConflictRef[]) => Promise<unknown>,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await apply();
    } catch (e) {
      if (!(e instanceof StorageConflict)) throw e;
      if (attempt >= CONFLICT_ATTEMPTS) {
        throw StorageError.conflictsPersisted(e.conflicts, CONFLICT_ATTEMPTS, e);
      }
      await reload(e.conflicts);
      // Nodes racing on one entity back off a random, growing moment so that one of them wins each round.
      if (attempt > 1) await pause(Math.random() * Math.min(100, 2 ** attempt));
    }
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
