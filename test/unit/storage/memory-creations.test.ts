import { MemoryStorage, Node } from 'ankurah';
import { type EntityState, genesisState } from '../../../src/entity/entity-state';
import { type Event } from '../../../src/event/event';
import { type CommitBatch } from '../../../src/storage/engine';
import { Artist } from '../../fixtures/models';

/** Counts what each commit hands over: states, and creations given as their event alone. */
class Counting extends MemoryStorage {
  states = 0;
  created: Event[] = [];

  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    this.states += batch.states.length;
    this.created.push(...(batch.created ?? []));
  }
}

/** Text that compares key order too. */
const text = (x: unknown): string => JSON.stringify(x);

const creation = (id: string, lww: Record<string, unknown>, collection = 'artist'): Event =>
  Object.freeze({ id, entityId: id, collection, parents: [], operations: Object.freeze({ lww }) });

describe('MemoryStorage: creations given as their event alone (CommitBatch.created)', () => {
  it('a local bulk create hands storage the events alone, and reads give what the events give', async () => {
    const storage = new Counting();
    const node = await Node.durable(storage, { models: [Artist] });
    try {
      const trx = node.context().begin();
      // Keys out of name order: the creation event still writes them in name order.
      for (let i = 0; i < 20; i++) await trx.create(Artist, { name: `n${i}`, country: `c${i % 3}` });
      await trx.commit();
      expect(storage.created).toHaveLength(20);
      expect(storage.states).toBe(0);
      for (const e of storage.created) {
        expect(Object.keys(e.operations.lww ?? {})).toEqual(['country', 'name']);
        expect(text(await storage.getState('artist', e.id))).toBe(text(genesisState(e)));
        expect(text(await storage.entityEvents('artist', e.id))).toBe(text([e]));
      }
      const got = await node.context().fetch(Artist, 'country = ? ORDER BY name', 'c1');
      expect(got.map((a) => a.name)).toEqual(['n1', 'n10', 'n13', 'n16', 'n19', 'n4', 'n7']);
    } finally {
      await node.close();
    }
  });

  it('keeps the exact state of a creation whose writes are not in name order, not frozen, or hold undefined', async () => {
    const storage = new MemoryStorage();
    const events = [
      creation('01AAAAAAAAAAAAAAAAAAAAAAA1', { name: 'b', country: 'x' }),
      { ...creation('01AAAAAAAAAAAAAAAAAAAAAAA2', {}), operations: { lww: { country: 'y', name: 'c' } } },
      creation('01AAAAAAAAAAAAAAAAAAAAAAA3', { country: undefined, name: 'd' }),
    ];
    await storage.commit({ events, states: [], created: events });
    for (const e of events) {
      expect(text(await storage.getState('artist', e.id))).toBe(text(genesisState(e)));
      expect(text(await storage.entityEvents('artist', e.id))).toBe(text([e]));
    }
    expect((await storage.getState('artist', events[2]!.id))?.values).toEqual({ country: null, name: 'd' });
  });

  it('an entity it already holds keeps its state; the event is stored as any other', async () => {
    const storage = new MemoryStorage();
    const e = creation('01AAAAAAAAAAAAAAAAAAAAAAA4', { name: 'first' });
    const kept = genesisState(creation(e.id, { name: 'kept' })) as EntityState;
    await storage.commit({ events: [], states: [kept] });
    await storage.commit({ events: [e], states: [], created: [e] });
    expect((await storage.getState('artist', e.id))?.values).toEqual({ name: 'kept' });
    expect(text(await storage.getEvents('artist', [e.id]))).toBe(text([e]));
  });

  it('unpacking an entity keeps its state when the batch brings none, and takes the batch state when it does', async () => {
    const storage = new MemoryStorage();
    const a = creation('01AAAAAAAAAAAAAAAAAAAAAAA5', { name: 'a' });
    const b = creation('01AAAAAAAAAAAAAAAAAAAAAAA6', { name: 'b' });
    await storage.commit({ events: [a, b], states: [], created: [a, b] });
    const later = (of: Event, id: string): Event =>
      Object.freeze({ id, entityId: of.id, collection: 'artist', parents: [of.id], operations: {} });
    // An event of a packed entity without its state (as a batch that only stores history may carry).
    await storage.commit({ events: [later(a, '01AAAAAAAAAAAAAAAAAAAAAAA7')], states: [] });
    expect(text(await storage.getState('artist', a.id))).toBe(text(genesisState(a)));
    // With its state: the batch's state is kept, the packed one is not rebuilt first.
    const next = { ...(genesisState(b) as EntityState), values: { name: 'b2' } };
    await storage.commit({ events: [later(b, '01AAAAAAAAAAAAAAAAAAAAAAA8')], states: [next] });
    expect((await storage.getState('artist', b.id))?.values).toEqual({ name: 'b2' });
    expect((await storage.entityEvents('artist', b.id)).map((e) => e.id)).toEqual([
      b.id,
      '01AAAAAAAAAAAAAAAAAAAAAAA8',
    ]);
  });

  it('an engine that does not take creations gets every state', async () => {
    const seen: CommitBatch[] = [];
    class Plain extends MemoryStorage {
      override readonly takesCreations = false;
      override async commit(batch: CommitBatch): Promise<void> {
        seen.push(batch);
        await super.commit(batch);
      }
    }
    const node = await Node.durable(new Plain(), { models: [Artist] });
    try {
      const trx = node.context().begin();
      await trx.create(Artist, { name: 'a' });
      await trx.create(Artist, { name: 'b' });
      await trx.commit();
      expect(seen.map((b) => [b.states.length, b.created])).toEqual([[2, undefined]]);
    } finally {
      await node.close();
    }
  });
});
