/* Issue 14: Observables on the public surface are read-only, items arrays readonly, view streams memoised. */
import 'reflect-metadata';
import { firstValueFrom, filter, skip } from 'rxjs';
import { Field, MemoryStorage, Model, Node, type View } from 'ankurah';

@Model('surface_album')
class SurfaceAlbum {
  @Field() name!: string;
  @Field() year!: number;
}

describe('read-only public surface', () => {
  let node: Node;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [SurfaceAlbum] });
  });
  afterEach(() => node.close());

  it("memoises a view's changes$ and observe(field), which still emit after every change", async () => {
    const ctx = node.context();
    const albums = ctx.collection(SurfaceAlbum);
    const view = await albums.create({ name: 'Showbiz', year: 1999 });
    expect(view.changes$).toBe(view.changes$);
    expect(view.observe('name')).toBe(view.observe('name'));
    expect(view.observe('year')).not.toBe(view.observe('name'));
    // Another view object of the same entity has its own streams (views are shared per live entity anyway).
    expect(await ctx.get(SurfaceAlbum, view.id)).toBe(view);

    const names: string[] = [];
    const sub = view.observe('name').subscribe((n) => names.push(n));
    const changed = firstValueFrom(view.changes$);
    const renamed = firstValueFrom(view.observe('name').pipe(skip(1)));
    await albums.update(view.id, { name: 'Showbiz (remaster)' });
    expect((await changed).name).toBe('Showbiz (remaster)');
    expect(await renamed).toBe('Showbiz (remaster)');
    sub.unsubscribe();
    expect(names).toEqual(['Showbiz', 'Showbiz (remaster)']);
  });

  it('gives read-only Observables and readonly items arrays on live queries', async () => {
    const q = node.context().query(SurfaceAlbum, 'true ORDER BY name');
    await q.loaded;
    for (const o of [q.items$, q.changes$]) expect('next' in o).toBe(false);
    const shared = node.context().sharedQuery(SurfaceAlbum, 'true');
    expect('next' in shared.items$).toBe(false);
    const items: readonly View<SurfaceAlbum>[] = q.items;
    expect(() => {
      // @ts-expect-error -- items is a readonly array (tsc --noEmit checks this line), frozen at run time too
      items.push(items[0]!);
    }).toThrow(TypeError);
    const grown = firstValueFrom(q.items$.pipe(filter((i) => i.length === 1)));
    await node.context().collection(SurfaceAlbum).create({ name: 'Drones', year: 2015 });
    expect((await grown).map((a) => a.name)).toEqual(['Drones']);
    q.unsubscribe();
  });
});
