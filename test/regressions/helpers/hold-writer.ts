/*
 * A second process for test/regressions/single-writer.test.ts: opens SQL storage as a writer and holds it
 * until its stdin closes (or it is killed).
 *   node hold-writer.js sqlite <path> [commits]    (bundled by the test with esbuild)
 *   node hold-writer.js postgres <url> <schema>
 * Prints one line: `open` once the storage is open (and, with `commits`, that many entities of collection
 * 'c' are committed), or `refused <message>` when opening fails.
 */
import 'reflect-metadata';
import { type SqlStorage } from '../../../src/storage/typeorm/sql-storage';
import { SqliteStorage } from '../../../src/storage/typeorm/sqlite-storage';
import { PostgresStorage } from '../../../src/storage/typeorm/postgres-storage';
import { newId } from '../../../src/event/ids';

async function main(): Promise<void> {
  const [kind, target, schema] = process.argv.slice(2);
  let storage: SqlStorage;
  try {
    storage =
      kind === 'sqlite'
        ? await SqliteStorage.open(String(target))
        : await PostgresStorage.open(String(target), { schema: String(schema) });
  } catch (e) {
    process.stdout.write(`refused ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 1;
    return;
  }
  const commits = kind === 'sqlite' ? Number(schema ?? 0) : 0;
  for (let i = 0; i < commits; i++) {
    const id = newId();
    await storage.commit({
      events: [{ id, entityId: id, collection: 'c', parents: [], operations: { lww: { i } } }],
      states: [{ id, collection: 'c', head: [id], deleted: false, lww: {}, text: {}, values: { i } }],
    });
  }
  process.stdout.write('open\n');
  process.stdin.resume();
  process.stdin.on('end', () => {
    void storage.close().then(() => process.exit(0));
  });
}

void main();
