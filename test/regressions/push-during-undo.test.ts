import { LocalConnector, MemoryStorage, Node, PermissiveAgent, type ContextData } from 'ankurah';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Refuses any album named 'forbidden'. */
class NoForbidden extends PermissiveAgent {
  override checkEvent(_ctx: ContextData, _c: string, _before: object | null, after: object | null): boolean {
    return (after as { name?: unknown } | null)?.name !== 'forbidden';
  }
}

// A client undoes a queued commit the server refused by reading the entities it touched from the server. A
// push of a newer change to such an entity that arrived while the undo was under way was dropped (a queued
// commit still touched the entity), yet its sequence number was recorded: the client kept the older state
// the undo read, for good. Found by the topology simulation (test/sim/topology.ts, `queriesRaceFlush`,
// seed 332).
describe('regression: a push that arrives while a refused commit is undone is kept', () => {
  it('shows the newer change once the undo is done', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album], policy: new NoForbidden() });
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    const other = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    try {
      await LocalConnector.connect(server, other);
      let link = await LocalConnector.connect(server, client);
      const t0 = other.context().begin();
      const id = (await t0.create(Album, { name: 'a', artist: 'x', year: 2001, notes: '' })).id;
      await t0.commit();
      const q = client.context().query(Album, 'true');
      await q.loaded;
      await q.settled();
      link.close();

      const t1 = client.context().begin();
      (await t1.edit(Album, id)).name = 'forbidden';
      await t1.commit();
      expect(internals(client).pending$.value).toBe(1);

      // Once the undo put back the server's state (the commit is still queued), another client changes the
      // entity, and its push reaches the client before the undo is done.
      let pushed!: () => void;
      const arrived = new Promise<void>((resolve) => (pushed = resolve));
      let undone = false;
      const adopt = internals(client).adoptStates.bind(internals(client));
      internals(client).adoptStates = async (update, keep, events) => {
        const out = await adopt(update, keep, events);
        const mine = await internals(client).loadLocal('album', id);
        // The push carries the edit as the entity's state or as its event, whichever the server could send.
        const edited =
          update.states.some((s) => s.id === id && s.values['year'] === 2010) ||
          (update.events ?? []).some((e) => e.entityId === id && e.operations.lww?.['year'] === 2010);
        if (edited) pushed();
        else if (!undone && internals(client).pending$.value > 0 && mine?.values()['name'] === 'a') {
          undone = true;
          const t2 = other.context().begin();
          (await t2.edit(Album, id)).year = 2010;
          await t2.commit();
          await arrived;
        }
        return out;
      };
      const refused = new Promise<Error>((resolve) => client.errors$.subscribe(resolve));
      link = await LocalConnector.connect(server, client);
      expect((await refused).name).toBe('AccessDeniedError');
      while (internals(client).pending$.value > 0) await turn();
      await q.settled();
      for (let i = 0; i < 5; i++) await turn();

      expect(undone).toBe(true);
      const mine = await internals(client).loadLocal('album', id);
      expect(mine?.values()).toMatchObject({ name: 'a', year: 2010 });
      expect(q.items.map((v) => [v.name, v.year])).toEqual([['a', 2010]]);
      link.close();
    } finally {
      await other.close();
      await client.close();
      await server.close();
    }
  });
});
