import { type Context, Node } from 'ankurah';
import { type StorageEngine } from 'ankurah/spi';
import { Album } from '../../fixtures/models';
import { createAlbums, editAlbums, names, record } from './support';
import { internals } from '../../fixtures/internals';

/** The live-query behaviour every storage engine must give identically. */
export function liveQuerySuite(engine: string, open: () => Promise<StorageEngine>): void {
  describe(`live queries on ${engine}`, () => {
    let node: Node;
    let ctx: Context;
    beforeEach(async () => {
      node = await Node.durable(await open(), { models: [Album] });
      ctx = node.context();
    });
    afterEach(() => node.close());

    it('gives one change of the right kind per entity per commit, one ChangeSet per commit', async () => {
      const [a, b] = await createAlbums(ctx, [
        { name: 'a', year: 2001 },
        { name: 'b', year: 1999 },
      ]);
      const q = ctx.query(Album, 'year > 2000');
      const sets = record(q);
      await q.loaded;
      await editAlbums(ctx, { [a!]: { name: 'a2' }, [b!]: { year: 2005 } });
      await createAlbums(ctx, [{ name: 'c', year: 2010 }]);
      await editAlbums(ctx, { [a!]: { year: 1950 } });
      await createAlbums(ctx, [{ name: 'old', year: 1960 }]); // outside the result: no ChangeSet
      expect(sets.map((s) => s.kinds)).toEqual([
        ['initial a'],
        ['update a2', 'add b'],
        ['add c'],
        ['remove a2'],
      ]);
      expect(sets.map((s) => s.initial)).toEqual([true, false, false, false]);
      expect(names(q.items)).toEqual(['b', 'c']);
    });

    it('removes deleted entities from every result', async () => {
      const [a] = await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
      const q1 = ctx.query(Album, 'year = 2001');
      const q2 = ctx.query(Album, "name = 'a' ORDER BY year LIMIT 3");
      await Promise.all([q1.loaded, q2.loaded]);
      await ctx.collection(Album).delete(a!);
      expect(q1.items).toEqual([]);
      expect(q2.items).toEqual([]);
    });

    it('keeps an ORDER BY … LIMIT window exact, refilling from storage', async () => {
      internals(node).reactor.windowSlack = 0;
      const ids = await createAlbums(
        ctx,
        ['e', 'd', 'c', 'b', 'a'].map((name) => ({ name, year: 2001 })),
      );
      const q = ctx.query(Album, 'year > 2000 ORDER BY name LIMIT 3');
      const sets = record(q);
      await q.loaded;
      expect(names(q.items)).toEqual(['a', 'b', 'c']);
      await editAlbums(ctx, { [ids[4]!]: { year: 1999 } }); // 'a' leaves: 'd' fills the gap
      await q.settled();
      expect(sets.at(-1)!.kinds).toEqual(['remove a', 'add d']);
      expect(names(q.items)).toEqual(['b', 'c', 'd']);
      await editAlbums(ctx, { [ids[3]!]: { name: 'z' } }); // 'b' moves out of the window, 'e' moves in
      await q.settled();
      expect(sets.at(-1)!.kinds).toEqual(['remove z', 'add e']);
      await editAlbums(ctx, { [ids[0]!]: { name: 'a' } }); // 'e' moves within the window
      await q.settled();
      expect(sets.at(-1)!.kinds).toEqual(['update a']);
      expect(names(q.items)).toEqual(['a', 'c', 'd']);
      expect(await ctx.fetch(Album, 'year > 2000 ORDER BY name LIMIT 3').then(names)).toEqual(names(q.items));
    });

    it('does not lose a commit made while the initial load is in flight', async () => {
      await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
      const q = ctx.query(Album, 'year > 2000 ORDER BY name');
      await createAlbums(ctx, [{ name: 'b', year: 2002 }]);
      await q.settled();
      expect(names(q.items)).toEqual(['a', 'b']);
      expect(names(q.items)).toEqual(names(await ctx.fetch(Album, 'year > 2000 ORDER BY name')));
    });
  });
}
