import 'reflect-metadata';
import { Field, MemoryStorage, MetadataError, Model, Node } from 'ankurah';
import { reservedFieldNames } from '../../src/model/reserved-names';

function registrationError(define: () => unknown): MetadataError {
  try {
    define();
  } catch (e) {
    if (e instanceof MetadataError) return e;
    throw e;
  }
  throw new Error('expected a MetadataError');
}

/** Defines (and registers) a model whose one field has the given name. */
function modelWith(field: string, collection: string): unknown {
  class Dyn {}
  Field({ type: 'string' })(Dyn.prototype, field);
  return Model(collection)(Dyn);
}

describe('field names that views or mutables already use', () => {
  const names = ['deleted', 'toJSON', 'get', 'set', 'text', 'observe', 'head', 'changes$', 'id'];
  const inherited = ['toString', 'valueOf', 'hasOwnProperty', 'constructor', 'prototype'];

  it.each([...names, ...inherited])(
    '%s is refused at registration, naming Model.field and the fix',
    (name) => {
      const e = registrationError(() => modelWith(name, `reserved_${name.replace(/\W/g, '_')}`));
      expect(e.problems.map((p) => p.field)).toEqual([name]);
      expect(e.message).toContain(`Dyn.${name}: '${name}' is a reserved name`);
      expect(e.message).toContain('Fix: rename the property');
    },
  );

  it('the reserved set is exactly what views and mutables are made of (plus Object.prototype)', async () => {
    @Model('reserved_probe')
    class Probe {
      @Field() x!: string;
    }
    const node = await Node.durable(new MemoryStorage(), { models: [Probe] });
    const ctx = node.context();
    const trx = ctx.begin();
    const m = await trx.create(Probe, { x: 'a' });
    await trx.commit();
    const view = await ctx.get(Probe, m.id);
    const own = (o: object): string[] =>
      Object.getOwnPropertyNames(Object.getPrototypeOf(o) as object).filter((n) => n !== 'x');
    const reserved = reservedFieldNames();
    const members = new Set([...own(view), ...own(m)]);
    for (const n of members) expect({ n, reserved: reserved.has(n) }).toEqual({ n, reserved: true });
    for (const n of Object.getOwnPropertyNames(Object.prototype)) expect(reserved.has(n)).toBe(true);
    for (const n of reserved.keys()) {
      const member = members.has(n) || n in Object.prototype || n === 'prototype';
      expect({ n, member }).toEqual({ n, member: true });
    }
    expect(view.toJSON()).toEqual({ id: m.id, x: 'a' });
    expect(view.deleted).toBe(false);
    await node.close();
  });
});
