import { StorageError } from 'ankurah';
import { PostgresStorage, TypeOrmStorage } from 'ankurah/typeorm';
import { nodeOnStorage } from './faults';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';

if (postgresAvailable()) {
  const schemas: string[] = [];
  let current = '';
  beforeEach(() => {
    current = testSchema();
    schemas.push(current);
  });
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  nodeOnStorage(
    'Postgres',
    () => PostgresStorage.open(DATABASE_URL, { schema: current }),
    () => current,
  );

  describe('opening Postgres storage', () => {
    test('{ schema } creates the schema and puts the tables in it', async () => {
      const s = await PostgresStorage.open(DATABASE_URL, { schema: current });
      await s.ensureCollection({ name: 'album', columns: [{ name: 'year', type: 'integer', index: true }] });
      const rows = await s.dataSource.query<{ table_name: string }[]>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
        [current],
      );
      expect(rows.map((r) => r.table_name)).toEqual(['album', 'album_events', 'ankurah_collections']);
      await s.close();
    });

    test('TypeOrmStorage.open takes TypeORM DataSource options', async () => {
      const s = await TypeOrmStorage.open({ type: 'postgres', url: DATABASE_URL, schema: current });
      expect(s.kind).toBe('postgres');
      expect(await s.collections()).toEqual([]);
      await s.close();
    });

    test('a database that does not exist: StorageError naming the host, with the cause', async () => {
      const url = new URL(DATABASE_URL);
      url.pathname = '/ankurah_no_such_database';
      const err = (await PostgresStorage.open(url.toString()).catch((e: unknown) => e)) as StorageError;
      expect(err).toBeInstanceOf(StorageError);
      expect(err.message).toContain(`${url.hostname}:${url.port || '5432'}/ankurah_no_such_database`);
      expect(err.message).toMatch(/does not exist/);
      expect(err.cause).toBeDefined();
    });

    test('a refused connection: StorageError naming the host and port', async () => {
      const err = (await PostgresStorage.open('postgres://postgres:secret@127.0.0.1:1/test').catch(
        (e: unknown) => e,
      )) as StorageError;
      expect(err).toBeInstanceOf(StorageError);
      expect(err.message).toContain('127.0.0.1:1/test');
      expect(err.message).not.toContain('secret');
      expect(err.message).toMatch(/ECONNREFUSED/);
    });

    test('a malformed URL: StorageError', async () => {
      const err = (await PostgresStorage.open('postgres://[bad').catch((e: unknown) => e)) as StorageError;
      expect(err).toBeInstanceOf(StorageError);
      expect(err.message).toContain('not a valid URL');
    });
  });
} else {
  test.skip('durable node on Postgres (Postgres unreachable)', () => undefined);
}
