/*
 * The TypeORM members outside its public API that src/storage/typeorm/typeorm-internals.ts uses: checked
 * against the installed TypeORM, so an upgrade that moves them fails here, not in production.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DataSource } from 'typeorm';
import {
  TYPEORM_INTERNALS_TESTED,
  postgresSessionPool,
  rebuildMetadata,
  sqliteConnection,
  sqliteConstructor,
} from '../../../src/storage/typeorm/typeorm-internals';
import { DATABASE_URL, postgresAvailable } from './postgres-env';

// typeorm's exports map hides package.json: read it from node_modules.
const manifest = join(__dirname, '..', '..', '..', 'node_modules', 'typeorm', 'package.json');
const version = (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;

test('the installed TypeORM is the version the adapter was written and tested against', () => {
  expect(version).toMatch(TYPEORM_INTERNALS_TESTED);
});

test('better-sqlite3 driver: the connection, the constructor and metadata rebuilding', async () => {
  const ds = new DataSource({ type: 'better-sqlite3', database: ':memory:' });
  await ds.initialize();
  try {
    const db = sqliteConnection(ds);
    expect(db?.open).toBe(true);
    expect(db?.prepare('SELECT 1 AS one').get()).toEqual({ one: 1 });
    const Open = sqliteConstructor(ds);
    const other = new Open(':memory:');
    expect(other.open).toBe(true);
    other.close();
    await expect(rebuildMetadata(ds)).resolves.toBeUndefined();
  } finally {
    await ds.destroy();
  }
});

if (postgresAvailable()) {
  test('postgres driver: a pool of one outside TypeORM, with its credentials', async () => {
    const ds = new DataSource({ type: 'postgres', url: DATABASE_URL });
    await ds.initialize();
    try {
      const pool = await postgresSessionPool(ds);
      try {
        const r = await pool.query<{ one: number }>('SELECT 1 AS one');
        expect(r.rows).toEqual([{ one: 1 }]);
        expect(pool.options.max).toBe(1);
      } finally {
        await pool.end();
      }
    } finally {
      await ds.destroy();
    }
  });
} else {
  test.skip('postgres driver internals (Postgres unreachable)', () => undefined);
}
