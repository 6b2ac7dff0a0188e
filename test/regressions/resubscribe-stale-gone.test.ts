import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// A client that created entities offline and holds them in a live query reconnects: its queued commits and
// the re-subscription of its live query race on the server. The subscription's answer named such an entity
// `gone` (it was not on the server yet when the held list was checked) with a newer sequence number than the
// commit's answer, so the client dropped its own acknowledged entity for good. Found by the topology
// simulation (test/sim/topology.ts, seed 10).
describe('regression: a re-subscription does not drop an entity committed meanwhile', () => {
  it('keeps offline creations in the live query once the reconnect settles', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      await LocalConnector.connect(server, other);
      const add = async (node: Node, name: string): Promise<string> => {
        const trx = node.context().begin();
        const id = (await trx.create(Album, { name, artist: 'x', year: 2001, notes: '' })).id;
        await trx.commit();
        return id;
      };
      const ids = [await add(other, 'before')];
      const link = await LocalConnector.connect(server, client);
      const q = client.context().query(Album, 'true');
      await q.loaded;
      await q.settled();
      link.close();
      ids.push(await add(other, 'meanwhile 1'), await add(other, 'meanwhile 2'));
      for (let i = 0; i < 20; i++) ids.push(await add(client, `offline ${i}`));
      expect(internals(client).pending$.value).toBe(20);

      await LocalConnector.connect(server, client);
      while (internals(client).pending$.value > 0) await turn();
      await q.settled();
      for (let i = 0; i < 5; i++) await turn();

      expect((await server.context().fetch(Album, 'true')).map((v) => v.id).sort()).toEqual([...ids].sort());
      for (const id of ids)
        expect((await internals(client).storage.getState('album', id))?.deleted).toBe(false);
      expect(q.items.map((v) => v.id).sort()).toEqual([...ids].sort());
    } finally {
      await other.close();
      await client.close();
      await server.close();
    }
  });
});
