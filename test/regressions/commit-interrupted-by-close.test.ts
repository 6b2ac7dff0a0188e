import { LocalConnector, MemoryStorage, Node, UnavailableError } from 'ankurah';
import { readOutbox } from '../../src/node/peers/outbox';
import { FlakyStorage } from '../fixtures/flaky-storage';
import { Album, Artist } from '../fixtures/models';
import { names } from '../integration/sync/harness';

/** The client's storage: closing the node leaves what it kept readable (as a file on disk would be). */
class Disk extends MemoryStorage {
  override async close(): Promise<void> {}
}

// Found by the topology simulation with transient faults (seed 65): a connected commit whose answer was lost
// (or was a transient failure) is kept locally and queued, and resolves. When the node closed meanwhile, that
// local apply failed and the failure was swallowed: the commit resolved although neither the server nor the
// client's outbox held it. A commit that could not be kept anywhere now rejects.
describe('regression: a connected commit interrupted by closing the node is never acknowledged unkept', () => {
  it('rejects with UnavailableError when the node closed before the commit was kept', async () => {
    const storage = new FlakyStorage();
    const srv = await Node.durable(storage, { models: [Album, Artist] });
    const disk = new Disk();
    const a = await Node.ephemeral(disk, { models: [Album, Artist], retryDelay: 2, retryDelayMax: 20 });
    try {
      const link = await LocalConnector.connect(srv, a);
      // The server cannot store it now: the client would keep and queue it, but is closing at the same time.
      storage.failCommits = true;
      const trx = a.context().begin();
      await trx.create(Album, { name: 'In flight', artist: 'Muse', year: 2001 });
      const committed = trx.commit();
      link.close();
      await a.close();
      // Neither on the server nor in the outbox the next start resends: the caller must not be told it is kept.
      await expect(committed).rejects.toBeInstanceOf(UnavailableError);
      storage.failCommits = false;
      expect(await readOutbox(disk)).toEqual([]);
      expect(names(await srv.context().fetch(Album, 'true'))).toEqual([]);
    } finally {
      if (!a.closed) await a.close();
      await srv.close();
    }
  });
});
