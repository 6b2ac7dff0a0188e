import { StorageError } from '../../errors/errors';
import { idbFailure } from './idb-errors';

/** The schema version this code writes; bump it with a new step in `upgrade`. */
export const SCHEMA_VERSION = 1;

/** Object store names. */
export const STORES = { collections: 'collections', states: 'states', events: 'events' } as const;

/** The multiEntry index over the keys of `index: true` fields (see index-keys.ts). */
export const IX = 'ix';
/** The index of events by [collection, entity, id]. */
export const BY_ENTITY = 'entity';

function upgrade(db: IDBDatabase, from: number): void {
  if (from < 1) {
    db.createObjectStore(STORES.collections, { keyPath: 'name' });
    const states = db.createObjectStore(STORES.states, { keyPath: ['c', 'id'] });
    states.createIndex(IX, 'ix', { multiEntry: true });
    const events = db.createObjectStore(STORES.events, { keyPath: ['c', 'id'] });
    events.createIndex(BY_ENTITY, ['c', 'en', 'id']);
  }
}

/**
 * Opens (creating or upgrading) the database. A tab that holds an older version open and does not close it
 * blocks the upgrade: that is a StorageError naming the fix, not an endless wait.
 */
export function openDatabase(name: string, version = SCHEMA_VERSION): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') {
    return Promise.reject(StorageError.idbUnavailable());
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const req = indexedDB.open(name, version);
    req.onupgradeneeded = (ev) => upgrade(req.result, ev.oldVersion);
    req.onblocked = () => {
      if (settled) return;
      settled = true;
      reject(StorageError.idbUpgradeBlocked(name, version));
      // Once the other tab closes the open still completes: close it so it does not hold the database.
      req.onsuccess = () => req.result.close();
    };
    req.onsuccess = () => {
      settled = true;
      const db = req.result;
      // A newer version of the app in another tab wants to upgrade: let it (this connection becomes unusable).
      db.onversionchange = () => db.close();
      resolve(db);
    };
    req.onerror = () => {
      if (settled) return;
      settled = true;
      const e = req.error;
      reject(
        e?.name === 'VersionError'
          ? StorageError.idbNewerVersion(name, version, e)
          : idbFailure(name, 'opening', e),
      );
    };
  });
}

type LockManagerLike = {
  request(
    name: string,
    options: { ifAvailable: boolean },
    callback: (lock: unknown) => Promise<void> | undefined,
  ): Promise<unknown>;
};

function lockManager(): LockManagerLike | undefined {
  const nav = (globalThis as { navigator?: { locks?: LockManagerLike } }).navigator;
  return nav?.locks;
}

/**
 * Takes the single-writer lock of a database (a Web Lock, released when the tab closes), or undefined when
 * another node holds it. Without Web Locks (old browsers) the lock is not enforced.
 */
export async function takeWriterLock(name: string): Promise<(() => void) | undefined> {
  const locks = lockManager();
  if (!locks) return () => undefined;
  let release: () => void = () => undefined;
  const held = new Promise<void>((r) => (release = r));
  const got = await new Promise<boolean>((resolve) => {
    void locks.request(`ankurah-indexeddb:${name}`, { ifAvailable: true }, (lock) => {
      resolve(lock !== null);
      return lock === null ? undefined : held;
    });
  });
  return got ? release : undefined;
}

/** The first of `name`, `name~2`, `name~3`… whose writer lock is free, with the lock taken. */
export async function takeFreeSlot(name: string, max = 32): Promise<{ name: string; release: () => void }> {
  for (let i = 1; i <= max; i++) {
    const slot = i === 1 ? name : `${name}~${i}`;
    const release = await takeWriterLock(slot);
    if (release) return { name: slot, release };
  }
  throw StorageError.idbOtherWriter(`${name}~1..${max}`);
}
