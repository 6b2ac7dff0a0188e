import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

// A LIMIT query's window is refilled after each change routed to it; a client that disconnected while the
// refill was reading made the server report "subscription … was closed" on its errors$, though a client
// leaving is no error. Found by the topology simulation (test/sim/topology.ts, seed 1306).
describe('regression: a client leaving during a window refill reports nothing on the server', () => {
  it('drops the refill of a closed subscription quietly', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    const errors: Error[] = [];
    server.errors$.subscribe((e) => errors.push(e));
    try {
      const link = await LocalConnector.connect(server, client);
      const q = client.context().query(Album, 'true ORDER BY year LIMIT 1');
      await q.loaded;
      await q.settled();
      // The change is routed to the subscription, whose window refill starts reading on the next microtask:
      // the client leaves while that read is in flight.
      const sub = internals(server).changes$.subscribe(() => queueMicrotask(() => link.close()));
      const trx = server.context().begin();
      await trx.create(Album, { name: 'a', artist: 'x', year: 2000, notes: '' });
      await trx.commit();
      sub.unsubscribe();
      await new Promise((resolve) => setImmediate(resolve));
      expect(errors.map((e) => e.message)).toEqual([]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
