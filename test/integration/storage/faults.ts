import 'reflect-metadata';
import { type Context, Node, StorageError, type Transaction } from 'ankurah';
import { type SqlStorage } from 'ankurah/typeorm';
import { Album } from '../../fixtures/models';

/**
 * The set-up of the mid-commit fault tests: commits an album 'Kept', then opens a transaction that creates
 * 'First', then an album named `marker` (the one the fault is rigged on: the second entity), and edits Kept.
 * The transaction is left for the test to commit.
 */
export async function commitWithFaultyEntity(
  ctx: Context,
  marker: string,
): Promise<{ kept: { id: string }; first: { id: string }; marked: { id: string }; trx: Transaction }> {
  const t0 = ctx.begin();
  const kept = await t0.create(Album, { name: 'Kept', artist: 'A', year: 2000, notes: '' });
  await t0.commit();
  const trx = ctx.begin();
  const first = await trx.create(Album, { name: 'First', artist: 'A', year: 2000, notes: '' });
  const marked = await trx.create(Album, { name: marker, artist: 'A', year: 2000, notes: '' });
  (await trx.edit(Album, kept.id)).year = 2001;
  return { kept, first, marked, trx };
}

/** After a failed commit of commitWithFaultyEntity: the node still commits (a create and an edit) and reads. */
export async function expectStillServing(ctx: Context, kept: { id: string }): Promise<void> {
  const t2 = ctx.begin();
  await t2.create(Album, { name: 'After', artist: 'A', year: 2005, notes: '' });
  (await t2.edit(Album, kept.id)).year = 2002;
  await t2.commit();
  expect((await ctx.fetch(Album, 'true ORDER BY name')).map((v) => [v.name, v.year])).toEqual([
    ['After', 2005],
    ['Kept', 2002],
  ]);
}

/** Makes inserting an `album` state named 'boom' fail inside the database (a trigger raising an error). */
export async function installBoomTrigger(storage: SqlStorage, schema?: string): Promise<void> {
  const ds = storage.dataSource;
  if (storage.kind === 'sqlite') {
    await ds.query(
      `CREATE TRIGGER boom BEFORE INSERT ON "album" WHEN NEW."name" = 'boom' BEGIN SELECT RAISE(ABORT, 'boom refused'); END`,
    );
    return;
  }
  const s = `"${schema ?? 'public'}"`;
  await ds.query(
    `CREATE FUNCTION ${s}.boom() RETURNS trigger AS $$ BEGIN IF NEW."name" = 'boom' THEN RAISE EXCEPTION 'boom refused'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`,
  );
  await ds.query(
    `CREATE TRIGGER boom BEFORE INSERT ON ${s}."album" FOR EACH ROW EXECUTE FUNCTION ${s}.boom()`,
  );
}

/** The node-level durability and fault tests shared by the SQL engines. */
export function nodeOnStorage(name: string, open: () => Promise<SqlStorage>, schema?: () => string): void {
  describe(`a durable node on ${name}`, () => {
    test('create, edit, delete, close and reopen restores entities, heads and history', async () => {
      let node = await Node.durable(await open(), { models: [Album] });
      let ctx = node.context();
      const t1 = ctx.begin();
      const a = await t1.create(Album, {
        name: 'Origin of Symmetry',
        artist: 'Muse',
        year: 2001,
        notes: 'loud',
      });
      const b = await t1.create(Album, { name: 'Homogenic', artist: 'Björk', year: 1997, notes: '' });
      const gone = await t1.create(Album, { name: 'Gone', artist: 'X', year: 1990, notes: '' });
      await t1.commit();
      const t2 = ctx.begin();
      const m = await t2.edit(Album, a.id);
      m.year = 2002;
      m.text('notes').insert(0, 'very ');
      await t2.delete(Album, gone.id);
      await t2.commit();
      const head = (await ctx.get(Album, a.id)).head;
      const history = await ctx.history(Album, a.id);
      expect(history).toHaveLength(2);
      await node.close();

      node = await Node.durable(await open(), { models: [Album] });
      ctx = node.context();
      const view = await ctx.get(Album, a.id);
      expect({ name: view.name, year: view.year, notes: view.notes, head: view.head }).toEqual({
        name: 'Origin of Symmetry',
        year: 2002,
        notes: 'very loud',
        head,
      });
      expect(await ctx.history(Album, a.id)).toEqual(history);
      expect((await ctx.fetch(Album, 'year > 1990 ORDER BY name')).map((v) => v.id)).toEqual([b.id, a.id]);
      // The restored entity keeps its history: a further edit descends from the stored head.
      const t3 = ctx.begin();
      (await t3.edit(Album, a.id)).year = 2003;
      await t3.commit();
      expect((await ctx.history(Album, a.id)).map((e) => e.parents)).toEqual([[], [history[0]?.id], head]);
      await node.close();
    });

    test('a failure on the second entity of a commit keeps neither its events nor its states; the node keeps serving', async () => {
      const storage = await open();
      const node = await Node.durable(storage, { models: [Album] });
      await installBoomTrigger(storage, schema?.());
      const ctx = node.context();
      const { kept, first, trx: t1 } = await commitWithFaultyEntity(ctx, 'boom');
      await expect(t1.commit()).rejects.toBeInstanceOf(StorageError);

      expect(await storage.getState('album', first.id)).toBeUndefined();
      expect(await storage.entityEvents('album', first.id)).toEqual([]);
      expect(await storage.entityEvents('album', kept.id)).toHaveLength(1);
      expect((await ctx.get(Album, kept.id)).year).toBe(2000);
      expect((await ctx.fetch(Album, 'true')).map((v) => v.name)).toEqual(['Kept']);

      const t2 = ctx.begin();
      await t2.create(Album, { name: 'After', artist: 'A', year: 2005, notes: '' });
      await t2.commit();
      expect((await ctx.fetch(Album, 'true ORDER BY name')).map((v) => v.name)).toEqual(['After', 'Kept']);
      await node.close();
    });

    test('a failure inside a bulk commit (multi-row statements) keeps none of its entities', async () => {
      const storage = await open();
      const node = await Node.durable(storage, { models: [Album] });
      await installBoomTrigger(storage, schema?.());
      const ctx = node.context();
      // 300 creates: SQLite binds them 128 rows per statement, then one at a time. The faulty entity is in
      // the middle of the second multi-row statement; rows before it were already written in the transaction.
      for (const at of [200, 299]) {
        const trx = ctx.begin();
        for (let i = 0; i < 300; i++) {
          await trx.create(Album, { name: i === at ? 'boom' : `A${i}`, artist: 'A', year: 2000, notes: '' });
        }
        await expect(trx.commit()).rejects.toBeInstanceOf(StorageError);
        expect(await ctx.fetch(Album, 'true')).toEqual([]);
      }
      const t2 = ctx.begin();
      for (let i = 0; i < 300; i++)
        await t2.create(Album, { name: `B${i}`, artist: 'A', year: 1900 + i, notes: '' });
      await t2.commit();
      expect(await ctx.fetch(Album, 'year >= 2000')).toHaveLength(200);
      await node.close();
    });
  });
}
