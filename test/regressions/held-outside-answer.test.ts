import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

const add = async (node: Node, name: string, year: number): Promise<string> => {
  const trx = node.context().begin();
  const id = (await trx.create(Album, { name, artist: 'x', year, notes: '' })).id;
  await trx.commit();
  return id;
};

const ids = (views: readonly { id: string }[]): string[] => views.map((v) => v.id).sort();

// An entity deleted (or changed so it no longer matches) on the server while a client was away stayed live,
// with its old values, in the client's storage when a fetch or a live query's answer simply no longer named
// it: nothing told the client to drop it, and its offline reads found it again. Found by the topology
// simulation (test/sim/topology.ts, `heldOutsideQueries`).
describe('regression: an answer that no longer names a held entity refreshes it', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'ank-held-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('a fetch drops an entity deleted meanwhile and refreshes one that left the selection', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      await LocalConnector.connect(server, other);
      let link = await LocalConnector.connect(server, client);
      const [gone, moved, kept] = [
        await add(client, 'a', 2001),
        await add(client, 'b', 2002),
        await add(client, 'c', 2003),
      ];
      const ctx = client.context();
      expect(ids(await ctx.fetch(Album, 'year > 2000'))).toEqual([gone, moved, kept].sort());
      link.close();

      const trx = other.context().begin();
      await trx.delete(Album, gone);
      (await trx.edit(Album, moved)).year = 1990;
      await trx.commit();

      link = await LocalConnector.connect(server, client);
      expect(ids(await ctx.fetch(Album, 'year > 2000'))).toEqual([kept]);
      link.close();
      // Offline, the client answers from its storage: the same entities, with the server's values.
      expect(ids(await ctx.fetch(Album, 'year > 2000'))).toEqual([kept]);
      expect((await internals(client).storage.getState('album', gone))?.deleted).toBe(true);
      expect((await ctx.fetch(Album, 'year < 2000')).map((v) => [v.id, v.year])).toEqual([[moved, 1990]]);
    } finally {
      await other.close();
      await client.close();
      await server.close();
    }
  });

  it('a restarted client whose live query loads from the server drops an entity deleted meanwhile', async () => {
    const file = join(dir, 'client.db');
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    let client = await Node.ephemeral(await SqliteStorage.open(file), { models: [Album] });
    try {
      await LocalConnector.connect(server, other);
      let link = await LocalConnector.connect(server, client);
      const [gone, kept] = [await add(client, 'a', 2001), await add(client, 'b', 2002)];
      link.close();
      await client.close();

      const trx = other.context().begin();
      await trx.delete(Album, gone);
      await trx.commit();

      client = await Node.ephemeral(await SqliteStorage.open(file), { models: [Album] });
      link = await LocalConnector.connect(server, client);
      const q = client.context().query(Album, 'true');
      await q.loaded;
      await q.settled();
      expect(ids(q.items)).toEqual([kept]);
      link.close();
      expect(ids(await client.context().fetch(Album, 'true'))).toEqual([kept]);
      q.unsubscribe();
    } finally {
      await other.close();
      await client.close();
      await server.close();
    }
  });
});
