import {
  MemoryStorage,
  Node,
  NotFoundError,
  PermissiveAgent,
  TransactionClosedError,
  ValidationError,
} from 'ankurah';
import { Album, Artist } from '../fixtures/models';

describe('shared/API.md "Reading and writing", line by line', () => {
  let server: Node;
  beforeEach(async () => {
    server = await Node.durable(new MemoryStorage(), {
      models: [Album, Artist],
      policy: new PermissiveAgent(),
    });
  });
  afterEach(() => server.close());

  it('creates, gets, fetches, edits, deletes and shows history', async () => {
    const ctx = server.context();
    const trx = ctx.begin();
    const album = await trx.create(Album, {
      name: 'Origin of Symmetry',
      artist: 'Muse',
      year: 2001,
      notes: '',
    });
    await trx.commit();

    const view = await ctx.get(Album, album.id);
    expect(view).toBeInstanceOf(Album);
    expect(view.name).toBe('Origin of Symmetry');
    expect(view.title).toBe('Muse – Origin of Symmetry');
    expect(view.isClassic()).toBe(false);
    expect(view.id).toBe(album.id);
    expect(view.collection).toBe('album');
    expect(view.head).toEqual([album.id]);

    const some = await ctx.fetch(Album, 'artist = ? AND year > ?', 'Muse', 1999);
    expect(some.map((v) => v.id)).toEqual([album.id]);

    const other = await (async () => {
      const t = ctx.begin();
      const m = await t.create(Album, { name: 'Absolution', artist: 'Muse', year: 2003, notes: '' });
      await t.commit();
      return ctx.get(Album, m.id);
    })();

    const t2 = ctx.begin();
    const m = await t2.edit(view);
    m.year = 2002;
    m.text('notes').insert(0, 'remastered ');
    expect(view.year).toBe(2001); // isolated until commit
    await t2.delete(other);
    await t2.commit();

    expect(view.year).toBe(2002);
    expect(view.notes).toBe('remastered ');
    await expect(ctx.get(Album, other.id)).rejects.toBeInstanceOf(NotFoundError);
    expect((await ctx.fetch(Album, 'true')).map((v) => v.id)).toEqual([album.id]);

    const events = await ctx.history(Album, album.id);
    expect(events.map((e) => e.id)).toHaveLength(2);
    expect(events[0]?.id).toBe(album.id);
    expect(events[1]?.parents).toEqual([album.id]);
    expect(view.head).toEqual([events[1]?.id]);

    const albums = ctx.collection(Album);
    const edited = await albums.edit(album.id, (a) => {
      a.rating = 5;
    });
    expect(edited.rating).toBe(5);
  });

  it('refuses use after commit and keeps the mutable id readable', async () => {
    const ctx = server.context();
    const trx = ctx.begin();
    const m = await trx.create(Album, { name: 'A', artist: 'B', year: 2000 });
    await trx.commit();
    expect(m.id).toHaveLength(26);
    expect(() => {
      m.year = 2001;
    }).toThrow(TransactionClosedError);
    await expect(trx.commit()).rejects.toBeInstanceOf(TransactionClosedError);
  });

  it('rejects invalid values with every failed field and keeps nothing', async () => {
    const ctx = server.context();
    const trx = ctx.begin();
    await trx.create(Album, { name: '', artist: 'B', year: 1800 });
    const err = await trx.commit().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ValidationError);
    const fields = (err as ValidationError).violations.map((v) => v.field).sort();
    expect(fields).toEqual(['name', 'year']);
    expect(await ctx.fetch(Album, 'true')).toHaveLength(0);
  });
});
