import { StorageError } from '../../errors/errors';
import { type DataSource, type QueryRunner } from 'typeorm';
import { type DdlLock } from './sql-storage';
import { type WriterLock, writerLockedError } from './writer-lock';

/** A MySQL lock name of the database (GET_LOCK names are at most 64 characters). */
function lockName(kind: 'writer' | 'ddl', database: string): string {
  return `ankurah:${kind}:${database}`.slice(0, 64);
}

async function getLock(qr: QueryRunner, name: string, seconds: number): Promise<boolean> {
  const rows = (await qr.query('SELECT GET_LOCK(?, ?) AS ok', [name, seconds])) as { ok: unknown }[];
  return Number(rows[0]?.ok) === 1;
}

/**
 * The single-writer lock of a MySQL database: a named lock (GET_LOCK) held by a connection of its own for
 * the storage's lifetime; the server releases it when that session ends (close, process death).
 */
export async function mysqlWriterLock(
  ds: DataSource,
  database: string,
  target: string,
  waitMs: number,
): Promise<WriterLock> {
  const qr = ds.createQueryRunner();
  try {
    await qr.connect();
    if (!(await getLock(qr, lockName('writer', database), Math.max(0, Math.ceil(waitMs / 1000)))))
      throw writerLockedError(target);
  } catch (e) {
    await qr.release();
    throw e;
  }
  return {
    held: true,
    ensureHeld: async () => undefined,
    release: async () => {
      await qr.query('SELECT RELEASE_LOCK(?)', [lockName('writer', database)]).catch(() => undefined);
      await qr.release();
    },
  };
}

/** The DDL lock of a MySQL database: a named lock around table creation (MySQL DDL is not transactional). */
export function mysqlDdlLock(database: string): DdlLock {
  const name = lockName('ddl', database);
  return {
    acquire: async (qr) => {
      if (!(await getLock(qr, name, 60))) throw StorageError.ddlLockTimeout(name);
    },
    release: async (qr) => {
      await qr.query('SELECT RELEASE_LOCK(?)', [name]);
    },
  };
}
