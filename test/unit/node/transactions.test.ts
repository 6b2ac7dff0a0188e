import 'reflect-metadata';
import {
  Field,
  MemoryStorage,
  Model,
  Node,
  NotFoundError,
  TransactionClosedError,
  ValidationError,
} from 'ankurah';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';

@Model('trx_guarded')
class Guarded {
  @Field() name!: string;
  constructor() {
    throw new Error('views and mutables must not run the constructor');
  }
}

describe('transactions on one node', () => {
  let node: Node;
  beforeEach(async () => {
    node = await Node.durable(new MemoryStorage(), { models: [Album, Guarded] });
  });
  afterEach(() => node.close());

  const seed = async (): Promise<string> => {
    const trx = node.context().begin();
    const m = await trx.create(Album, { name: 'Seed', artist: 'A', year: 2000 });
    await trx.commit();
    return m.id;
  };

  it('keeps edits invisible to other readers until commit resolves', async () => {
    const id = await seed();
    const ctx = node.context();
    const view = await ctx.get(Album, id);
    const trx = ctx.begin();
    const m = await trx.edit(view);
    m.name = 'Changed';
    expect(m.name).toBe('Changed');
    expect(view.name).toBe('Seed');
    expect((await ctx.fetch(Album, "name = 'Changed'")).length).toBe(0);
    await trx.commit();
    expect(view.name).toBe('Changed');
  });

  it('commits all entities or none', async () => {
    const ctx = node.context();
    const trx = ctx.begin();
    await trx.create(Album, { name: 'Good', artist: 'A', year: 2000 });
    await trx.create(Album, { name: 'Bad', artist: 'A', year: 1000 });
    await expect(trx.commit()).rejects.toBeInstanceOf(ValidationError);
    expect(await ctx.fetch(Album, 'true')).toHaveLength(0);
    expect(await internals(node).storage.collections()).toContain('album');
  });

  it('rolls back', async () => {
    const id = await seed();
    const ctx = node.context();
    const trx = ctx.begin();
    (await trx.edit(Album, id)).year = 1999;
    trx.rollback();
    expect((await ctx.get(Album, id)).year).toBe(2000);
    await expect(trx.commit()).rejects.toBeInstanceOf(TransactionClosedError);
    expect(() => trx.rollback()).toThrow(TransactionClosedError);
  });

  it('refuses any use after commit', async () => {
    const ctx = node.context();
    const trx = ctx.begin();
    const m = await trx.create(Album, { name: 'X', artist: 'A', year: 2000 });
    await trx.commit();
    await expect(trx.create(Album, { name: 'Y', artist: 'A', year: 2000 })).rejects.toThrow(
      TransactionClosedError,
    );
    await expect(trx.edit(Album, m.id)).rejects.toThrow(TransactionClosedError);
    expect(() => m.text('notes').insert(0, 'x')).toThrow(TransactionClosedError);
    expect(() => {
      m.name = 'late';
    }).toThrow(/already committed/);
    expect(m.id).toHaveLength(26);
  });

  it('gives NotFoundError for missing and deleted entities, and for a failed get', async () => {
    const id = await seed();
    const ctx = node.context();
    await expect(ctx.begin().edit(Album, '01ARZ3NDEKTSV4RRFFQ69G5FAV')).rejects.toBeInstanceOf(NotFoundError);
    const del = ctx.begin();
    await del.delete(Album, id);
    await del.commit();
    await expect(ctx.begin().edit(Album, id)).rejects.toBeInstanceOf(NotFoundError);
    await expect(ctx.get(Album, id)).rejects.toThrow(`No album entity with id ${id}`);
    expect((await ctx.history(Album, id)).at(-1)?.operations.delete).toBe(true);
  });

  it('rejects invalid values immediately, naming the field, and changes nothing', async () => {
    const id = await seed();
    const ctx = node.context();
    const trx = ctx.begin();
    const m = await trx.edit(Album, id);
    expect(() => {
      (m as { year: unknown }).year = 'nineteen';
    }).toThrow(/Album\.year.*expected number/s);
    expect(() => {
      (m as { meta: unknown }).meta = { f: () => 1 };
    }).toThrow(/Album\.meta.*function/s);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => {
      (m as { meta: unknown }).meta = cyclic;
    }).toThrow(/cycle/);
    // @ts-expect-error: a field the model does not declare is refused by the types too
    expect(() => m.set('nmae', 'x')).toThrow(/declares no field 'nmae'/);
    await expect(trx.create(Album, { name: 'x' } as never)).rejects.toThrow(/artist.*required/s);
    await trx.commit();
    expect((await ctx.history(Album, id)).length).toBe(1);
  });

  it('rejects an unknown model class', async () => {
    class NotAModel {}
    await expect(node.context().begin().create(NotAModel, {})).rejects.toBeInstanceOf(NotFoundError);
    await expect(node.context().fetch(NotAModel, 'true')).rejects.toThrow(/not a registered model/);
  });

  it('builds read-only views on the model prototype without running its constructor', async () => {
    const ctx = node.context();
    const trx = ctx.begin();
    const m = await trx.create(Guarded, { name: 'safe' });
    expect(m).toBeInstanceOf(Guarded);
    await trx.commit();
    const view = await ctx.get(Guarded, m.id);
    expect(view).toBeInstanceOf(Guarded);
    expect(view.name).toBe('safe');
    expect(() => {
      (view as { name: string }).name = 'x';
    }).toThrow(/View is read-only.*trx\.edit/s);
  });

  it('keeps one live instance per entity', async () => {
    const id = await seed();
    const ctx = node.context();
    const a = await ctx.get(Album, id);
    const [b] = await ctx.fetch(Album, 'true');
    expect(b).toBe(a);
  });

  it('merges concurrent transactions on the same entity field by field', async () => {
    const id = await seed();
    const ctx = node.context();
    const t1 = ctx.begin();
    const t2 = ctx.begin();
    (await t1.edit(Album, id)).name = 'From t1';
    (await t2.edit(Album, id)).year = 2010;
    await t1.commit();
    await t2.commit();
    const v = await ctx.get(Album, id);
    expect([v.name, v.year]).toEqual(['From t1', 2010]);
    expect(v.head).toHaveLength(2);
  });
});
