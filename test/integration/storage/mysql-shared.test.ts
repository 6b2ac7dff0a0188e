/*
 * Issue 16: several durable nodes on one MySQL database (shared mode), as postgres-shared.test.ts does for
 * Postgres: nothing acknowledged is lost and the stored state equals the replay of all events.
 */
import 'reflect-metadata';
import { Node, StorageError } from 'ankurah';
import { MysqlStorage } from 'ankurah/typeorm';
import { dropDatabase, freshDatabase, mysqlAvailable } from './mysql-env';
import { Tally, expectNothingLost, seedTallies, writeTallies } from './shared-writers';

if (mysqlAvailable()) {
  const dbs: string[] = [];
  afterAll(async () => {
    for (const d of dbs) await dropDatabase(d);
  });
  const fresh = async (): Promise<string> => {
    const db = await freshDatabase();
    dbs.push(db.name);
    return db.url;
  };

  describe('shared MySQL storage: several durable nodes on one database', () => {
    test.each([
      [2, 30],
      [3, 20],
      [5, 12],
    ])('%i nodes x %i commits on the same 3 entities: nothing lost, state = replay', async (n, commits) => {
      const url = await fresh();
      // All nodes open a fresh database at once: creating the tables must not race.
      const storages = await Promise.all(
        Array.from({ length: n }, () => MysqlStorage.open(url, { shared: true })),
      );
      const nodes = await Promise.all(storages.map((s) => Node.durable(s, { models: [Tally] })));
      try {
        const ids = await seedTallies(nodes[0] as Node, 3);
        const acked = await Promise.all(nodes.map((node, i) => writeTallies(node, `n${i}`, ids, commits, i)));
        expect(await expectNothingLost(storages[0] as MysqlStorage, ids, acked)).toBe(n * commits);
      } finally {
        for (const node of nodes) await node.close();
      }
    });

    test('a single writer refuses a second single writer, naming shared mode as a fix', async () => {
      const url = await fresh();
      const single = await MysqlStorage.open(url);
      const err = await MysqlStorage.open(url).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(StorageError);
      expect((err as StorageError).message).toMatch(/shared: true/);
      await single.close();
    });
  });
} else {
  test.skip('shared MySQL storage (MariaDB unreachable)', () => undefined);
}
