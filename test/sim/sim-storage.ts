import { type EntityState } from '../../src/entity/entity-state';
import { StorageError } from '../../src/errors/errors';
import { type Event } from '../../src/event/event';
import { type Selection } from '../../src/query/ast';
import { type CollectionSpec, type CommitBatch, type StorageEngine } from '../../src/storage/engine';
import { MemoryStorage } from '../../src/storage/memory-storage';

/**
 * A storage engine over a "disk" (a MemoryStorage that outlives it), for the topology simulation:
 * - closing it leaves the disk intact, so a new engine on the same disk is a process restart that finds what
 *   the last run kept (as SQLite on a file would); a closed engine refuses every call, like a closed database;
 * - while `failing` is set, every call the fault covers rejects with StorageError (a busy database, a
 *   refused connection) and changes nothing.
 */
export class SimStorage implements StorageEngine {
  readonly kind = 'memory';
  readonly disk: MemoryStorage;
  /** While true, commits (and reads when `faultReads`) fail with StorageError. */
  failing = false;
  faultReads = false;
  /** Calls refused by a fault. */
  faults = 0;
  #closed = false;

  constructor(disk: MemoryStorage = new MemoryStorage()) {
    this.disk = disk;
  }

  #check(what: string, write: boolean): void {
    if (this.#closed) throw StorageError.wrap(what, new Error('the database is closed'));
    if (this.failing && (write || this.faultReads)) {
      this.faults++;
      throw StorageError.wrap(what, new Error('simulated transient fault (database is busy)'));
    }
  }

  async ensureCollection(spec: CollectionSpec): Promise<void> {
    this.#check('creating a collection', false);
    return this.disk.ensureCollection(spec);
  }

  async collections(): Promise<string[]> {
    this.#check('listing collections', false);
    return this.disk.collections();
  }

  async commit(batch: CommitBatch): Promise<void> {
    this.#check('committing', true);
    return this.disk.commit(batch);
  }

  async getState(collection: string, id: string): Promise<EntityState | undefined> {
    this.#check('reading a state', false);
    return this.disk.getState(collection, id);
  }

  async fetchStates(collection: string, selection: Selection): Promise<EntityState[]> {
    this.#check('fetching states', false);
    return this.disk.fetchStates(collection, selection);
  }

  async getEvents(collection: string, ids: readonly string[]): Promise<Event[]> {
    this.#check('reading events', false);
    return this.disk.getEvents(collection, ids);
  }

  async entityEvents(collection: string, entityId: string): Promise<Event[]> {
    this.#check('reading a history', false);
    return this.disk.entityEvents(collection, entityId);
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
