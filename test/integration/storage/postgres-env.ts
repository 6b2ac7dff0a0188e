import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';

/** The Postgres the integration tests use. */
export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

const probe = `
const { Client } = require('pg');
const c = new Client({ connectionString: process.argv[1], connectionTimeoutMillis: 3000 });
c.connect().then(() => c.end()).then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
`;

/**
 * True when Postgres answers at DATABASE_URL (checked synchronously, so suites can choose describe or
 * describe.skip). Unreachable: a loud warning and false, or a thrown error when CI=true.
 */
export function postgresAvailable(): boolean {
  const r = spawnSync(process.execPath, ['-e', probe, DATABASE_URL], {
    encoding: 'utf8',
    cwd: process.cwd(),
  });
  if (r.status === 0) return true;
  const why = `Postgres is not reachable at ${DATABASE_URL.replace(/\/\/[^@/]*@/, '//')}: ${r.stderr.trim()}`;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the Postgres suites must run)`);
  console.warn(
    `\n!!! SKIPPING Postgres storage tests. ${why}. Set DATABASE_URL or start Postgres to run them.\n`,
  );
  return false;
}

/** A fresh schema name for one test run. */
export function testSchema(): string {
  return `ankurah_test_${randomBytes(6).toString('hex')}`;
}

/** Drops a test schema with everything in it. */
export async function dropSchema(schema: string): Promise<void> {
  const { Client } = await import('pg');
  const c = new Client({ connectionString: DATABASE_URL });
  await c.connect();
  try {
    await c.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await c.end();
  }
}
