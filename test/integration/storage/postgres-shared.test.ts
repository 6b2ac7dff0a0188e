/*
 * Issue 16: several durable nodes on one Postgres schema (shared mode). Every state write is a compare-and-set
 * on the stored head; a node that loses the race reloads, merges and retries. Nothing acknowledged is lost and
 * the stored state equals the replay of all events.
 */
import 'reflect-metadata';
import { Node, StorageError } from 'ankurah';
import { PostgresStorage } from 'ankurah/typeorm';
import { StorageConflict } from '../../../src/storage/conflict';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';
import { Tally, expectNothingLost, seedTallies, writeTallies } from './shared-writers';

if (postgresAvailable()) {
  const schemas: string[] = [];
  afterAll(async () => {
    for (const s of schemas) await dropSchema(s);
  });
  const fresh = (): string => {
    const s = testSchema();
    schemas.push(s);
    return s;
  };

  describe('shared Postgres storage: several durable nodes on one schema', () => {
    test.each([
      [2, 40],
      [3, 30],
      [5, 20],
    ])('%i nodes x %i commits on the same 3 entities: nothing lost, state = replay', async (n, commits) => {
      const schema = fresh();
      // All nodes open a fresh schema at once: creating the schema and tables must not race.
      const storages = await Promise.all(
        Array.from({ length: n }, () => PostgresStorage.open(DATABASE_URL, { schema, shared: true })),
      );
      const nodes = await Promise.all(storages.map((s) => Node.durable(s, { models: [Tally] })));
      try {
        const ids = await seedTallies(nodes[0] as Node, 3);
        const acked = await Promise.all(nodes.map((node, i) => writeTallies(node, `n${i}`, ids, commits, i)));
        const found = await expectNothingLost(storages[0] as PostgresStorage, ids, acked);
        expect(found).toBe(n * commits);
      } finally {
        for (const node of nodes) await node.close();
      }
    });

    test('a stale head is refused with StorageConflict and nothing of the batch is kept', async () => {
      const schema = fresh();
      const a = await PostgresStorage.open(DATABASE_URL, { schema, shared: true });
      const b = await PostgresStorage.open(DATABASE_URL, { schema, shared: true });
      const node = await Node.durable(a, { models: [Tally] });
      try {
        const [id] = await seedTallies(node, 1);
        const stored = await b.getState('tally', id as string);
        const state = {
          ...(stored as NonNullable<typeof stored>),
          collection: 'tally',
          values: { name: 'stale' },
        };
        const event = { ...(await b.entityEvents('tally', id as string))[0]!, id: '0'.repeat(26) };
        const err = await b
          .commit({ events: [event], states: [state], heads: [['01STALE']] })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(StorageConflict);
        expect(err).toBeInstanceOf(StorageError);
        expect((err as StorageConflict).conflicts).toEqual([{ collection: 'tally', id }]);
        expect((await b.getState('tally', id as string))?.values['name']).toBe('A0');
        expect(await b.getEvents('tally', [event.id])).toEqual([]);
        // A creation whose id is already stored conflicts too.
        const again = await b.commit({ events: [], states: [state], heads: [null] }).catch((e: unknown) => e);
        expect(again).toBeInstanceOf(StorageConflict);
      } finally {
        await node.close();
        await b.close();
      }
    });

    test('modes do not mix: a single writer keeps shared nodes out, and shared nodes keep a single writer out', async () => {
      const schema = fresh();
      const single = await PostgresStorage.open(DATABASE_URL, { schema });
      const sharedRefused = await PostgresStorage.open(DATABASE_URL, { schema, shared: true }).catch(
        (e: unknown) => e,
      );
      expect(sharedRefused).toBeInstanceOf(StorageError);
      expect((sharedRefused as StorageError).message).toMatch(/another Ankurah node/);
      await single.close();
      const s1 = await PostgresStorage.open(DATABASE_URL, { schema, shared: true });
      const s2 = await PostgresStorage.open(DATABASE_URL, { schema, shared: true });
      expect([s1.shared, s2.shared]).toEqual([true, true]);
      const singleRefused = await PostgresStorage.open(DATABASE_URL, { schema }).catch((e: unknown) => e);
      expect(singleRefused).toBeInstanceOf(StorageError);
      await s1.close();
      await s2.close();
    });
  });
} else {
  test.skip('shared Postgres storage (Postgres unreachable)', () => undefined);
}
