import { StorageError } from '../../errors/errors';

/** The name of a DOMException-like error, if it has one. */
function nameOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string'
    ? (e as { name: string }).name
    : undefined;
}

/** The origin's storage quota is used up: nothing of the write was kept. */
export function quotaExceeded(database: string, cause: unknown): StorageError {
  return new StorageError(
    'STORAGE',
    `IndexedDB database '${database}' is out of quota: the browser refused the write and nothing of it was kept. ` +
      'Fix: free space (delete old data or other databases of this origin), or ask for persistent storage with ' +
      'navigator.storage.persist() so the browser grants a larger quota',
    { cause },
  );
}

/** Another tab holds a connection at an older schema version and did not close it. */
export function upgradeBlocked(database: string, version: number): StorageError {
  return new StorageError(
    'STORAGE',
    `IndexedDB database '${database}' cannot be upgraded to version ${version}: another tab of this site still ` +
      'has it open with an older version of the app. Fix: close or reload the other tabs of this site, then reload',
  );
}

/** The stored database was created by a newer version of the app. */
export function newerVersion(database: string, version: number, cause: unknown): StorageError {
  return new StorageError(
    'STORAGE',
    `IndexedDB database '${database}' was written by a newer version of the app than this one (schema ${version}). ` +
      'Fix: reload the page to load the newer app',
    { cause },
  );
}

/** Another node (in this tab or another) has this database open. */
export function otherWriter(database: string): StorageError {
  return new StorageError(
    'STORAGE',
    `IndexedDB database '${database}' is held by another Ankurah node (in this tab or another tab of this site): ` +
      'two writers would lose acknowledged writes. Fix: give each tab its own database name ' +
      "(IndexedDbStorage.open(name, { slot: 'first-free' })) or close the other node first",
  );
}

/** Turns an IndexedDB failure into a StorageError naming what failed and, for known causes, the fix. */
export function idbFailure(database: string, what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  if (nameOf(cause) === 'QuotaExceededError') return quotaExceeded(database, cause);
  return StorageError.wrap(`${what} (IndexedDB database '${database}')`, cause ?? 'the transaction aborted');
}
