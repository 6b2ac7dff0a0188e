import fc from 'fast-check';
import { MemoryStorage, Node } from 'ankurah';
import { type EntityState, genesisState } from '../../../src/entity/entity-state';
import { type Event } from '../../../src/event/event';
import { type OrderKey } from '../../../src/query/ast';
import { compareKeys } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { type CommitBatch } from '../../../src/storage/engine';
import { compiledSelection, queryRow } from '../../../src/storage/memory-storage';
import { packing } from '../../../src/storage/memory/pack';
import { Album, Artist } from '../../fixtures/models';
import { pathArb, recordArb } from '../query/arbitraries';

/** Remembers the last state and every event committed per entity: what every read must give back. */
class Recording extends MemoryStorage {
  readonly states = new Map<string, EntityState>();
  readonly events = new Map<string, Event[]>();

  override async commit(batch: CommitBatch): Promise<void> {
    await super.commit(batch);
    for (const e of batch.events) {
      const list = this.events.get(e.entityId) ?? [];
      if (!list.some((x) => x.id === e.id)) list.push(e);
      this.events.set(e.entityId, list);
    }
    for (const s of batch.states) this.states.set(s.id, s);
    // A plain creation given as its event alone: the engine keeps exactly the state the event gives.
    for (const e of batch.created ?? []) this.states.set(e.id, genesisState(e) as EntityState);
  }
}

/** Text that compares key order too (Yjs updates as plain arrays). */
const text = (x: unknown): string =>
  JSON.stringify(x, (_, v: unknown) => (v instanceof Uint8Array ? [...v] : v));

async function populated(): Promise<{ storage: Recording; node: Node }> {
  const storage = new Recording();
  const node = await Node.durable(storage, { models: [Artist, Album] });
  const ctx = node.context();
  const ids: string[] = [];
  const trx = ctx.begin();
  for (let i = 0; i < 40; i++) {
    const a = i % 3 === 0 ? { name: `n${i % 7}` } : { country: `c${i % 4}`, name: `n${i % 7}` };
    ids.push((await trx.create(Artist, a)).id);
  }
  await trx.create(Album, { name: 'plain', artist: 'x', year: 1999, meta: { tags: ['a'] } });
  await trx.create(Album, { name: 'texty', artist: 'x', year: 2001, notes: 'hello' });
  await trx.commit();
  const edit = ctx.begin();
  for (const id of ids.slice(0, 10)) (await edit.edit(Artist, id)).name = `e${id.slice(-2)}`;
  for (const id of ids.slice(10, 14)) await edit.delete(Artist, id);
  await edit.commit();
  // Created after others left their packed rows: they take the freed rows.
  const more = ctx.begin();
  for (let i = 0; i < 6; i++) await more.create(Artist, { name: `late${i}` });
  await more.commit();
  return { storage, node };
}

