import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Node, StorageError } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../../fixtures/models';
import { commitWithFaultyEntity, expectStillServing, nodeOnStorage } from './faults';
import { parseSelection } from '../../../src/query/parser';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-sqlite-node-'));
let n = 0;
let current = '';

afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Each test gets its own database file; opening again within a test reopens the same file.
beforeEach(() => {
  current = join(dir, `node-${n++}.db`);
});
nodeOnStorage('SQLite', () => SqliteStorage.open(current));

describe('opening SQLite storage', () => {
  test('a file that is not a SQLite database: StorageError naming the path, file untouched', async () => {
    const path = join(dir, 'not-a-db.db');
    const content = 'this is a text file, not a database\n'.repeat(40);
    writeFileSync(path, content);
    const err = (await SqliteStorage.open(path).catch((e: unknown) => e)) as StorageError;
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toContain(path);
    expect(String((err.cause as { message?: unknown }).message)).toMatch(/not a database/);
    expect(readFileSync(path, 'utf8')).toBe(content);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  test('a directory that cannot be written: StorageError naming the path', async () => {
    let path: string;
    if (process.getuid?.() === 0) {
      // root ignores permission bits; sysfs is mounted read-only for everyone.
      path = '/sys/ankurah-test/app.db';
    } else {
      const ro = join(dir, 'read-only');
      rmSync(ro, { recursive: true, force: true });
      mkdirSync(ro);
      chmodSync(ro, 0o555);
      path = join(ro, 'app.db');
    }
    const err = (await SqliteStorage.open(path).catch((e: unknown) => e)) as StorageError;
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toContain(path);
    expect(err.cause).toBeDefined();
  });

  test('a missing directory is created (before the writer lock, whose file goes next to the database)', async () => {
    const path = join(dir, `missing-${n}`, 'deeper', 'app.db');
    const s = await SqliteStorage.open(path);
    expect([existsSync(path), existsSync(`${path}-lock`)]).toEqual([true, true]);
    await s.close();
  });

  test("':memory:' works and keeps data while open", async () => {
    const s = await SqliteStorage.open(':memory:');
    await s.ensureCollection({ name: 'm', columns: [] });
    const id = '01J00000000000000000000000';
    await s.commit({
      events: [{ id, entityId: id, collection: 'm', parents: [], operations: { lww: { a: 1 } } }],
      states: [{ id, collection: 'm', head: [id], deleted: false, lww: {}, text: {}, values: { a: 1 } }],
    });
    expect((await s.getState('m', id))?.values).toEqual({ a: 1 });
    await s.close();
  });

  test('the database runs in WAL mode with foreign keys on and a busy timeout', async () => {
    const s = await SqliteStorage.open(join(dir, 'pragmas.db'), { busyTimeout: 1234 });
    const [mode] = await s.dataSource.query('PRAGMA journal_mode');
    const [fk] = await s.dataSource.query('PRAGMA foreign_keys');
    const [busy] = await s.dataSource.query('PRAGMA busy_timeout');
    expect([mode?.journal_mode, fk?.foreign_keys, busy?.timeout]).toEqual(['wal', 1, 1234]);
    await s.close();
  });
});

describe('SQLite commits in call order', () => {
  const row = (id: string): Parameters<SqliteStorage['commit']>[0] => ({
    events: [{ id, entityId: id, collection: 'm', parents: [], operations: { lww: { a: 1 } } }],
    states: [{ id, collection: 'm', head: [id], deleted: false, lww: {}, text: {}, values: { a: 1 } }],
  });

  test('a commit called while a read is queued runs after it (it runs at once only on an idle connection)', async () => {
    const s = await SqliteStorage.open(current);
    await s.ensureCollection({ name: 'm', columns: [] });
    await s.commit(row('01J00000000000000000000001'));
    const reading = s.fetchStates('m', parseSelection('true'));
    const writing = s.commit(row('01J00000000000000000000002'));
    expect(await reading).toHaveLength(1);
    await writing;
    expect(await s.fetchStates('m', parseSelection('true'))).toHaveLength(2);
    await s.close();
  });
});

describe('SQLite event tables', () => {
  const event = (id: string, parents: string[], a: number) => ({
    id,
    entityId: '01J00000000000000000000001',
    collection: 'm',
    parents,
    operations: { lww: { a } },
  });
  const state = (head: string, a: number) => ({
    id: '01J00000000000000000000001',
    collection: 'm',
    head: [head],
    deleted: false,
    lww: {},
    text: {},
    values: { a },
  });
  const tableSql = (db: Database.Database, name: string): string =>
    (db.prepare('SELECT sql FROM sqlite_master WHERE name = ?').get(name) as { sql: string }).sql;

  test('a new events table keeps its rows in the primary key (WITHOUT ROWID); states keep a rowid', async () => {
    const s = await SqliteStorage.open(current);
    await s.ensureCollection({ name: 'm', columns: [] });
    expect(tableSql(handleOf(s), 'm_events')).toMatch(/WITHOUT ROWID\s*$/);
    expect(tableSql(handleOf(s), 'm')).not.toMatch(/WITHOUT ROWID/);
    await s.close();
  });

  test('an events table made with a rowid (by an earlier version) is read and written as before', async () => {
    const e1 = '01J00000000000000000000001';
    const e2 = '01J00000000000000000000002';
    let s = await SqliteStorage.open(current);
    await s.ensureCollection({ name: 'm', columns: [] });
    await s.commit({ events: [event(e1, [], 1)], states: [state(e1, 1)] });
    await s.close();
    // Rebuild the table as earlier versions made it: a rowid table with the same columns and indexes.
    const db = new Database(current);
    const sql = tableSql(db, 'm_events').replace(/\s*WITHOUT ROWID\s*$/, '');
    db.exec(`ALTER TABLE "m_events" RENAME TO "old"; ${sql}; INSERT INTO "m_events" SELECT * FROM "old";
      DROP TABLE "old"; CREATE INDEX "m_events_entity_idx" ON "m_events" ("entity_id", "id")`);
    expect(tableSql(db, 'm_events')).not.toMatch(/WITHOUT ROWID/);
    db.close();

    s = await SqliteStorage.open(current);
    await s.commit({ events: [event(e2, [e1], 2), event(e1, [], 1)], states: [state(e2, 2)] });
    expect((await s.getEvents('m', [e1, e2])).map((e) => e.id).sort()).toEqual([e1, e2]);
    expect((await s.entityEvents('m', '01J00000000000000000000001')).map((e) => e.id)).toEqual([e1, e2]);
    expect((await s.getState('m', '01J00000000000000000000001'))?.values).toEqual({ a: 2 });
    expect(tableSql(handleOf(s), 'm_events')).not.toMatch(/WITHOUT ROWID/);
    await s.close();
  });
});

describe('SQLite locking mode', () => {
  /** A storage with one committed row in collection 'm'. */
  async function withRow(path: string, locking?: 'exclusive' | 'normal'): Promise<SqliteStorage> {
    const s = await SqliteStorage.open(path, locking ? { locking } : {});
    await s.ensureCollection({ name: 'm', columns: [] });
    const id = '01J00000000000000000000000';
    await s.commit({
      events: [{ id, entityId: id, collection: 'm', parents: [], operations: { lww: { a: 1 } } }],
      states: [{ id, collection: 'm', head: [id], deleted: false, lww: {}, text: {}, values: { a: 1 } }],
    });
    return s;
  }
  /** What another connection (standing for another process) gets when it reads the file. */
  function readElsewhere(path: string): number | string {
    const db = new Database(path, { readonly: true, timeout: 0 });
    try {
      return (db.prepare('SELECT count(*) AS n FROM "m"').get() as { n: number }).n;
    } catch (e) {
      return (e as Error).message;
    } finally {
      db.close();
    }
  }

  test('exclusive by default: no other connection reads the file while the storage is open, no -shm file; readable once closed', async () => {
    const s = await withRow(current);
    const [mode] = await s.dataSource.query('PRAGMA locking_mode');
    expect(mode?.locking_mode).toBe('exclusive');
    expect(readElsewhere(current)).toMatch(/locked/);
    expect(existsSync(`${current}-shm`)).toBe(false);
    await s.close();
    expect(readElsewhere(current)).toBe(1);
  });

  test("'normal': other connections read the file while the storage is open", async () => {
    const s = await withRow(current, 'normal');
    const [mode] = await s.dataSource.query('PRAGMA locking_mode');
    expect(mode?.locking_mode).toBe('normal');
    expect(readElsewhere(current)).toBe(1);
    await s.close();
  });

  test('a second node on a file held in exclusive mode is refused at once with the writer-locked error', async () => {
    const s = await withRow(current);
    const started = Date.now();
    const err = (await SqliteStorage.open(current, { busyTimeout: 60_000 }).catch(
      (e: unknown) => e,
    )) as StorageError;
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toMatch(/another Ankurah node/);
    // SQLite's busy timeout was not waited for: the writer lock is taken before the file is touched.
    expect(Date.now() - started).toBeLessThan(30_000);
    await s.close();
  });
});

/** The better-sqlite3 handle under a SqliteStorage. */
function handleOf(storage: SqliteStorage): Database.Database {
  return (storage.dataSource.driver as unknown as { databaseConnection: Database.Database })
    .databaseConnection;
}

/**
 * Counts rows of a table: on the storage's own connection while it is open (its exclusive locking keeps
 * other connections out), else on a separate, read-only connection to the file.
 */
function countOn(target: string | Database.Database, sql: string, ...params: unknown[]): number {
  if (typeof target !== 'string') return (target.prepare(sql).get(...params) as { n: number }).n;
  const db = new Database(target, { readonly: true });
  try {
    return (db.prepare(sql).get(...params) as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('a SQLite connection closed under the engine', () => {
  // A SQLite commit runs synchronously in one call, so nothing else can close the connection part-way; the
  // closest thing is code the commit itself runs (here a SQL function in a trigger at the second entity).
  test('closing it from inside a commit, at its second entity, is refused: the commit fails whole, the node keeps serving', async () => {
    const storage = await SqliteStorage.open(current);
    const node = await Node.durable(storage, { models: [Album] });
    const db = handleOf(storage);
    db.function('close_connection', () => {
      db.close();
      return 0;
    });
    db.exec(
      `CREATE TRIGGER closer BEFORE INSERT ON "album" WHEN NEW."name" = 'close' BEGIN SELECT close_connection(); END`,
    );
    const ctx = node.context();
    const { kept, first, marked: closing, trx: t1 } = await commitWithFaultyEntity(ctx, 'close');
    const err = (await t1.commit().catch((e: unknown) => e)) as StorageError;
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toMatch(/committing .*busy executing a query/);
    expect(db.open).toBe(true);

    const ids = [first.id, closing.id];
    const inList = ids.map(() => '?').join(', ');
    expect(
      countOn(db, `SELECT count(*) AS n FROM "album_events" WHERE "entity_id" IN (${inList})`, ...ids),
    ).toBe(0);
    expect(countOn(db, `SELECT count(*) AS n FROM "album" WHERE "id" IN (${inList})`, ...ids)).toBe(0);
    expect(countOn(db, 'SELECT count(*) AS n FROM "album_events" WHERE "entity_id" = ?', kept.id)).toBe(1);

    await expectStillServing(ctx, kept);
    await node.close();
  });

  test('a connection closed before a commit: StorageError, nothing written', async () => {
    const storage = await SqliteStorage.open(current);
    await storage.ensureCollection({ name: 'm', columns: [] });
    handleOf(storage).close();
    const id = '01J00000000000000000000000';
    const err = (await storage
      .commit({
        events: [{ id, entityId: id, collection: 'm', parents: [], operations: { lww: { a: 1 } } }],
        states: [{ id, collection: 'm', head: [id], deleted: false, lww: {}, text: {}, values: { a: 1 } }],
      })
      .catch((e: unknown) => e)) as StorageError;
    expect(err).toBeInstanceOf(StorageError);
    expect(err.message).toMatch(/committing 1 events and 1 states: .*not open/);
    await storage.close();
    expect(countOn(current, 'SELECT count(*) AS n FROM "m_events"')).toBe(0);
    expect(countOn(current, 'SELECT count(*) AS n FROM "m"')).toBe(0);
  });
});
