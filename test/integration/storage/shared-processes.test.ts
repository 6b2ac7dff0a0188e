/*
 * Issue 16: durable nodes in separate processes share one Postgres schema (and one MySQL database). They
 * start together on a fresh schema (no DDL race), write the same entities at once, and lose nothing.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { childScript } from '../../fixtures/child-script';
import 'reflect-metadata';
import { Node } from 'ankurah';
import { MysqlStorage, PostgresStorage, type SqlStorage } from 'ankurah/typeorm';
import { dropDatabase, freshDatabase, mysqlAvailable } from './mysql-env';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';
import { type Acknowledged, Tally, expectNothingLost, seedTallies } from './shared-writers';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-shared-writers-'));
const children: ChildProcess[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

const writerScript = (): string => childScript(join(__dirname, 'helpers', 'shared-writer.ts'), dir);

/** A writer process and the lines it prints, in order. */
interface Writer {
  readonly child: ChildProcess;
  next(): Promise<string>;
}

function spawnWriter(args: string[]): Writer {
  const root = join(__dirname, '..', '..', '..');
  const child = spawn(process.execPath, [writerScript(), ...args], {
    cwd: root,
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream })[Symbol.asyncIterator]();
  return {
    child,
    next: async () => {
      const r = await lines.next();
      if (r.done) throw new Error(`writer ${args.join(' ')} exited without output`);
      return r.value;
    },
  };
}

async function runWriters(
  kind: 'postgres' | 'mysql',
  url: string,
  schema: string,
  n: number,
  commits: number,
  open: () => Promise<SqlStorage>,
): Promise<void> {
  // Every process opens the fresh database at once.
  const writers = Array.from({ length: n }, (_, i) =>
    spawnWriter([kind, url, schema, `p${i}`, String(commits)]),
  );
  for (const w of writers) expect(await w.next()).toBe('open');
  const storage = await open();
  const node = await Node.durable(storage, { models: [Tally] });
  try {
    const ids = await seedTallies(node, 3);
    for (const w of writers) w.child.stdin?.write(`${JSON.stringify(ids)}\n`);
    const acked: Acknowledged[] = [];
    for (const w of writers) {
      const line = await w.next();
      expect(line).not.toMatch(/^failed/);
      acked.push(new Map(Object.entries(JSON.parse(line) as Record<string, string[]>)));
    }
    expect(await expectNothingLost(storage, ids, acked)).toBe(n * commits);
  } finally {
    await node.close();
  }
}

if (postgresAvailable()) {
  test('3 processes x 25 commits on one Postgres schema, started together on a fresh schema: nothing lost', async () => {
    const schema = testSchema();
    try {
      await runWriters('postgres', DATABASE_URL, schema, 3, 25, () =>
        PostgresStorage.open(DATABASE_URL, { schema, shared: true }),
      );
    } finally {
      await dropSchema(schema);
    }
  }, 120_000);
} else {
  test.skip('shared writers in separate processes on Postgres (Postgres unreachable)', () => undefined);
}

if (mysqlAvailable()) {
  test('3 processes x 25 commits on one MySQL database, started together on a fresh database: nothing lost', async () => {
    const db = await freshDatabase();
    try {
      await runWriters('mysql', db.url, '-', 3, 25, () => MysqlStorage.open(db.url, { shared: true }));
    } finally {
      await dropDatabase(db.name);
    }
  }, 120_000);
} else {
  test.skip('shared writers in separate processes on MySQL (MariaDB unreachable)', () => undefined);
}
