import {
  filter,
  firstValueFrom,
  from,
  map,
  observable,
  take,
  toArray,
  type InteropObservable,
  type Observable,
} from 'rxjs';
import { ChangeSet, MemoryStorage, Node, type LiveQuery, type SharedQuery } from 'ankurah';
import { Album } from '../fixtures/models';
import { addAlbum } from '../integration/sync/harness';

// API.md says a LiveQuery is an RxJS interop Observable (`from(q)`, `q.pipe(...)`), but `from(q)` threw
// "You provided an invalid object where a stream was expected" and `q.pipe` did not exist.
describe('regression: a LiveQuery is an RxJS interop Observable', () => {
  let node: Node;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [Album] });
    await addAlbum(node, 'Showbiz', 1999);
  });
  afterEach(() => node.close());

  it('from(q) gives its ChangeSets, the initial one first', async () => {
    const q = node.context().query(Album, 'year > 1990');
    const sets = firstValueFrom(from(q).pipe(take(2), toArray()));
    await q.loaded;
    await addAlbum(node, 'Drones', 2015);
    const [initial, added] = await sets;
    expect(initial).toBeInstanceOf(ChangeSet);
    expect(initial?.initial).toBe(true);
    expect(initial?.items.map((a) => a.name)).toEqual(['Showbiz']);
    expect(added?.changes.map((c) => `${c.kind} ${c.view.name}`)).toEqual(['add Drones']);
    q.unsubscribe();
  });

  it('q.pipe(...) applies operators to the ChangeSets, typed', async () => {
    const q = node.context().query(Album, 'year > 1990 ORDER BY name');
    const names$: Observable<string[]> = q.pipe(
      filter((c) => !c.initial),
      map((c) => c.items.map((a) => a.name)),
    );
    const next = firstValueFrom(names$);
    await q.loaded;
    await addAlbum(node, 'Absolution', 2003);
    expect(await next).toEqual(['Absolution', 'Showbiz']);
    q.unsubscribe();
  });

  it('answers under the key RxJS uses, and completes with unsubscribe', async () => {
    const q: LiveQuery<Album> = node.context().query(Album, 'true');
    const interop: InteropObservable<ChangeSet<Album>> = q;
    expect(typeof (interop as unknown as Record<string | symbol, unknown>)[observable]).toBe('function');
    const all = firstValueFrom(from(q).pipe(toArray()));
    await q.loaded;
    q.unsubscribe();
    expect((await all).map((c) => c.initial)).toEqual([true]);
  });

  it('a SharedQuery is one too', async () => {
    const shared: SharedQuery<Album> = node.context().sharedQuery(Album, 'true');
    const first = await firstValueFrom(from(shared));
    expect(first.items.map((a) => a.name)).toEqual(['Showbiz']);
    const names = await firstValueFrom(shared.pipe(map((c) => c.items.length)));
    expect(names).toBe(1);
  });
});
