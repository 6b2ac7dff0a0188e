import { MemoryStorage, Node } from 'ankurah';
import { type ChangeBatch } from 'ankurah/spi';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';

const album = (
  name: string,
  year: number,
): { name: string; artist: string; year: number; notes: string } => ({
  name,
  artist: 'x',
  year,
  notes: '',
});

// Entities new to a node join its entity cache only when read (from a change batch, a live query or storage);
// whichever way they are reached, there is one live instance per id.
describe('entities new to a node', () => {
  it('a live query that takes a new entity holds the instance ctx.get returns', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    try {
      const ctx = node.context();
      const q = ctx.query(Album, 'year > 2000');
      await q.settled();
      const trx = ctx.begin();
      const inside = await trx.create(Album, album('in', 2001));
      await trx.create(Album, album('out', 1999));
      await trx.commit();
      await q.settled();
      expect(q.items.map((v) => v.name)).toEqual(['in']);
      expect(await ctx.get(Album, inside.id)).toBe(q.items[0]);
      // Later edits reach the live query's item.
      const edit = ctx.begin();
      (await edit.edit(Album, inside.id)).name = 'renamed';
      await edit.commit();
      expect(q.items[0]?.name).toBe('renamed');
    } finally {
      await node.close();
    }
  });

  it('a change batch subscriber reads the entity every later read shares', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    try {
      const batches: ChangeBatch[] = [];
      internals(node).changes$.subscribe((b) => batches.push(b));
      const ctx = node.context();
      const trx = ctx.begin();
      const m = await trx.create(Album, album('a', 2001));
      await trx.commit();
      const entity = batches[0]?.changes[0]?.entity;
      expect(entity?.id).toBe(m.id);
      expect(batches[0]?.changes[0]?.entity).toBe(entity);
      const view = await ctx.get(Album, m.id);
      const seen: string[] = [];
      view.changes$.subscribe((v) => seen.push(v.name));
      const edit = ctx.begin();
      (await edit.edit(Album, m.id)).name = 'b';
      await edit.commit();
      expect(seen).toEqual(['b']);
      expect(batches[1]?.changes[0]?.entity).toBe(entity);
    } finally {
      await node.close();
    }
  });

  it('an unwatched creation is read back from storage once, then shared', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    try {
      const ctx = node.context();
      const trx = ctx.begin();
      const m = await trx.create(Album, album('a', 2001));
      await trx.commit();
      const [first, second] = await Promise.all([ctx.get(Album, m.id), ctx.get(Album, m.id)]);
      expect(first).toBe(second);
      expect(first.name).toBe('a');
      expect(await ctx.get(Album, m.id)).toBe(first);
    } finally {
      await node.close();
    }
  });
});
