import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Database from 'better-sqlite3';
import { SqliteStorage } from 'ankurah/typeorm';
import { BACKSTOP_PAGES } from '../../../src/storage/typeorm/wal-checkpoints';

const dir = mkdtempSync(join(tmpdir(), 'ankurah-sqlite-checkpoints-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function handleOf(storage: SqliteStorage): Database.Database {
  return (storage.dataSource.driver as unknown as { databaseConnection: Database.Database })
    .databaseConnection;
}

const turn = (): Promise<void> => new Promise((r) => setImmediate(r));

/** One event and its entity's state, as a one-field edit commits them. */
function edit(i: number): Parameters<SqliteStorage['commit']>[0] {
  const entity = '01J00000000000000000000000';
  const id = `01J${String(i).padStart(23, '0')}`;
  return {
    events: [{ id, entityId: entity, collection: 'm', parents: [entity], operations: { lww: { a: i } } }],
    states: [
      { id: entity, collection: 'm', head: [id], deleted: false, lww: {}, text: {}, values: { a: i } },
    ],
  };
}

describe('SQLite WAL checkpoints', () => {
  test('run after commits, never inside one; SQLite checkpoints inside a commit only past a backstop', async () => {
    const s = await SqliteStorage.open(join(dir, 'wal.db'));
    try {
      await s.ensureCollection({ name: 'm', columns: [] });
      const db = handleOf(s);
      expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(BACKSTOP_PAGES);
      const checkpoints: unknown[] = [];
      const pragma = db.pragma.bind(db);
      db.pragma = ((source: string, options?: Database.PragmaOptions) => {
        const result: unknown = pragma(source, options);
        if (source.startsWith('wal_checkpoint')) checkpoints.push(result);
        return result;
      }) as typeof db.pragma;
      let i = 1;
      for (; i < 200; i++) await s.commit(edit(i));
      await turn();
      expect(checkpoints).toHaveLength(0);
      // The 200th commit returns before its checkpoint runs, which then runs on the next turn of the loop.
      await s.commit(edit(i));
      expect(checkpoints).toHaveLength(0);
      await turn();
      expect(checkpoints).toHaveLength(1);
      const [result] = checkpoints[0] as { busy: number; log: number; checkpointed: number }[];
      expect(result?.busy).toBe(0);
      expect(result?.log).toBeGreaterThan(200);
      expect(result?.checkpointed).toBe(result?.log);
      expect((await s.getState('m', '01J00000000000000000000000'))?.values).toEqual({ a: 200 });
    } finally {
      await s.close();
    }
  });
});
