import { type DurablePeer } from 'ankurah/spi';
import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

type Peer = DurablePeer;
type Answer = Awaited<ReturnType<Peer['subscribe']>>;

// A client created an entity offline and holds it in a live query; it reconnects. The re-subscription's answer
// names the entity `gone` (the server did not have it yet); the queued commit's push (a newer state) is left
// out while the commit is queued. Between the commit leaving the queue and its acknowledgement being adopted,
// the older `gone` answer arrived: no queued commit touched the entity any more and no newer sequence number
// was recorded for it (the newer state was only deferred), so the client turned its own entity into a
// tombstone, and its next edit was refused as "after it was deleted". Found by the topology simulation
// (test/sim/topology.ts, seed 2037).
describe('regression: an older gone answer does not delete an entity whose newer state is deferred', () => {
  it('keeps the offline creation after the reconnect and accepts further edits', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album] });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      const q = client.context().query(Album, 'true');
      await q.loaded;
      const trx = client.context().begin();
      const id = (await trx.create(Album, { name: 'offline', artist: 'x', year: 2001, notes: '' })).id;
      await trx.commit();
      expect(internals(client).pending$.value).toBe(1);

      // The re-subscription is answered first (naming the entity gone), but its answer is delivered only once
      // the commit has left the queue, while the client keeps the retirement of its outbox record.
      let answered!: () => void;
      const subscribed = new Promise<void>((resolve) => (answered = resolve));
      let deliver!: () => void;
      const delivery = new Promise<void>((resolve) => (deliver = resolve));
      let late: Answer | undefined;
      const attach = internals(client).peers.attach.bind(internals(client).peers);
      internals(client).peers.attach = (peer: Peer) => {
        const subscribe = peer.subscribe.bind(peer);
        const commit = peer.commit.bind(peer);
        peer.subscribe = async (...args) => {
          const answer = await subscribe(...args);
          if (late) return answer;
          late = answer;
          answered();
          await delivery;
          return answer;
        };
        peer.commit = async (events) => {
          await subscribed;
          return commit(events);
        };
        return attach(peer);
      };
      // Resolves once the client adopted the late answer (whatever it did with it).
      let adoptedLate!: () => void;
      const lateAdopted = new Promise<void>((resolve) => (adoptedLate = resolve));
      const adopt = internals(client).adoptStates.bind(internals(client));
      internals(client).adoptStates = async (update, keep, pushed) => {
        const out = await adopt(update, keep, pushed);
        if (update === late) adoptedLate();
        return out;
      };
      const commitStates = internals(client).storage.commit.bind(internals(client).storage);
      internals(client).storage.commit = async (batch) => {
        if (late && batch.states.some((s) => s.collection === '_ankurah_outbox' && s.deleted)) {
          deliver();
          await lateAdopted;
        }
        return commitStates(batch);
      };

      await LocalConnector.connect(server, client);
      await subscribed;
      expect(late?.gone.map((g) => g.id)).toEqual([id]);
      await lateAdopted;
      while (internals(client).pending$.value > 0) await q.settled();

      expect((await internals(client).storage.getState('album', id))?.deleted).toBe(false);
      const edit = client.context().begin();
      const album = await edit.edit(Album, id);
      album.notes = 'edited';
      await expect(edit.commit()).resolves.toBeUndefined();
      expect((await server.context().get(Album, id)).notes).toBe('edited');
      expect(q.items.map((v) => v.id)).toEqual([id]);
    } finally {
      await client.close();
      await server.close();
    }
  });
});
