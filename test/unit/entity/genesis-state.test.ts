import fc from 'fast-check';
import { Entity } from '../../../src/entity/entity';
import { type Event } from '../../../src/event/event';
import { EventLog } from '../event/dag';

const ID = '01JABCDEFGHJKMNPQRSTVWXYZ0';

/** What applying the creation event to a new entity gives: the reference for Entity.genesisState. */
async function applied(event: Event): Promise<unknown> {
  const e = new Entity({ id: event.entityId, collection: event.collection });
  await e.applyEvent(event, new EventLog());
  return e.state();
}

describe('Entity.genesisState', () => {
  const value = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.boolean(),
    fc.constant(null),
    fc.constant(undefined),
    fc.dictionary(fc.string(), fc.integer()),
  );

  it('equals the state of a new entity that applied the creation event, down to key order', async () => {
    await fc.assert(
      fc.asyncProperty(fc.dictionary(fc.stringMatching(/^[a-z_]{1,8}$/), value), async (lww) => {
        const event: Event = { id: ID, entityId: ID, collection: 'album', parents: [], operations: { lww } };
        const direct = Entity.genesisState(event);
        const reference = await applied(event);
        expect(direct).toEqual(reference);
        expect(JSON.stringify(direct)).toBe(JSON.stringify(reference));
        expect(Object.isFrozen(direct)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps name order for writes of one shape, of another order of it, and of more shapes than it recalls', async () => {
    const writes = [
      { year: 1, name: 'a', artist: 'b' },
      { artist: 'c', year: 2, name: 'd' },
    ];
    for (let i = 0; i < 12; i++) writes.push({ [`f${i}`]: i, year: i } as never);
    for (const lww of [...writes, ...writes]) {
      const event: Event = { id: ID, entityId: ID, collection: 'album', parents: [], operations: { lww } };
      const direct = Entity.genesisState(event);
      expect(JSON.stringify(direct)).toBe(JSON.stringify(await applied(event)));
      expect(Object.keys(direct?.values ?? {})).toEqual(Object.keys(lww).sort());
    }
  });

  it('declines events that are not plain LWW creations', () => {
    const base = { id: ID, entityId: ID, collection: 'album' };
    expect(Entity.genesisState({ ...base, parents: [], operations: { delete: true } })).toBeUndefined();
    expect(
      Entity.genesisState({ ...base, parents: [], operations: { text: { notes: new Uint8Array([0]) } } }),
    ).toBeUndefined();
    expect(
      Entity.genesisState({
        ...base,
        id: '01JABCDEFGHJKMNPQRSTVWXYZ1',
        parents: [ID],
        operations: { lww: {} },
      }),
    ).toBeUndefined();
  });
});
