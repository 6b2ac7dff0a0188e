import { AnkurahError } from './ankurah-error';

/** The storage engine failed; the operation was rolled back. */
export class StorageError extends AnkurahError {
  static #of(message: string, cause?: unknown): StorageError {
    return new StorageError('STORAGE', message, cause === undefined ? undefined : { cause });
  }

  /** A driver or database failure while doing `what`. */
  static wrap(what: string, cause: unknown): StorageError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return StorageError.#of(`Storage failure while ${what}: ${detail}`, cause);
  }

  /** The database could not be opened. */
  static cannotOpen(where: string, cause: unknown): StorageError {
    const detail = cause instanceof Error ? cause.message : String(cause);
    return StorageError.#of(`Cannot open ${where}: ${detail}`, cause);
  }

  /** A collection name outside the rule every engine shares (`rule` states it). */
  static badCollectionName(name: string, rule: string): StorageError {
    return StorageError.#of(
      `Cannot store collection '${name}': a collection name is ${rule}. Fix: give the model another name with @Model('name')`,
    );
  }

  /** A collection was written before its tables were created. */
  static noTables(collection: string): StorageError {
    return StorageError.#of(`Collection '${collection}' has no tables yet`);
  }

  /** The driver's connection was closed under the engine while doing `what`. */
  static connectionNotOpen(what: string): StorageError {
    return StorageError.#of(`Storage failure while ${what}: the SQLite connection is not open`);
  }

  /** Another node held the database-wide DDL lock for too long. */
  static ddlLockTimeout(name: string): StorageError {
    return StorageError.#of(
      `Timed out waiting for the DDL lock '${name}': another node is creating tables. Retry, or check for a ` +
        'node stuck while starting',
    );
  }

  /** The engine was used after close(). */
  static closed(kind: string): StorageError {
    return StorageError.#of(`The ${kind} storage is closed`);
  }

  /** Another node holds the database for writing. */
  static writerLocked(target: string, cause?: unknown): StorageError {
    return StorageError.#of(
      `Cannot open ${target} for writing: another Ankurah node (in this process or another) holds it, and two ` +
        'writers that do not compare heads lose acknowledged writes. Fix: close the other node (node.close() or ' +
        'storage.close()) or give this node its own database; for several writers open every node with ' +
        '{ shared: true } (Postgres, MySQL); to wait for a node that is shutting down, pass ' +
        '{ lockTimeout } in milliseconds; to serve clients from several processes, connect them as clients ' +
        'of the one durable node (docs/deployment.md)',
      cause,
    );
  }

  /** A shared storage kept refusing a commit because other nodes kept changing its entities. */
  static conflictsPersisted(
    conflicts: readonly { readonly collection: string; readonly id: string }[],
    attempts: number,
    cause: unknown,
  ): StorageError {
    return StorageError.#of(
      `Other nodes kept changing ${conflicts.map((c) => `${c.collection}/${c.id}`).join(', ')} ` +
        `through ${attempts} attempts to commit; nothing was kept. Retry the request`,
      cause,
    );
  }

  /** IndexedDB is missing (not a browser page). */
  static idbUnavailable(): StorageError {
    return StorageError.#of('IndexedDB is not available here. Fix: use IndexedDbStorage in a browser page');
  }

  /** An IndexedDB database used after close(). */
  static idbClosed(database: string): StorageError {
    return StorageError.#of(`IndexedDB database '${database}' is closed`);
  }

  /** The origin's storage quota is used up: nothing of the write was kept. */
  static idbQuotaExceeded(database: string, cause: unknown): StorageError {
    return StorageError.#of(
      `IndexedDB database '${database}' is out of quota: the browser refused the write and nothing of it was kept. ` +
        'Fix: free space (delete old data or other databases of this origin), or ask for persistent storage with ' +
        'navigator.storage.persist() so the browser grants a larger quota',
      cause,
    );
  }

  /** Another tab holds a connection at an older schema version and did not close it. */
  static idbUpgradeBlocked(database: string, version: number): StorageError {
    return StorageError.#of(
      `IndexedDB database '${database}' cannot be upgraded to version ${version}: another tab of this site still ` +
        'has it open with an older version of the app. Fix: close or reload the other tabs of this site, then reload',
    );
  }

  /** The stored database was created by a newer version of the app. */
  static idbNewerVersion(database: string, version: number, cause: unknown): StorageError {
    return StorageError.#of(
      `IndexedDB database '${database}' was written by a newer version of the app than this one (schema ${version}). ` +
        'Fix: reload the page to load the newer app',
      cause,
    );
  }

  /** Another node (in this tab or another) has this database open. */
  static idbOtherWriter(database: string): StorageError {
    return StorageError.#of(
      `IndexedDB database '${database}' is held by another Ankurah node (in this tab or another tab of this site): ` +
        'two writers would lose acknowledged writes. Fix: give each tab its own database name ' +
        "(IndexedDbStorage.open(name, { slot: 'first-free' })) or close the other node first",
    );
  }
}
