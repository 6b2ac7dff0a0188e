import { DataSource, type DataSourceOptions } from 'typeorm';
import { StorageError } from '../../errors/errors';
import { type WriterLock } from './writer-lock';

/**
 * Initialises a DataSource, takes the database's writer lock with `lock` (after the initialisation, or with
 * `lockFirst` before it), and runs `setup` on both; on any failure the lock is released and the DataSource
 * destroyed (nothing half-open is left). A refused lock rejects with its own StorageError; any other failure
 * with a StorageError naming `where` and carrying the cause.
 */
export async function openDataSource<T>(
  options: DataSourceOptions,
  where: string,
  lock: (ds: DataSource) => Promise<WriterLock | undefined>,
  setup: (ds: DataSource, lock: WriterLock | undefined) => Promise<T>,
  lockFirst = false,
): Promise<T> {
  let ds: DataSource | undefined;
  let held: WriterLock | undefined;
  let locking = false;
  const take = async (on: DataSource): Promise<void> => {
    locking = true;
    held = await lock(on);
    locking = false;
  };
  try {
    ds = new DataSource(options);
    // `lockFirst`: before any connection touches the database (its driver is loaded, not connected).
    if (lockFirst) await take(ds);
    await ds.initialize();
    if (!lockFirst) await take(ds);
    return await setup(ds, held);
  } catch (e) {
    await held?.release().catch(() => undefined);
    if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    // The writer-locked error already names the database and the fix.
    if (locking && e instanceof StorageError) throw e;
    throw StorageError.cannotOpen(where, e);
  }
}
