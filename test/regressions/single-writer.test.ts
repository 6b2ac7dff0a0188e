/*
 * Issue 13, item 8: two writers on one SQLite file or one Postgres schema lost acknowledged writes and
 * failed to create tables concurrently. A second writer (in this process or another) is now refused with a
 * StorageError saying another node holds the database; the lock goes with close() and with the process.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { childScript } from '../fixtures/child-script';
import { Client } from 'pg';
import { StorageError } from 'ankurah';
import { PostgresStorage, type SqlStorage, SqliteStorage } from 'ankurah/typeorm';
import { newId } from '../../src/event/ids';
import { parseSelection } from '../../src/query/parser';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from '../integration/storage/postgres-env';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-single-writer-'));
const children: ChildProcess[] = [];
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// A writer process left over by a failed assertion must not outlive the test.
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
});

/** A process running test/regressions/helpers/hold-writer.ts and its first line of output. */
interface Writer {
  readonly child: ChildProcess;
  readonly line: Promise<string>;
  readonly exited: Promise<number | null>;
}

// The writer process runs helpers/hold-writer.ts bundled once by esbuild (packages stay external).
const writerScript = (): string => childScript(join(__dirname, 'helpers', 'hold-writer.ts'), dir);

function spawnWriter(args: string[]): Writer {
  const root = join(__dirname, '..', '..');
  const child = spawn(process.execPath, [writerScript(), ...args], {
    cwd: root,
    // The bundle lives in a temp directory: resolve its packages from the project.
    env: { ...process.env, NODE_PATH: join(root, 'node_modules') },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  children.push(child);
  const line = new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      out += chunk;
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', (code) => reject(new Error(`writer process exited (${code}) before answering: ${out}`)));
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, line, exited };
}

async function refusal(open: Promise<SqlStorage>): Promise<StorageError> {
  const e = await open.then(
    async (s) => {
      await s.close();
      throw new Error('the second writer was not refused');
    },
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(StorageError);
  const err = e as StorageError;
  expect(err.code).toBe('STORAGE');
  expect(err.message).toMatch(/another Ankurah node/);
  expect(err.message).toMatch(/Fix:/);
  return err;
}

function genesis(collection: string): Parameters<SqlStorage['commit']>[0] {
  const id = newId();
  return {
    events: [{ id, entityId: id, collection, parents: [], operations: { lww: { a: 1 } } }],
    states: [{ id, collection, head: [id], deleted: false, lww: {}, text: {}, values: { a: 1 } }],
  };
}

describe('one writer per SQLite file', () => {
  test('a second storage on the same file is refused until the first closes; the first keeps working', async () => {
    const path = join(dir, 'same-process.db');
    const first = await SqliteStorage.open(path);
    const err = await refusal(SqliteStorage.open(path));
    expect(err.message).toContain(path);
    // Another spelling of the same file is the same database.
    await refusal(SqliteStorage.open(join(dir, '.', 'same-process.db')));
    await first.commit(genesis('a'));
    expect(await first.fetchStates('a', parseSelection('true'))).toHaveLength(1);
    await first.close();
    const second = await SqliteStorage.open(path);
    expect(await second.fetchStates('a', parseSelection('true'))).toHaveLength(1);
    await second.close();
  });

  test('two storages racing to open a new file: exactly one opens, the others are refused', async () => {
    const path = join(dir, 'race.db');
    const results = await Promise.allSettled([1, 2, 3].map(() => SqliteStorage.open(path)));
    const opened = results.filter((r) => r.status === 'fulfilled');
    expect(opened).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect(String((r.reason as Error).message)).toMatch(/another Ankurah node/);
      else await r.value.close();
    }
  });

  test("':memory:' databases are private: any number open", async () => {
    const a = await SqliteStorage.open(':memory:');
    const b = await SqliteStorage.open(':memory:');
    await Promise.all([a.close(), b.close()]);
  });

  test('a writer in another process: refused while it holds the file, free once it is killed', async () => {
    const path = join(dir, 'two-processes.db');
    const mine = await SqliteStorage.open(path);
    const refused = spawnWriter(['sqlite', path]);
    expect(await refused.line).toMatch(/^refused .*another Ankurah node/);
    await refused.exited;
    await mine.close();

    const holder = spawnWriter(['sqlite', path]);
    expect(await holder.line).toBe('open');
    await refusal(SqliteStorage.open(path));
    holder.child.kill('SIGKILL');
    await holder.exited;
    const after = await SqliteStorage.open(path);
    await after.commit(genesis('b'));
    await after.close();
  });

  test('a writer killed after its commits (exclusive locking: the WAL index was in its memory): every commit is there on reopening', async () => {
    const path = join(dir, 'killed-after-commits.db');
    const holder = spawnWriter(['sqlite', path, '50']);
    expect(await holder.line).toBe('open');
    holder.child.kill('SIGKILL');
    await holder.exited;
    const after = await SqliteStorage.open(path);
    expect(await after.fetchStates('c', parseSelection('true'))).toHaveLength(50);
    await after.commit(genesis('c'));
    expect(await after.fetchStates('c', parseSelection('true'))).toHaveLength(51);
    await after.close();
  });
});

const pg = postgresAvailable();
(pg ? describe : describe.skip)('one writer per Postgres schema', () => {
  const schemas: string[] = [];
  const fresh = (): string => {
    const s = testSchema();
    schemas.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });

  test('a second storage on the same schema is refused until the first closes; other schemas are free', async () => {
    const schema = fresh();
    const first = await PostgresStorage.open(DATABASE_URL, { schema });
    const err = await refusal(PostgresStorage.open(DATABASE_URL, { schema }));
    expect(err.message).toContain(schema);
    const other = await PostgresStorage.open(DATABASE_URL, { schema: fresh() });
    await other.close();
    await first.commit(genesis('a'));
    await first.close();
    const second = await PostgresStorage.open(DATABASE_URL, { schema });
    expect(await second.fetchStates('a', parseSelection('true'))).toHaveLength(1);
    await second.close();
  });

  test('storages racing to open a new schema: exactly one opens, no "already exists" error', async () => {
    const schema = fresh();
    const results = await Promise.allSettled(
      [1, 2, 3, 4].map(() => PostgresStorage.open(DATABASE_URL, { schema })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    for (const r of results) {
      if (r.status === 'rejected')
        expect(String((r.reason as Error).message)).toMatch(/another Ankurah node/);
      else await r.value.close();
    }
  });

  test('concurrent ensureCollection calls on one schema all succeed', async () => {
    const schema = fresh();
    const s = await PostgresStorage.open(DATABASE_URL, { schema });
    const names = ['c1', 'c2', 'c3', 'c4', 'c5'];
    await Promise.all([
      ...names.map((name) => s.ensureCollection({ name, columns: [] })),
      ...names.map((name) =>
        s.ensureCollection({ name, columns: [{ name: 'a', type: 'integer', index: true }] }),
      ),
      ...names.map((name) => s.commit(genesis(name))),
    ]);
    expect(await s.collections()).toEqual(names);
    await s.close();
  });

  test('a writer in another process: refused while it holds the schema, free once it is killed', async () => {
    const schema = fresh();
    const mine = await PostgresStorage.open(DATABASE_URL, { schema });
    const refused = spawnWriter(['postgres', DATABASE_URL, schema]);
    expect(await refused.line).toMatch(/^refused .*another Ankurah node/);
    await refused.exited;
    await mine.close();

    const holder = spawnWriter(['postgres', DATABASE_URL, schema]);
    expect(await holder.line).toBe('open');
    await refusal(PostgresStorage.open(DATABASE_URL, { schema }));
    holder.child.kill('SIGKILL');
    await holder.exited;
    // Postgres ends the dead client's session when it sees the socket close: wait for that lock release.
    const after = await PostgresStorage.open(DATABASE_URL, { schema, lockTimeout: 20_000 });
    await after.commit(genesis('b'));
    await after.close();
  });

  /** Ends the Postgres session holding the writer lock of `schema` and waits until it is gone. */
  async function killLockSession(schema: string): Promise<void> {
    const admin = new Client({ connectionString: DATABASE_URL });
    await admin.connect();
    try {
      const killed = await admin.query(
        `SELECT pg_terminate_backend(pid, 10000) AS ok FROM pg_locks
          WHERE locktype = 'advisory' AND granted AND objsubid = 2 AND objid = CAST(hashtext($1) AS oid)`,
        [schema],
      );
      expect(killed.rows).toEqual([{ ok: true }]);
    } finally {
      await admin.end();
    }
  }

  test('a storage whose lock session was killed takes the lock again on its next writes', async () => {
    const schema = fresh();
    const first = await PostgresStorage.open(DATABASE_URL, { schema });
    await first.commit(genesis('a'));
    await killLockSession(schema);
    // Concurrent writes share one attempt to take the lock again.
    await Promise.all([first.commit(genesis('a')), first.commit(genesis('a')), first.commit(genesis('b'))]);
    await refusal(PostgresStorage.open(DATABASE_URL, { schema }));
    expect(await first.fetchStates('a', parseSelection('true'))).toHaveLength(3);
    await first.close();
  });

  test('a storage whose lock session was killed refuses to write once another node took over', async () => {
    const schema = fresh();
    const first = await PostgresStorage.open(DATABASE_URL, { schema });
    await first.commit(genesis('a'));
    await killLockSession(schema);
    const second = await PostgresStorage.open(DATABASE_URL, { schema });
    await second.commit(genesis('a'));
    await refusal(first.commit(genesis('a')).then(() => first));
    await first.close();
    await second.close();
  });
});
