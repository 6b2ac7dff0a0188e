import { StorageError } from '../../../src/errors/errors';
import { StorageConflict } from '../../../src/storage/conflict';
import { QuerySyntaxError } from '../../../src/errors/query-syntax-error';
import { type EntityState } from '../../../src/entity/entity-state';
import { type Event } from '../../../src/event/event';
import { newId } from '../../../src/event/ids';
import { type Selection } from '../../../src/query/ast';
import { bindSchema } from '../../../src/query/bind-schema';
import { compilePredicate } from '../../../src/query/evaluate';
import { compareRecords } from '../../../src/query/order';
import { parseSelection } from '../../../src/query/parser';
import { type StorageEngine } from '../../../src/storage/engine';
import { ALBUMS, LOOSE, buildDataset } from './dataset';
import { edgeQueries } from './edge-queries';
import { QUERIES } from './queries';
import { valueSemantics } from './value-semantics';

/** Options of the contract suite. */
export interface ContractOptions {
  /** Closing and opening again keeps the data (false for MemoryStorage). */
  readonly durable: boolean;
  /**
   * Opens another engine on the same database in shared mode (engines that have one): the shared rule of the
   * engine contract (compare-and-set on heads, StorageConflict) is checked against it.
   */
  readonly openShared?: () => Promise<StorageEngine>;
}

/** The ids the in-memory evaluator selects from `states`, in selection order. */
export function oracle(states: readonly EntityState[], sel: Selection): string[] {
  const match = compilePredicate(sel.predicate);
  const order = compareRecords(sel.orderBy);
  const rows = states
    .filter((s) => !s.deleted)
    .map((s) => ({ id: s.id, row: { ...s.values, id: s.id } }))
    .filter((r) => match(r.row))
    .sort((a, b) => order(a.row, b.row));
  return (sel.limit === undefined ? rows : rows.slice(0, sel.limit)).map((r) => r.id);
}

function bound(sel: Selection): Selection | undefined {
  try {
    return bindSchema(sel, (f) => ALBUMS.columns.find((c) => c.name === f)?.type, 'Album');
  } catch (e) {
    if (e instanceof QuerySyntaxError) return undefined;
    throw e;
  }
}

function plain(state: EntityState): unknown {
  return { ...state, text: Object.fromEntries(Object.entries(state.text).map(([k, v]) => [k, [...v]])) };
}

/**
 * The storage contract: every StorageEngine method and the AnkQL operator table over one dataset, with
 * results compared to the in-memory evaluator. Each engine's test file calls this once.
 */
