import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

const add = async (node: Node, name: string, year = 2001): Promise<string> => {
  const trx = node.context().begin();
  const id = (await trx.create(Album, { name, artist: 'x', year, notes: '' })).id;
  await trx.commit();
  return id;
};

// A live query loaded from the server while the client is still flushing the commits it queued offline was
// answered by the server, which lacked the queued entities yet (or still had their old values). They never
// entered the query: their acknowledged state has the head the client already holds, so adopting it changed
// nothing and told no query. Found by the topology simulation (test/sim/topology.ts, `queriesRaceFlush`).
describe('regression: a live query loaded while queued commits are flushed shows them', () => {
  it('a query opened right after a reconnect shows the offline creations and edits', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      let link = await LocalConnector.connect(server, client);
      const old = await add(client, 'old', 1950);
      link.close();
      const ids = [old];
      for (let i = 0; i < 10; i++) ids.push(await add(client, `offline ${i}`));
      // An offline edit moves an entity into the query's selection.
      const trx = client.context().begin();
      (await trx.edit(Album, old)).year = 2005;
      await trx.commit();
      expect(internals(client).pending$.value).toBe(11);

      link = await LocalConnector.connect(server, client);
      const q = client.context().query(Album, 'year > 2000');
      const all = client.context().query(Album, 'true ORDER BY name LIMIT 5');
      await q.loaded;
      await all.loaded;
      while (internals(client).pending$.value > 0) await turn();
      await q.settled();
      await all.settled();
      for (let i = 0; i < 5; i++) await turn();

      expect(q.items.map((v) => v.id).sort()).toEqual([...ids].sort());
      const want = (await server.context().fetch(Album, 'true ORDER BY name LIMIT 5')).map((v) => v.id);
      expect(want).toHaveLength(5);
      expect(all.items.map((v) => v.id)).toEqual(want);
      link.close();
    } finally {
      await client.close();
      await server.close();
    }
  });

  it('a restarted client whose query loads after it reconnected shows its restored queued commits', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ank-race-'));
    const file = join(dir, 'client.db');
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const first = await Node.ephemeral(await SqliteStorage.open(file), { models: [Album] });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) ids.push(await add(first, `offline ${i}`));
    await first.close();
    const client = await Node.ephemeral(await SqliteStorage.open(file), { models: [Album] });
    try {
      expect(internals(client).pending$.value).toBe(10);
      const connected = LocalConnector.connect(server, client);
      const q = client.context().query(Album, 'true');
      const link = await connected;
      await q.loaded;
      while (internals(client).pending$.value > 0) await turn();
      await q.settled();
      for (let i = 0; i < 5; i++) await turn();

      expect(q.items.map((v) => v.id).sort()).toEqual([...ids].sort());
      link.close();
    } finally {
      await client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
