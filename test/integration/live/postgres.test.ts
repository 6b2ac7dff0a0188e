import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { Client } from 'pg';
import { PostgresStorage } from 'ankurah/typeorm';
import { liveQuerySuite } from './engine-suite';

const url = process.env['DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';

/** Probes the server synchronously so the suite can be skipped (or failed, on CI) before it is declared. */
function reachable(): boolean {
  const probe = `const {Client}=require('pg');const c=new Client({connectionString:process.argv[1],connectionTimeoutMillis:3000});c.connect().then(()=>c.end()).then(()=>process.exit(0),()=>process.exit(1))`;
  try {
    execFileSync(process.execPath, ['-e', probe, url], {
      cwd: resolve(__dirname, '../../..'),
      stdio: 'ignore',
      timeout: 10_000,
    });
    return true;
  } catch {
    return false;
  }
}

if (reachable()) {
  const run = `live_${process.pid}_${Date.now().toString(36)}`;
  const schemas: string[] = [];
  afterAll(async () => {
    const c = new Client({ connectionString: url });
    await c.connect();
    for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await c.end();
  });
  // A schema per test keeps each test's data apart; all are dropped afterwards.
  liveQuerySuite('postgres', () => {
    const schema = `${run}_${schemas.length}`;
    schemas.push(schema);
    return PostgresStorage.open(url, { schema });
  });
} else if (process.env['CI'] === 'true') {
  it('reaches Postgres (required on CI)', () => {
    throw new Error(`Postgres is unreachable at ${url.replace(/\/\/[^@/]*@/, '//')}; CI requires it`);
  });
} else {
  console.warn(`\n*** Postgres unreachable at ${url}: the live-query suite on Postgres is SKIPPED ***\n`);
  it.skip('live queries on postgres (Postgres unreachable)', () => undefined);
}
