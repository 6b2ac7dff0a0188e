import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DataSource } from 'typeorm';
import { PostgresStorage, SqliteStorage } from 'ankurah/typeorm';
import { collectionSpec } from '../../../src/node/schema';
import { modelMeta } from '../../../src/model/registry';
import { Album } from '../../../samples/albums/models';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-ormconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ENV = ['ANKURAH_DB', 'DATABASE_URL', 'ANKURAH_SCHEMA'] as const;

/**
 * The DataSource ormconfig.ts exports under exactly these environment variables (the others unset, so a
 * DATABASE_URL set for the Postgres suites does not turn the SQLite case into a Postgres one); the
 * environment is restored afterwards.
 */
async function cliDataSource(env: Partial<Record<(typeof ENV)[number], string>>): Promise<DataSource> {
  const saved = ENV.map((k) => [k, process.env[k]] as const);
  for (const k of ENV) {
    const v = env[k];
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  let ds: DataSource | undefined;
  try {
    await jest.isolateModulesAsync(async () => {
      ds = (await import('../../../ormconfig')).default;
    });
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  await (ds as DataSource).initialize();
  return ds as DataSource;
}

async function pending(ds: DataSource): Promise<string[]> {
  const queries = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
  await ds.destroy();
  return queries;
}

describe('ormconfig.ts (the TypeORM CLI DataSource) on SQLite', () => {
  test('on an empty database it would create the state, event and catalog tables', async () => {
    const ds = await cliDataSource({ ANKURAH_DB: join(dir, 'empty.db') });
    expect(ds.options.type).toBe('better-sqlite3');
    const sql = (await pending(ds)).join('\n');
    expect(sql).toContain('CREATE TABLE "album"');
    expect(sql).toContain('CREATE TABLE "album_events"');
    expect(sql).toContain('CREATE TABLE "ankurah_collections"');
    expect(sql).toContain('CREATE INDEX "album_year_idx"');
  });

  test('the tables the engine creates are exactly what the CLI expects: no pending migration', async () => {
    const file = join(dir, 'engine.db');
    const storage = await SqliteStorage.open(file);
    await storage.ensureCollection(collectionSpec(modelMeta(Album)));
    await storage.close();
    expect(await pending(await cliDataSource({ ANKURAH_DB: file }))).toEqual([]);
  });
});

(postgresAvailable() ? describe : describe.skip)(
  'ormconfig.ts with DATABASE_URL and ANKURAH_SCHEMA (Postgres)',
  () => {
    const schema = testSchema();
    afterAll(() => dropSchema(schema));

    test('the tables the engine creates are exactly what the CLI expects: no pending migration', async () => {
      const storage = await PostgresStorage.open(DATABASE_URL, { schema });
      await storage.ensureCollection(collectionSpec(modelMeta(Album)));
      await storage.close();
      const ds = await cliDataSource({ DATABASE_URL, ANKURAH_SCHEMA: schema });
      expect(ds.options.type).toBe('postgres');
      expect(await pending(ds)).toEqual([]);
    });
  },
);
