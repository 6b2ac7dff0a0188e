import { type EntityState } from '../../../src/entity/entity-state';
import { type Event } from '../../../src/event/event';
import { newId } from '../../../src/event/ids';
import { type CollectionSpec } from '../../../src/storage/engine';

/** The declared collection of the contract dataset: one column of every field type. */
export const ALBUMS: CollectionSpec = {
  name: 'album',
  columns: [
    { name: 'name', type: 'string', index: false },
    { name: 'artist', type: 'string', index: false },
    { name: 'year', type: 'integer', index: true },
    { name: 'rating', type: 'number', index: false },
    { name: 'flag', type: 'boolean', index: false },
    { name: 'released', type: 'date', index: false },
    { name: 'notes', type: 'text', index: false },
    { name: 'meta', type: 'json', index: false },
    { name: 'label', type: 'ref', index: false },
  ],
};

/** The same rows in a collection learnt at run time: no columns, everything is an undeclared field. */
export const LOOSE: CollectionSpec = { name: 'loose', columns: [] };

/**
 * Rows covering the query semantics: nulls and missing fields, code-point ordering (BMP, U+FFFF, astral),
 * JSON arrays (nested, empty, scalar-vs-array), JSON numbers vs strings, undeclared fields of mixed
 * types, values that do not fit their column (a string in an integer field, a NUL byte, a lone
 * surrogate) and a deleted entity.
 */
export const ROWS: readonly Readonly<Record<string, unknown>>[] = [
  {
    name: 'Z',
    artist: 'Muse',
    year: 2001,
    rating: 4.5,
    flag: true,
    released: '2001-07-17',
    notes: 'loud',
    meta: { tags: ['live', 'rock'], n: 9 },
    label: 'L1',
    genre: 'rock',
  },
  {
    name: 'a',
    artist: 'Air',
    year: 1998,
    rating: null,
    flag: false,
    released: '1998-01-16T00:00:00.000Z',
    notes: '',
    meta: { tags: [] },
    genre: 9,
  },
  {
    name: 'é',
    artist: 'Björk',
    year: 1997,
    rating: 3,
    flag: null,
    meta: { tags: ['jazz'], n: '9' },
    genre: '9',
  },
  {
    name: '😀',
    artist: 'Prince',
    year: 1984,
    rating: 5,
    meta: { items: [{ name: 'x' }, { name: 'y' }] },
    genre: true,
  },
  { name: '\uFFFF', artist: 'Muse', year: 2006, rating: 2.25, flag: true, meta: { tags: 'live' } },
  { name: 'B', artist: null, year: null, rating: 0, meta: null },
  { name: 'ab', artist: 'Air', year: 2010 },
  { name: 'odd', artist: 'Odd', year: '1999', rating: 'high', flag: 'yes', released: 20010101, label: 7 },
  {
    name: '',
    artist: 'Muse',
    year: 2001,
    rating: -1.5,
    flag: false,
    meta: { tags: [['live']], n: [9, '9'] },
  },
  { name: 'A', artist: 'air', year: 1900, rating: 1e300, meta: { dims: { width: 10 } }, label: 'L2' },
  { name: 'Zz', artist: 'Muse', year: 2001, rating: 4.5, flag: true, genre: 'rock' },
  { name: 'a\u0000b', artist: 'Nul', year: 1999, rating: 2.5 },
  { name: '\uD800x', artist: 'Lone', year: 2002, genre: 'x' },
  { name: 'ﬀ', artist: 'Muse', year: 2001.5, rating: 4 },
];

/** Index of the deleted row (its entity must never be returned by fetchStates). */
export const DELETED_NAME = 'gone';

/** One entity per row plus a deleted one, in id order, with their genesis events. */
export function buildDataset(collection: string): { states: EntityState[]; events: Event[] } {
  const rows = [...ROWS, { name: DELETED_NAME, artist: 'Muse', year: 2001 }];
  const states: EntityState[] = [];
  const events: Event[] = [];
  for (const values of rows) {
    const id = newId();
    const deleted = values.name === DELETED_NAME;
    events.push({ id, entityId: id, collection, parents: [], operations: { lww: values } });
    states.push({
      id,
      collection,
      head: [id],
      deleted,
      ...(deleted ? { deletedBy: id } : {}),
      lww: Object.fromEntries(Object.entries(values).map(([k, v]) => [k, [[v, id]]])),
      text: {},
      values,
    });
  }
  return { states, events };
}
