import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DataSource } from 'typeorm';
import { SqliteStorage } from 'ankurah/typeorm';
import { collectionSpec } from '../../../src/node/schema';
import { modelMeta } from '../../../src/model/registry';
import { Album } from '../../../samples/albums/models';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-ormconfig-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cliDataSource(file: string): Promise<DataSource> {
  process.env.ANKURAH_DB = file;
  let ds: DataSource | undefined;
  await jest.isolateModulesAsync(async () => {
    ds = (await import('../../../ormconfig')).default;
  });
  await (ds as DataSource).initialize();
  return ds as DataSource;
}

describe('ormconfig.ts (the TypeORM CLI DataSource)', () => {
  test('on an empty database it would create the state, event and catalog tables', async () => {
    const ds = await cliDataSource(join(dir, 'empty.db'));
    const sql = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query).join('\n');
    await ds.destroy();
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
    const ds = await cliDataSource(file);
    const pending = (await ds.driver.createSchemaBuilder().log()).upQueries.map((q) => q.query);
    await ds.destroy();
    expect(pending).toEqual([]);
  });
});
