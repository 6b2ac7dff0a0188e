import 'reflect-metadata';
import { randomInt } from 'node:crypto';
import { Client } from 'pg';
import { Node, StorageError } from 'ankurah';
import { PostgresStorage } from 'ankurah/typeorm';
import { Album } from '../../fixtures/models';
import { commitWithFaultyEntity, expectStillServing } from './faults';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';

// The advisory lock a commit waits on inside the database (its second key is unique to this run).
const LOCK_CLASS = 7201;
const LOCK_ID = randomInt(1, 2 ** 31 - 1);

/**
 * Makes inserting an `album` state named 'hold' wait for the advisory lock (LOCK_CLASS, LOCK_ID): while the
 * test holds that lock, a commit reaching such a row stays in flight, inside its transaction, until released
 * or killed.
 */
async function installHoldTrigger(raw: Client, schema: string): Promise<void> {
  const s = `"${schema}"`;
  await raw.query(
    `CREATE FUNCTION ${s}.hold() RETURNS trigger AS $$ BEGIN
       IF NEW."name" = 'hold' THEN PERFORM pg_advisory_xact_lock_shared(${LOCK_CLASS}, ${LOCK_ID}); END IF;
       RETURN NEW;
     END $$ LANGUAGE plpgsql`,
  );
  await raw.query(
    `CREATE TRIGGER hold BEFORE INSERT ON ${s}."album" FOR EACH ROW EXECUTE FUNCTION ${s}.hold()`,
  );
}

/** The backend waiting for the test's advisory lock: polls pg_locks until one waits (bounded by a deadline). */
async function waiter(raw: Client): Promise<number> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await raw.query<{ pid: number }>(
      `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND classid = $1 AND objid = $2`,
      [LOCK_CLASS, LOCK_ID],
    );
    if (rows[0]) return rows[0].pid;
    if (Date.now() > deadline) throw new Error('no commit reached the held row');
  }
}

if (postgresAvailable()) {
  const schema = testSchema();
  let raw: Client;

  beforeAll(async () => {
    raw = new Client({ connectionString: DATABASE_URL });
    await raw.connect();
  });
  afterAll(async () => {
    await raw.end();
    await dropSchema(schema);
  });

  test('the connection of a commit is terminated at its second entity: nothing of the commit is kept, the node reconnects and keeps serving', async () => {
    const storage = await PostgresStorage.open(DATABASE_URL, { schema });
    const node = await Node.durable(storage, { models: [Album] });
    await installHoldTrigger(raw, schema);
    const ctx = node.context();
    // One commit of three entities: a new one, 'hold' (whose state row waits on the lock) and an edit.
    const { kept, first, marked: held, trx: t1 } = await commitWithFaultyEntity(ctx, 'hold');
    await raw.query('SELECT pg_advisory_lock($1, $2)', [LOCK_CLASS, LOCK_ID]);
    let outcome: Promise<unknown>;
    try {
      outcome = t1.commit().then(
        () => 'committed',
        (e: unknown) => e,
      );
      const pid = await waiter(raw);
      // The commit is in flight inside its transaction (its events and the first state row are written).
      const { rows } = await raw.query<{ ok: boolean }>('SELECT pg_terminate_backend($1) AS ok', [pid]);
      expect(rows[0]?.ok).toBe(true);
    } finally {
      await raw.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_ID]);
    }
    const err = await outcome;
    expect(err).toBeInstanceOf(StorageError);
    expect((err as StorageError).message).toMatch(/committing .*terminat/);

    // A fresh connection sees none of the commit: no events, no states, Kept unchanged.
    const count = async (table: string, column: string, ids: string[]): Promise<number> => {
      const r = await raw.query<{ n: string }>(
        `SELECT count(*) AS n FROM "${schema}"."${table}" WHERE "${column}" = ANY($1)`,
        [ids],
      );
      return Number(r.rows[0]?.n);
    };
    expect(await count('album_events', 'entity_id', [first.id, held.id])).toBe(0);
    expect(await count('album', 'id', [first.id, held.id])).toBe(0);
    expect(await count('album_events', 'entity_id', [kept.id])).toBe(1);
    const keptRow = await raw.query<{ year: string }>(
      `SELECT "year" FROM "${schema}"."album" WHERE "id" = $1`,
      [kept.id],
    );
    expect(keptRow.rows.map((r) => Number(r.year))).toEqual([2000]);

    // The same node commits and reads again on a new connection from the pool.
    expect((await ctx.get(Album, kept.id)).year).toBe(2000);
    await expectStillServing(ctx, kept);
    expect(await storage.entityEvents('album', kept.id)).toHaveLength(2);
    await node.close();
  });
} else {
  test.skip('a Postgres connection terminated mid-commit (Postgres unreachable)', () => undefined);
}
