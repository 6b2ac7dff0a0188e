import { firstValueFrom } from 'rxjs';
import {
  AccessDeniedError,
  ChangeSet,
  type Context,
  LiveQuery,
  MemoryStorage,
  Node,
  PermissiveAgent,
  type PolicyAgent,
  QuerySyntaxError,
} from 'ankurah';
import { Album } from '../../fixtures/models';
import { createAlbums, editAlbums, names, next, record } from './support';
import { internals } from '../../fixtures/internals';

describe('LiveQuery (API.md "Live queries and pub/sub")', () => {
  let node: Node;
  let ctx: Context;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [Album] });
    ctx = node.context();
  });
  afterEach(() => node.close());

  it('loads, lists items in query order and replays them to late items$ subscribers', async () => {
    await createAlbums(ctx, [
      { name: 'b', year: 1990 },
      { name: 'a', year: 1991 },
      { name: 'old', year: 1980 },
    ]);
    const q = ctx.query(Album, 'year > 1985 ORDER BY name LIMIT 10');
    expect(q).toBeInstanceOf(LiveQuery);
    expect(q.items).toEqual([]);
    const first = next(q.items$);
    await q.loaded;
    expect(names(q.items)).toEqual(['a', 'b']);
    expect(names((await first)[0]!)).toEqual(['a', 'b']);
    const late = await firstValueFrom(q.items$);
    expect(late).toBe(q.items);
    const after = next(q.items$, 1, 1);
    await createAlbums(ctx, [{ name: 'c', year: 2000 }]);
    expect(names((await after)[0]!)).toEqual(['a', 'b', 'c']);
  });

  it('gives a first items$ subscriber after several changes the current items, then completes it', async () => {
    await createAlbums(ctx, [{ name: 'a', year: 1990 }]);
    const q = ctx.query(Album, 'year > 1985 ORDER BY name');
    await q.loaded;
    await createAlbums(ctx, [{ name: 'b', year: 1991 }]);
    await createAlbums(ctx, [{ name: 'c', year: 1992 }]);
    const seen: string[][] = [];
    let completed = false;
    q.items$.subscribe({ next: (items) => seen.push(names(items)), complete: () => (completed = true) });
    expect(seen).toEqual([['a', 'b', 'c']]);
    await createAlbums(ctx, [{ name: 'd', year: 1993 }]);
    expect(seen).toEqual([
      ['a', 'b', 'c'],
      ['a', 'b', 'c', 'd'],
    ]);
    q.unsubscribe();
    expect(completed).toBe(true);
  });

  it('delivers the initial ChangeSet first, immediately when already loaded', async () => {
    await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
    const q = ctx.query(Album, 'year > 2000');
    await q.loaded;
    const sets = record(q);
    expect(sets.map((s) => [s.initial, ...s.kinds])).toEqual([[true, 'initial a']]);
    expect(sets[0]?.set).toBeInstanceOf(ChangeSet);
    await createAlbums(ctx, [{ name: 'b', year: 2002 }]);
    expect(sets.map((s) => [s.initial, ...s.kinds])).toEqual([
      [true, 'initial a'],
      [false, 'add b'],
    ]);
    expect(String(sets[1]?.set)).toMatch(
      /^ChangeSet\(1 change, 2 items\)\n {2}\+ album \w{26} \{.*"name":"b"/,
    );
  });

  it('emits nothing for a commit that does not change the result, one ChangeSet for a commit of many', async () => {
    const q = ctx.query(Album, 'year = 2001');
    const sets = record(q);
    await q.loaded;
    await createAlbums(ctx, [{ name: 'x', year: 1999 }]);
    await createAlbums(ctx, [
      { name: 'a', year: 2001 },
      { name: 'b', year: 2001 },
      { name: 'c', year: 2001 },
    ]);
    expect(sets.map((s) => s.kinds)).toEqual([[], ['add a', 'add b', 'add c']]);
  });

  it('updates the selection in place and emits only the difference', async () => {
    await createAlbums(ctx, [
      { name: 'a', year: 1990 },
      { name: 'b', year: 2001 },
      { name: 'c', year: 2005 },
    ]);
    const q = ctx.query(Album, 'year > 1985 ORDER BY name');
    const sets = record(q);
    await q.loaded;
    await q.update('year > ?', 2000);
    expect(sets.map((s) => [s.initial, ...s.kinds])).toEqual([
      [true, 'initial a', 'initial b', 'initial c'],
      [false, 'remove a'],
    ]);
    expect(names(q.items)).toEqual(['b', 'c']);
    await createAlbums(ctx, [{ name: 'd', year: 1995 }]);
    expect(sets).toHaveLength(2);
    expect(() => q.update('year >')).toThrow(QuerySyntaxError);
  });

  it('completes on unsubscribe and emits nothing afterwards', async () => {
    const q = ctx.query(Album, 'true');
    const sets = record(q);
    await q.loaded;
    const itemsDone = firstValueFrom(q.items$.pipe(), { defaultValue: null });
    let completed = false;
    q.subscribe({ complete: () => (completed = true) });
    const watches = internals(node).reactor.size;
    q.unsubscribe();
    expect(completed).toBe(true);
    expect(internals(node).reactor.size).toBe(watches - 1);
    await itemsDone;
    await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
    expect(sets).toHaveLength(1);
    expect(q.closed).toBe(true);
    let lateCompleted = false;
    q.items$.subscribe({
      next: () => fail('no emission after unsubscribe'),
      complete: () => (lateCompleted = true),
    });
    expect(lateCompleted).toBe(true);
  });

  it('completes every live query when the node closes', async () => {
    const q = ctx.query(Album, 'true');
    await q.loaded;
    const done = new Promise<void>((resolve) => q.items$.subscribe({ complete: resolve }));
    await node.close();
    await done;
    expect(q.closed).toBe(true);
  });

  it('reports a throwing subscriber on node.errors$ and still serves the others and the commit', async () => {
    const errors: Error[] = [];
    node.errors$.subscribe((e) => errors.push(e));
    const q = ctx.query(Album, 'true');
    q.subscribe((c) => {
      if (!c.initial) throw new Error('subscriber bug');
    });
    q.items$.subscribe((items) => {
      if (items.length > 0) throw new Error('items$ bug');
    });
    const sets = record(q);
    await q.loaded;
    await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
    expect(errors.map((e) => e.message).sort()).toEqual(['items$ bug', 'subscriber bug']);
    expect(sets.map((s) => s.kinds)).toEqual([[], ['add a']]);
    expect(names(await ctx.fetch(Album, 'true'))).toEqual(['a']);
  });

  it('reports a failed load as an error notification and rejects loaded', async () => {
    const permissive = new PermissiveAgent();
    const noReads: PolicyAgent = {
      authenticate: (h) => permissive.authenticate(h),
      canAccessCollection: (_ctx, _collection, access) => access !== 'read',
      filterPredicate: () => null,
      checkEvent: () => true,
    };
    const guarded = await Node.durable(new MemoryStorage(), { models: [Album], policy: noReads });
    const q = guarded.context().query(Album, 'true');
    const error = new Promise<unknown>((resolve) => q.items$.subscribe({ error: resolve }));
    await expect(q.loaded).rejects.toBeInstanceOf(AccessDeniedError);
    expect(await error).toBeInstanceOf(AccessDeniedError);
    await guarded.close();
  });

  it('applies the policy filter to live updates', async () => {
    const permissive = new PermissiveAgent();
    const ownOnly: PolicyAgent = {
      authenticate: (h) => permissive.authenticate(h),
      canAccessCollection: () => true,
      filterPredicate: (ctx) => `artist = '${String(ctx['user'])}'`,
      checkEvent: () => true,
    };
    const n = await Node.durable(new MemoryStorage(), { models: [Album], policy: ownOnly });
    const mine = n.context({ user: 'me' });
    const q = mine.query(Album, 'year > 2000');
    await q.loaded;
    await createAlbums(mine, [
      { name: 'mine', year: 2001, artist: 'me' },
      { name: 'theirs', year: 2001, artist: 'them' },
    ]);
    expect(names(q.items)).toEqual(['mine']);
    await n.close();
  });

  it('throws QuerySyntaxError at once for a malformed selection', () => {
    expect(() => ctx.query(Album, 'year >')).toThrow(QuerySyntaxError);
  });

  it('ctx.subscribe resolves once loaded, after the initial ChangeSet; collection.query works too', async () => {
    await createAlbums(ctx, [{ name: 'Origin of Symmetry', year: 2001 }]);
    const seen: string[] = [];
    const sub = await ctx.subscribe(Album, "name = 'Origin of Symmetry'", (changes) =>
      seen.push(String(changes)),
    );
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('= album');
    const byParam = await ctx.subscribe(Album, 'year = ?', 2001, () => undefined);
    expect(names(byParam.items)).toEqual(['Origin of Symmetry']);
    sub.unsubscribe();
    byParam.unsubscribe();
    const q = ctx.collection(Album).query('year = ?', 2001);
    await q.loaded;
    expect(names(q.items)).toEqual(['Origin of Symmetry']);
  });

  it('updates results on text edits and keeps views shared with ctx.get', async () => {
    const [id] = await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
    const q = ctx.query(Album, 'true');
    const sets = record(q);
    await q.loaded;
    const trx = ctx.begin();
    (await trx.edit(Album, id as string)).text('notes').insert(0, 'hello');
    await trx.commit();
    expect(sets.map((s) => s.kinds)).toEqual([['initial a'], ['update a']]);
    expect(q.items[0]).toBe(await ctx.get(Album, id!));
    expect(q.items[0]?.notes).toBe('hello');
  });
});

describe('View.changes$ and View.observe', () => {
  it('emits on every applied change, and observe(field) only when that field changes', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    const ctx = node.context();
    const [id] = await createAlbums(ctx, [{ name: 'a', year: 2001 }]);
    const view = await ctx.get(Album, id!);
    const changes: number[] = [];
    const years: number[] = [];
    view.changes$.subscribe((v) => changes.push(v.year));
    view.observe('year').subscribe((y) => years.push(y));
    await editAlbums(ctx, { [id!]: { name: 'b' } });
    await editAlbums(ctx, { [id!]: { year: 2002 } });
    await editAlbums(ctx, { [id!]: { year: 2002, name: 'c' } });
    expect(changes).toEqual([2001, 2002, 2002]);
    expect(years).toEqual([2001, 2002]);
    let completed = false;
    view.observe('name').subscribe({ complete: () => (completed = true) });
    await node.close();
    expect(completed).toBe(true);
  });
});
