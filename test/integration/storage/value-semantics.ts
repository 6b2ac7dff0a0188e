import 'reflect-metadata';
import { Field, Json, Model, Node, Text, ValidationError, type Context } from 'ankurah';
import { type StorageEngine } from '../../../src/storage/engine';

@Model('value_semantics')
class Sample {
  @Field() name!: string;
  @Field({ optional: true }) n?: number;
  @Text() notes?: string;
  @Json() data?: unknown;
}

/** The engine, shared with the rest of the contract: closing the node leaves it open. */
function shared(engine: StorageEngine): StorageEngine {
  return new Proxy(engine, {
    get(target, key) {
      if (key === 'close') return async () => undefined;
      const v: unknown = Reflect.get(target, key, target);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

function nested(depth: number): unknown {
  let v: unknown = 'leaf';
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : { k: v };
  return v;
}

/** The validation error of creating a Sample with `data` (undefined when the create succeeded). */
async function refusedData(ctx: Context, data: unknown): Promise<ValidationError | undefined> {
  const trx = ctx.begin();
  try {
    await trx.create(Sample, { name: 'refused', data });
    await trx.commit();
    return undefined;
  } catch (e) {
    if (trx.open) trx.rollback();
    if (e instanceof ValidationError) return e;
    throw e;
  }
}

/**
 * Values whose answer must not depend on the engine (issue 13, items 14 and 17), through a durable node on
 * the contract's engine: empty text, -0 and the JSON values that are refused.
 */
export function valueSemantics(engine: () => StorageEngine): void {
  describe('one value semantics on every engine', () => {
    let node: Node;
    let ctx: Context;
    beforeAll(async () => {
      node = await Node.durable(shared(engine()), { models: [Sample] });
      ctx = node.context();
    });
    afterAll(() => node?.close());

    const names = async (sel: string, ...params: unknown[]): Promise<string[]> =>
      (await ctx.fetch(Sample, `(${sel}) AND name != 'refused' ORDER BY name`, ...params)).map((s) => s.name);

    test("an existing @Text field is '' (never null): in views, toJSON, fetch, live queries", async () => {
      const samples = ctx.collection(Sample);
      const omitted = await samples.create({ name: 't-omitted' });
      await samples.create({ name: 't-blank', notes: '' });
      await samples.create({ name: 't-full', notes: 'x' });
      const cleared = await samples.create({ name: 't-cleared', notes: 'y' });
      await samples.edit(cleared.id, (m) => {
        m.notes = '';
      });
      const live = ctx.query(Sample, "notes = '' AND name >= 't-' ORDER BY name");
      await live.loaded;
      expect(omitted.notes).toBe('');
      expect(omitted.toJSON()).toEqual(expect.objectContaining({ notes: '' }));
      expect((await samples.get(omitted.id)).toJSON()['notes']).toBe('');
      const empty = ['t-blank', 't-cleared', 't-omitted'];
      expect(await names("notes = '' AND name >= 't-'")).toEqual(empty);
      expect(await names("notes IS NULL AND name >= 't-'")).toEqual([]);
      expect(await names("notes IS NOT NULL AND name >= 't-'")).toEqual([...empty, 't-full'].sort());
      expect(await names("notes < 'a' AND name >= 't-'")).toEqual(empty);
      expect(live.items.map((s) => s.name)).toEqual(empty);
      live.unsubscribe();
    });

    test('-0 is stored as 0, in fields and inside JSON', async () => {
      const v = await ctx.collection(Sample).create({ name: 'z-neg', n: -0, data: { x: -0, l: [-0] } });
      expect(Object.is(v.n, 0)).toBe(true);
      const back = await ctx.get(Sample, v.id);
      expect(Object.is(back.n, 0)).toBe(true);
      expect(Object.is((back.data as { x: number }).x, 0)).toBe(true);
      expect(Object.is((back.data as { l: number[] }).l[0], 0)).toBe(true);
      expect(JSON.stringify(back.toJSON())).toContain('"n":0');
      expect(await names("n = 0 AND name = 'z-neg'")).toEqual(['z-neg']);
      expect(await names("n = ? AND name = 'z-neg'", -0)).toEqual(['z-neg']);
      expect(await names("n < 0 AND name = 'z-neg'")).toEqual([]);
      expect(await names("data.x = 0 AND name = 'z-neg'")).toEqual(['z-neg']);
    });

    test("a '__proto__' key in @Json is refused, naming the field; nothing is polluted", async () => {
      const hostile = JSON.parse('{"a": 1, "__proto__": {"polluted": true}}') as unknown;
      const deep = JSON.parse('{"ok": [{"__proto__": {"polluted": true}}]}') as unknown;
      for (const data of [hostile, deep]) {
        const e = await refusedData(ctx, data);
        expect(e?.message).toMatch(/Sample\.data \(isJson\): the key '__proto__' is not allowed/);
      }
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
      expect(await names('true AND name = ?', 'refused')).toEqual([]);
      // Other keys that name Object.prototype members are plain data.
      const v = await ctx
        .collection(Sample)
        .create({ name: 'j-keys', data: { constructor: 1, toString: 'x' } });
      expect((await ctx.get(Sample, v.id)).data).toEqual({ constructor: 1, toString: 'x' });
    });

    test('a Date inside @Json is refused with a ValidationError naming the field and the fix', async () => {
      for (const data of [new Date(0), { when: new Date(0) }, [new Date(0)]]) {
        const e = await refusedData(ctx, data);
        expect(e?.message).toMatch(/Sample\.data \(isJson\): a Date inside a JSON value.*toISOString/);
      }
    });

    test('JSON nested deeper than 32 levels is a ValidationError (no RangeError); 32 levels round-trip', async () => {
      for (const depth of [33, 5_000, 100_000]) {
        const e = await refusedData(ctx, nested(depth));
        expect(e?.message).toMatch(/Sample\.data \(isJson\): the value is nested deeper than 32 levels/);
      }
      const v = await ctx.collection(Sample).create({ name: 'j-deep', data: nested(32) });
      expect((await ctx.get(Sample, v.id)).data).toEqual(nested(32));
      expect(await names("name = 'j-deep' AND data.k IS NOT NULL")).toEqual(['j-deep']);
    });
  });
}
