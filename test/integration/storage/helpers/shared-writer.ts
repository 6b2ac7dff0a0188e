/*
 * One writer process of test/integration/storage/shared-processes.test.ts (bundled by the test with esbuild):
 *   node shared-writer.js <postgres|mysql> <url> <schema|-> <name> <commits>
 * Opens the shared storage and a durable node on it and prints `open`; then reads one line of entity ids from
 * stdin, makes <commits> commits on them and prints one line of JSON: the acknowledged tokens by entity.
 */
import 'reflect-metadata';
import { createInterface } from 'node:readline';
import { Node } from '../../../../src/node/node';
import { type SqlStorage } from '../../../../src/storage/typeorm/sql-storage';
import { MysqlStorage } from '../../../../src/storage/typeorm/mysql-storage';
import { PostgresStorage } from '../../../../src/storage/typeorm/postgres-storage';
import { Tally, writeTallies } from '../shared-writers';

async function main(): Promise<void> {
  const [kind, url, schema, name, commits] = process.argv.slice(2) as [
    string,
    string,
    string,
    string,
    string,
  ];
  const storage: SqlStorage =
    kind === 'mysql'
      ? await MysqlStorage.open(url, { shared: true })
      : await PostgresStorage.open(url, { schema, shared: true });
  const node = await Node.durable(storage, { models: [Tally] });
  process.stdout.write('open\n');
  const lines = createInterface({ input: process.stdin });
  for await (const line of lines) {
    const ids = JSON.parse(line) as string[];
    const acked = await writeTallies(node, name, ids, Number(commits), Number(name.replace(/\D/g, '')));
    process.stdout.write(`${JSON.stringify(Object.fromEntries(acked))}\n`);
    break;
  }
  await node.close();
}

main().catch((e: unknown) => {
  process.stdout.write(`failed ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
});
