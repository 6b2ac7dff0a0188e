import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type Connection } from 'mysql2/promise';

/** The MySQL/MariaDB server the integration tests use (a fresh database is created in it per run). */
export const MYSQL_URL = process.env.MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

const probe = `
const mysql = require('mysql2/promise');
mysql.createConnection({ uri: process.argv[1], connectTimeout: 3000 })
  .then((c) => c.end())
  .then(() => process.exit(0), (e) => { console.error(e.message); process.exit(1); });
`;

/**
 * True when MySQL answers at MYSQL_URL (checked synchronously). Unreachable: a loud warning and false, or a
 * thrown error when CI=true.
 */
export function mysqlAvailable(): boolean {
  const r = spawnSync(process.execPath, ['-e', probe, MYSQL_URL], { encoding: 'utf8', cwd: process.cwd() });
  if (r.status === 0) return true;
  const why = `MySQL is not reachable at ${MYSQL_URL.replace(/\/\/[^@/]*@/, '//')}: ${r.stderr.trim()}`;
  if (process.env.CI === 'true') throw new Error(`${why} (CI=true: the MySQL suites must run)`);
  console.warn(`\n!!! SKIPPING MySQL storage tests. ${why}. Set MYSQL_URL or start MariaDB to run them.\n`);
  return false;
}

async function admin<T>(fn: (c: Connection) => Promise<T>): Promise<T> {
  const mysql = await import('mysql2/promise');
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Creates a fresh database and returns its URL and name. */
export async function freshDatabase(): Promise<{ url: string; name: string }> {
  const name = `ankurah_test_${randomBytes(6).toString('hex')}`;
  await admin((c) => c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`));
  const url = new URL(MYSQL_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), name };
}

/** Drops a test database. */
export async function dropDatabase(name: string): Promise<void> {
  await admin((c) => c.query(`DROP DATABASE IF EXISTS \`${name}\``));
}
