import { firstValueFrom, filter, timeout } from 'rxjs';
import { LocalConnector, MemoryStorage, Node, StorageError } from 'ankurah';
import { FlakyStorage } from '../fixtures/flaky-storage';
import { Album, Artist } from '../fixtures/models';
import { addAlbum, until } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// The topology simulation with staleLocalCommits and transient faults: a connected transaction whose entities
// moved on since it read them (remote states adopted meanwhile) commits while the server cannot store it now,
// so the client applies it itself and queues it. The client holds those states without their history: the
// local apply must merge against the snapshots the transaction read (ApplyOptions.base), never walk history it
// lacks; the durable server then merges the resent events with its full history, and everyone converges.
describe('regression: a stale-based transaction the client applies itself on a transient failure', () => {
  const open: Node[] = [];
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) if (!n.closed) await n.close();
  });

  it('keeps both edits locally, resolves, and lands them merged once the server recovers', async () => {
    const storage = new FlakyStorage();
    const server = await Node.durable(storage, { models: [Album, Artist] });
    const opts = { models: [Album, Artist], retryDelay: 2, retryDelayMax: 20 };
    const a = await Node.ephemeral(new MemoryStorage(), opts);
    const b = await Node.ephemeral(new MemoryStorage(), opts);
    open.push(server, a, b);
    await LocalConnector.connect(server, a);
    await LocalConnector.connect(server, b);
    const first = await addAlbum(b, 'First', 2001);
    const second = await addAlbum(b, 'Second', 2002);

    // A reads both entities, then B moves both on and A adopts the new states (a connected read adopts them).
    const trx = a.context().begin();
    (await trx.edit(Album, first)).name = 'First by A';
    (await trx.edit(Album, second)).rating = 5;
    for (const id of [first, second]) {
      const read = (await a.context().get(Album, id)).head;
      await b
        .context()
        .collection(Album)
        .edit(id, (x) => {
          x.year += 10;
        });
      expect((await a.context().get(Album, id)).head).not.toEqual(read);
    }

    // The server cannot store it now: A keeps the commit, applies it against its snapshots, and resolves.
    storage.failCommits = true;
    const failed = firstValueFrom(
      a.errors$.pipe(
        filter((e) => e instanceof StorageError),
        timeout(5_000),
      ),
    );
    await trx.commit();
    await failed;
    expect(internals(a).pending$.value).toBe(1);
    const one = await a.context().get(Album, first);
    const two = await a.context().get(Album, second);
    expect([one.name, one.year, two.rating, two.year]).toEqual(['First by A', 2011, 5, 2012]);
    expect(one.head).toHaveLength(2);

    storage.failCommits = false;
    await until(a.pending$, (n) => n === 0);
    for (const id of [first, second]) {
      const theirs = await server.context().get(Album, id);
      const mine = await a.context().get(Album, id);
      expect(mine.toJSON()).toEqual(theirs.toJSON());
      expect([...mine.head].sort()).toEqual([...theirs.head].sort());
    }
    const s1 = await server.context().get(Album, first);
    const s2 = await server.context().get(Album, second);
    expect([s1.name, s1.year, s2.rating, s2.year]).toEqual(['First by A', 2011, 5, 2012]);
  });
});