describe('MemoryStorage packed rows', () => {
  it('reads back every committed state and event exactly, key order included', async () => {
    const { storage, node } = await populated();
    try {
      expect(storage.states.size).toBe(48);
      for (const [id, committed] of storage.states) {
        const got = await storage.getState(committed.collection, id);
        expect(text(got)).toBe(text(committed));
        expect(Object.isFrozen(got)).toBe(true);
        const events = [...(storage.events.get(id) ?? [])].sort((a, b) => (a.id < b.id ? -1 : 1));
        expect(text(await storage.entityEvents(committed.collection, id))).toBe(text(events));
        const byId = await storage.getEvents(
          committed.collection,
          events.map((e) => e.id),
        );
        expect(text(byId.sort((a, b) => (a.id < b.id ? -1 : 1)))).toBe(text(events));
      }
      // A packed entity's state is rebuilt on each read; a full record is handed out as kept.
      let packed = 0;
      for (const [id, s] of storage.states) {
        if ((await storage.getState(s.collection, id)) !== (await storage.getState(s.collection, id)))
          packed++;
      }
      // 26 untouched and 6 late artists, and the album without text.
      expect(packed).toBe(33);
      // Re-committing a packed entity's creation event keeps it as it was.
      const [id, first] = [...storage.states].at(-1) as [string, EntityState];
      await storage.commit({ events: storage.events.get(id) ?? [], states: [] });
      expect(text(await storage.getState('artist', id))).toBe(text(first));
    } finally {
      await node.close();
    }
  });

  it('fetches over packed and full records as the evaluator does over the committed states', async () => {
    const { storage, node } = await populated();
    try {
      for (const q of [
        "name > 'n2' ORDER BY name LIMIT 7",
        'true ORDER BY country DESC, name LIMIT 30',
        "id > '0' ORDER BY name LIMIT 5",
        'country IS NULL',
        "name != 'n1' ORDER BY country",
      ]) {
        const sel = parseSelection(q);
        const { match, order } = compiledSelection(sel);
        const expected = [...storage.states.values()]
          .filter((s) => s.collection === 'artist' && !s.deleted && match(queryRow(s)))
          .sort((a, b) => order(queryRow(a), queryRow(b)))
          .slice(0, sel.limit)
          .map(text);
        expect((await storage.fetchStates('artist', sel)).map(text)).toEqual(expected);
      }
    } finally {
      await node.close();
    }
  });
});

describe('packing', () => {
  const event: Event = {
    id: 'e1',
    entityId: 'e1',
    collection: 'c',
    parents: [],
    operations: { lww: { b: 2, a: 'x' } },
  };
  const state = genesisState(event) as EntityState;

  it('packs a state that is its creation event alone, keeping the write order', () => {
    expect(packing(state, event, 'c')).toEqual({
      fields: ['a', 'b'],
      writes: [1, 0],
      values: { a: 'x', b: 2 },
    });
  });

  it.each<[string, EntityState, Event]>([
    ['another collection', { ...state, collection: 'd' }, event],
    ['text', { ...state, text: { t: new Uint8Array([1]) } }, event],
    ['a longer head', { ...state, head: ['e1', 'e2'] }, event],
    ['a tombstone', { ...state, deleted: true, deletedBy: 'e1', tombstones: ['e1'] }, event],
    [
      'two candidates',
      {
        ...state,
        lww: {
          ...state.lww,
          a: [
            ['x', 'e0'],
            ['x', 'e1'],
          ],
        },
      },
      event,
    ],
    ['a value the event did not write', { ...state, values: { ...state.values, a: 'y' } }, event],
    ['a field the event did not write', state, { ...event, operations: { lww: { a: 'x' } } }],
    ['parents', state, { ...event, parents: ['e0'] }],
    ['other operations', state, { ...event, operations: { ...event.operations, delete: true } }],
  ])('keeps the full record of a state with %s', (_, s, e) => {
    expect(packing(s, e, 'c')).toBeUndefined();
  });
});

describe('compareKeys over top-level fields (read directly)', () => {
  it('orders as the general path over the same keys does', () => {
    // A deref makes compareKeys take its general path; top-level keys never call it.
    const general = (keys: OrderKey[]) => compareKeys(keys, { deref: () => undefined });
    const key = fc.record({
      path: pathArb(),
      direction: fc.constantFrom<OrderKey['direction']>('asc', 'desc'),
    });
    const top = fc.record({
      path: fc.constantFrom(['a'], ['b'], ['tags'], ['meta'], ['id'], ['constructor']),
      direction: fc.constantFrom<OrderKey['direction']>('asc', 'desc'),
    });
    fc.assert(
      fc.property(fc.array(fc.oneof(top, top, key), { maxLength: 3 }), recordArb, recordArb, (keys, x, y) => {
        // `+ 0` folds -0 (a descending tie) into 0: only the sign matters.
        expect(Math.sign(compareKeys(keys)(x, y)) + 0).toBe(Math.sign(general(keys)(x, y)) + 0);
      }),
      { numRuns: 2000 },
    );
  });
});
