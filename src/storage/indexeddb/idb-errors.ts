import { StorageError } from '../../errors/errors';

/** The name of a DOMException-like error, if it has one. */
function nameOf(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && typeof (e as { name?: unknown }).name === 'string'
    ? (e as { name: string }).name
    : undefined;
}

/** Turns an IndexedDB failure into a StorageError naming what failed and, for known causes, the fix. */
export function idbFailure(database: string, what: string, cause: unknown): StorageError {
  if (cause instanceof StorageError) return cause;
  if (nameOf(cause) === 'QuotaExceededError') return StorageError.idbQuotaExceeded(database, cause);
  return StorageError.wrap(`${what} (IndexedDB database '${database}')`, cause ?? 'the transaction aborted');
}
