import { DataSource, type DataSourceOptions } from 'typeorm';
import { StorageError } from '../../errors/errors';

/**
 * Initialises a DataSource and runs `setup` on it; on any failure the DataSource is destroyed (nothing
 * half-open is left) and a StorageError naming `where` and carrying the cause is thrown.
 */
export async function openDataSource<T>(
  options: DataSourceOptions,
  where: string,
  setup: (ds: DataSource) => Promise<T>,
): Promise<T> {
  let ds: DataSource | undefined;
  try {
    ds = new DataSource(options);
    await ds.initialize();
    return await setup(ds);
  } catch (e) {
    if (ds?.isInitialized) await ds.destroy().catch(() => undefined);
    const detail = e instanceof Error ? e.message : String(e);
    throw new StorageError('STORAGE', `Cannot open ${where}: ${detail}`, { cause: e });
  }
}
