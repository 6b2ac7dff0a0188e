import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album } from '../fixtures/models';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// A live query closed while its re-subscription (after a reconnect) was on the way: the server refused the
// subscription as closed, and the client reported that refusal on node.errors$, though closing a query is no
// error. Found by the topology simulation (test/sim/topology.ts, seed 5435).
describe('regression: closing a live query during its re-subscription reports nothing', () => {
  it('stays quiet whenever the close lands', async () => {
    const reported: string[] = [];
    // The close lands at a different point of the server's subscribe for each delay (in microtasks).
    for (let delay = 0; delay < 30; delay++) {
      const server = await Node.durable(new MemoryStorage(), { models: [Album] });
      const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
      try {
        client.errors$.subscribe((e) => reported.push(`delay ${delay}: ${e.message}`));
        const q = client.context().query(Album, 'true');
        await q.loaded; // offline: loaded from the client's storage
        await LocalConnector.connect(server, client); // re-subscribes the query
        for (let i = 0; i < delay; i++) await Promise.resolve();
        q.unsubscribe();
        for (let i = 0; i < 5; i++) await turn();
      } finally {
        await client.close();
        await server.close();
      }
    }
    expect(reported).toEqual([]);
  });
});
