import { MemoryStorage, Node } from 'ankurah';
import { Album } from '../fixtures/models';

// A selection switch to another order over the same rows once kept the old order in `items`: nothing entered
// or left, so no ChangeSet was emitted. Found by the live-query property test (seed 6061).
describe('regression: switching a live query to another order reorders its items', () => {
  it('emits the new order, the moved items as updates', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    try {
      const ctx = node.context();
      const trx = ctx.begin();
      const a = await trx.create(Album, { name: 'a', artist: 'x', year: 2001, notes: '' });
      const b = await trx.create(Album, { name: 'b', artist: 'x', year: 2000, notes: '' });
      await trx.commit();
      const q = ctx.query(Album, 'true ORDER BY year');
      await q.settled();
      expect(q.items.map((v) => v.name)).toEqual(['b', 'a']);
      const sets: { items: string[]; changes: string[] }[] = [];
      q.subscribe((c) => {
        sets.push({
          items: c.items.map((v) => v.name),
          changes: c.changes.map((x) => `${x.kind} ${x.view.name}`),
        });
      });
      await q.update('true ORDER BY name');
      await q.settled();
      expect(q.items.map((v) => v.id)).toEqual([a.id, b.id]);
      expect(sets.at(-1)?.items).toEqual(['a', 'b']);
      expect(sets.at(-1)?.changes.every((c) => c.startsWith('update '))).toBe(true);
    } finally {
      await node.close();
    }
  });
});
