import { StorageError } from '../errors/errors';

/** One entity whose stored head was not the one a state was computed from. */
export interface ConflictRef {
  readonly collection: string;
  readonly id: string;
}

/**
 * A shared engine refused a commit: another writer changed these entities since they were read. Nothing of
 * the batch was kept; reload the entities, merge and retry (transient, code STORAGE).
 */
export class StorageConflict extends StorageError {
  readonly conflicts: readonly ConflictRef[];

  constructor(conflicts: readonly ConflictRef[]) {
    const names = conflicts.slice(0, 5).map((c) => `${c.collection}/${c.id}`);
    const more = conflicts.length > 5 ? ` and ${conflicts.length - 5} more` : '';
    super(
      'STORAGE',
      `Another writer changed ${names.join(', ')}${more} since this node read them; nothing was kept. ` +
        'Fix: reload the entities and retry (a Node does this itself)',
    );
    this.conflicts = conflicts;
  }
}
