import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { MemoryStorage, Node } from 'ankurah';
import { type ChangeBatch } from 'ankurah/spi';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';

const DOC = readFileSync(join(__dirname, '../../../docs/conflict-resolution.md'), 'utf8');

describe('docs/conflict-resolution.md', () => {
  it('runs the concurrent-edit example: both nodes show the later write; the quiet merge notifies no one', async () => {
    expect(DOC).toContain('await albumsOnB.edit(id, (m) => (m.year = 2020));');
    const a = await Node.durable(new MemoryStorage(), { models: [Album] });
    const b = await Node.durable(new MemoryStorage(), { models: [Album] });
    const created = await a.context().collection(Album).create({ name: 'X', artist: 'Y', year: 2000 });
    const id = created.id;
    await internals(b).applyRemote(await internals(a).entityEvents('album', id), {});
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2010;
      });
    await b
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2020;
      });
    const onB: ChangeBatch[] = [];
    internals(b).changes$.subscribe((c) => onB.push(c));
    await internals(b).applyRemote(await internals(a).entityEvents('album', id), {});
    await internals(a).applyRemote(await internals(b).entityEvents('album', id), {});
    const [va, vb] = [await a.context().get(Album, id), await b.context().get(Album, id)];
    expect([va.year, vb.year]).toEqual([2020, 2020]);
    expect(vb.head).toHaveLength(2);
    expect(va.head).toEqual(vb.head);
    // No change is announced; the moved head is listed as quiet only (what remote subscriptions push).
    expect(onB.flatMap((batch) => batch.changes)).toEqual([]);
    expect(onB.flatMap((batch) => batch.quiet ?? []).map((c) => c.entity.id)).toEqual([id]);
    await a.close();
    await b.close();
  });
});