export function storageContract(
  name: string,
  open: () => Promise<StorageEngine>,
  options: ContractOptions,
  cleanup?: () => Promise<void>,
): void {
  describe(`storage contract: ${name}`, () => {
    let engine: StorageEngine;
    const albums = buildDataset(ALBUMS.name);
    const loose = buildDataset(LOOSE.name);

    beforeAll(async () => {
      engine = await open();
      await engine.ensureCollection(ALBUMS);
      await engine.ensureCollection(LOOSE);
      await engine.commit({
        events: [...albums.events, ...loose.events],
        states: [...albums.states, ...loose.states],
      });
    });

    afterAll(async () => {
      await engine?.close();
      await cleanup?.();
    });

    test('collections() lists declared collections; ensureCollection is idempotent', async () => {
      await engine.ensureCollection(ALBUMS);
      await engine.ensureCollection({ name: 'empty', columns: [] });
      expect(await engine.collections()).toEqual(expect.arrayContaining(['album', 'empty', 'loose']));
      expect(await engine.fetchStates('album', parseSelection('true'))).toHaveLength(
        albums.states.length - 1,
      );
    });

    test('getState returns every entity as committed, deleted ones too; unknown ids are undefined', async () => {
      for (const s of [...albums.states, ...loose.states]) {
        expect(plain((await engine.getState(s.collection, s.id)) as EntityState)).toEqual(plain(s));
      }
      expect(await engine.getState('album', newId())).toBeUndefined();
      expect(await engine.getState('nowhere', newId())).toBeUndefined();
    });

    test.each(QUERIES.map((q) => [typeof q === 'string' ? q : q[0], q] as const))(
      'fetchStates agrees with the in-memory evaluator: %s',
      async (_label, q) => {
        const sel = typeof q === 'string' ? parseSelection(q) : parseSelection(q[0], q.slice(1));
        const variants: [string, Selection, EntityState[]][] = [
          ['album', sel, albums.states],
          ['loose', sel, loose.states],
        ];
        const b = bound(sel);
        if (b) variants.push(['album', b, albums.states]);
        for (const [collection, selection, states] of variants) {
          const got = await engine.fetchStates(collection, selection);
          expect({ collection, ids: got.map((s) => s.id) }).toEqual({
            collection,
            ids: oracle(states, selection),
          });
          for (const s of got) expect(s.values).toEqual(states.find((x) => x.id === s.id)?.values);
        }
      },
    );

    edgeQueries(() => engine);

    test('getEvents returns the kept events with these ids and skips unknown ones', async () => {
      const ids = [albums.events[2]?.id, newId(), albums.events[0]?.id] as string[];
      const got = await engine.getEvents('album', ids);
      expect(got.map((e) => e.id).sort()).toEqual([albums.events[0]?.id, albums.events[2]?.id].sort());
      expect(got.find((e) => e.id === albums.events[0]?.id)).toEqual(albums.events[0]);
      expect(await engine.getEvents('nowhere', ids)).toEqual([]);
    });

    test('entityEvents gives one entity history ordered by id; text updates round-trip as bytes', async () => {
      const id = newId();
      const genesis: Event = {
        id,
        entityId: id,
        collection: 'album',
        parents: [],
        operations: { lww: { name: 'h' } },
      };
      const edit: Event = {
        id: newId(),
        entityId: id,
        collection: 'album',
        parents: [id],
        operations: { text: { notes: new Uint8Array([1, 2, 250]) } },
      };
      const del: Event = {
        id: newId(),
        entityId: id,
        collection: 'album',
        parents: [edit.id],
        operations: { delete: true },
      };
      const state = (head: string[], deleted: boolean): EntityState => ({
        id,
        collection: 'album',
        head,
        deleted,
        ...(deleted ? { deletedBy: del.id } : {}),
        lww: { name: [['h', id]] },
        text: { notes: new Uint8Array([0, 255, 7]) },
        values: { name: 'h', notes: 'n' },
      });
      // Out of order in the batch: storage orders by id, not by arrival.
      await engine.commit({ events: [edit, genesis], states: [state([edit.id], false)] });
      await engine.commit({ events: [del], states: [state([del.id], true)] });
      expect(await engine.entityEvents('album', id)).toEqual([genesis, edit, del]);
      expect(plain((await engine.getState('album', id)) as EntityState)).toEqual(
        plain(state([del.id], true)),
      );
      expect((await engine.fetchStates('album', parseSelection("name = 'h'"))).map((s) => s.id)).toEqual([]);
      expect(await engine.entityEvents('album', newId())).toEqual([]);
    });

    test('re-committing a known event is a no-op: the first copy stays', async () => {
      const id = newId();
      const first: Event = {
        id,
        entityId: id,
        collection: 'album',
        parents: [],
        operations: { lww: { name: 'first' } },
      };
      const state: EntityState = {
        id,
        collection: 'album',
        head: [id],
        deleted: false,
        lww: {},
        text: {},
        values: { name: 'first' },
      };
      await engine.commit({ events: [first], states: [state] });
      await engine.commit({
        events: [{ ...first, operations: { lww: { name: 'second' } } }, first],
        states: [],
      });
      expect(await engine.getEvents('album', [id])).toEqual([first]);
      expect(await engine.entityEvents('album', id)).toEqual([first]);
    });

    test('one batch naming an id twice: the first copy of the event stays, the last copy of the state wins', async () => {
      const id = newId();
      const event = (name: string): Event => ({
        id,
        entityId: id,
        collection: 'album',
        parents: [],
        operations: { lww: { name } },
      });
      const state = (name: string): EntityState => ({
        id,
        collection: 'album',
        head: [id],
        deleted: false,
        lww: { name: [[name, id]] },
        text: {},
        values: { name },
      });
      await engine.commit({ events: [event('a'), event('b')], states: [state('a'), state('b')] });
      expect(await engine.getEvents('album', [id])).toEqual([event('a')]);
      expect(await engine.getState('album', id)).toEqual(state('b'));
    });

    test('a bulk batch naming ids twice, within and across multi-row statements: first event, last state', async () => {
      // A collection of its own, so the album queries of later tests are unaffected.
      const year = { name: 'year', type: 'integer', index: true } as const;
      await engine.ensureCollection({
        name: 'bulk',
        columns: [{ name: 'name', type: 'string', index: false }, year],
      });
      const ids = Array.from({ length: 300 }, () => newId());
      const event = (id: string, name: string): Event => ({
        id,
        entityId: id,
        collection: 'bulk',
        parents: [],
        operations: { lww: { name } },
      });
      const state = (id: string, name: string, y: number): EntityState => ({
        id,
        collection: 'bulk',
        head: [id],
        deleted: false,
        lww: { name: [[name, id]], year: [[y, id]] },
        text: {},
        values: { name, year: y },
      });
      // Second copies: of entity 3 in the same 128-row chunk, of 5 two chunks later, of 0 in the tail.
      const again = new Map([
        [10, 3],
        [260, 5],
        [299, 0],
      ]);
      const pick = (i: number): string => ids[again.get(i) ?? i] as string;
      const events = ids.map((_, i) => event(pick(i), again.has(i) ? 'second' : 'first'));
      const states = ids.map((_, i) => state(pick(i), again.has(i) ? 'second' : 'first', 3000 + i));
      await engine.commit({ events, states });
      for (const [i, j] of again) {
        const id = ids[j] as string;
        expect(await engine.getEvents('bulk', [id])).toEqual([event(id, 'first')]);
        expect(await engine.getState('bulk', id)).toEqual(state(id, 'second', 3000 + i));
      }
      const sel = bindSchema(parseSelection('year >= 3000'), () => 'integer', 'Bulk');
      const stored = await engine.fetchStates('bulk', sel);
      expect(stored).toHaveLength(300 - again.size);
      const byId = new Map(stored.map((s) => [s.id, s.values.year]));
      expect(byId.get(ids[1] as string)).toBe(3001);
      expect(byId.get(ids[299 - 1] as string)).toBe(3298);
    });

    test('commit keeps events and states of several collections; new collections are created on demand', async () => {
      const a = newId();
      const b = newId();
      const ev = (id: string, collection: string): Event => ({
        id,
        entityId: id,
        collection,
        parents: [],
        operations: { lww: { k: 1 } },
      });
      const st = (id: string, collection: string): EntityState => ({
        id,
        collection,
        head: [id],
        deleted: false,
        lww: {},
        text: {},
        values: { k: 1 },
      });
      await engine.commit({
        events: [ev(a, 'fresh'), ev(b, 'loose')],
        states: [st(a, 'fresh'), st(b, 'loose')],
      });
      expect(await engine.collections()).toContain('fresh');
      expect((await engine.fetchStates('fresh', parseSelection('k = 1'))).map((s) => s.id)).toEqual([a]);
      expect((await engine.getEvents('loose', [b])).map((e) => e.id)).toEqual([b]);
    });

    test('returned states are copies: changing one does not change what is stored', async () => {
      const target = albums.states[0] as EntityState;
      const got = (await engine.getState('album', target.id)) as EntityState;
      try {
        (got.values as Record<string, unknown>).name = 'changed';
        (got.head as string[]).push('x');
      } catch {
        // Frozen copies refuse the change, which is just as good.
      }
      expect(plain((await engine.getState('album', target.id)) as EntityState)).toEqual(plain(target));
    });

    if (options.durable) {
      test('closing and opening again restores every entity, head, event and collection', async () => {
        const before = await engine.collections();
        await engine.close();
        engine = await open();
        expect(await engine.collections()).toEqual(before);
        for (const s of albums.states) {
          expect(plain((await engine.getState('album', s.id)) as EntityState)).toEqual(plain(s));
          expect(await engine.entityEvents('album', s.id)).toEqual(
            albums.events.filter((e) => e.entityId === s.id),
          );
        }
        const sel = parseSelection('year > 1990 ORDER BY name DESC LIMIT 5');
        expect((await engine.fetchStates('album', sel)).map((s) => s.id)).toEqual(oracle(albums.states, sel));
      });
    }

    valueSemantics(() => engine);

    if (options.durable) {
      test('a second writer on the same database is refused while this one is open', async () => {
        const err = (await open().then(
          async (s) => {
            await s.close();
            return undefined;
          },
          (e: unknown) => e,
        )) as StorageError | undefined;
        expect(err).toBeInstanceOf(StorageError);
        expect(err?.message).toMatch(/another Ankurah node/);
        expect(await engine.collections()).toContain('album');
      });
    }

    test('a closed engine refuses to commit', async () => {
      await engine.close();
      const id = newId();
      await expect(
        engine.commit({
          events: [{ id, entityId: id, collection: 'album', parents: [], operations: {} }],
          states: [],
        }),
      ).rejects.toThrow();
      engine = await open();
    });

    const openShared = options.openShared;
    if (openShared) {
      test('shared mode (the single writer closed): writers on one database; a state written on a stale head is refused, nothing kept', async () => {
        await engine.close();
        const a = await openShared();
        const b = await openShared();
        try {
          expect([a.shared, b.shared]).toEqual([true, true]);
          const id = newId();
          const genesis: Event = { id, entityId: id, collection: 'shared_rule', parents: [], operations: {} };
          const created = {
            ...albums.states[0]!,
            id,
            collection: 'shared_rule',
            head: [id],
            values: { n: 1 },
          };
          await a.commit({ events: [genesis], states: [created], heads: [null] });
          // b sees a's collection and entity; creating it again conflicts.
          expect((await b.getState('shared_rule', id))?.values).toEqual({ n: 1 });
          const again = await b
            .commit({ events: [], states: [created], heads: [null] })
            .catch((e: unknown) => e);
          expect(again).toBeInstanceOf(StorageConflict);
          const e2 = newId();
          const edit: Event = {
            id: e2,
            entityId: id,
            collection: 'shared_rule',
            parents: [id],
            operations: {},
          };
          const next = { ...created, head: [e2], values: { n: 2 } };
          await b.commit({ events: [edit], states: [next], heads: [[id]] });
          // a still believes the head is [id]: refused, and its event is not kept either.
          const e3 = newId();
          const stale: Event = {
            id: e3,
            entityId: id,
            collection: 'shared_rule',
            parents: [id],
            operations: {},
          };
          const err = await a
            .commit({
              events: [stale],
              states: [{ ...created, head: [e3], values: { n: 3 } }],
              heads: [[id]],
            })
            .catch((e: unknown) => e);
          expect(err).toBeInstanceOf(StorageConflict);
          expect((err as StorageConflict).conflicts).toEqual([{ collection: 'shared_rule', id }]);
          expect((await a.getState('shared_rule', id))?.values).toEqual({ n: 2 });
          expect(await a.getEvents('shared_rule', [e3])).toEqual([]);
        } finally {
          await a.close();
          await b.close();
        }
      });
    }
  });
}
