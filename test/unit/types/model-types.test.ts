import 'reflect-metadata';
import { expectTypeOf } from 'expect-type';
import { type CreateData, type Mutable, type TextHandle, type Transaction } from 'ankurah';
import { type FieldKeys, type TextKeys } from '../../../src/model/field-keys';
import { Album } from '../../fixtures/models';

// Type-level tests: tsc (and typecheck.test.ts) fail when a line here stops compiling, or when a
// `@ts-expect-error` line starts to compile. `m` and `trx` exist only for the type checker: no line reads them.

declare const m: Mutable<Album>;
declare const trx: Transaction;

describe('model types', () => {
  test('FieldKeys: data fields only, no getters or methods', () => {
    expectTypeOf<FieldKeys<Album>>().toEqualTypeOf<
      'name' | 'artist' | 'year' | 'rating' | 'notes' | 'meta' | 'label'
    >();
  });

  test('TextKeys: the string fields', () => {
    expectTypeOf<TextKeys<Album>>().toEqualTypeOf<'name' | 'artist' | 'notes' | 'label'>();
  });

  test('CreateData: required fields required, `?` fields optional, no getters or methods', () => {
    expectTypeOf<{ name: string; artist: string; year: number }>().toExtend<CreateData<Album>>();
    expectTypeOf<{ name: string; artist: string; year: number; rating: number; notes: string }>().toExtend<
      CreateData<Album>
    >();
    expectTypeOf<{ name: string; artist: string }>().not.toExtend<CreateData<Album>>();
    expectTypeOf<CreateData<Album>>().not.toHaveProperty('title');
    expectTypeOf<CreateData<Album>>().not.toHaveProperty('isClassic');
  });

  test('Transaction.create checks its data against the model', () => {
    const misuse = (): void => {
      // @ts-expect-error: year is required
      void trx.create(Album, { name: 'x', artist: 'y' });
      // @ts-expect-error: year is a number
      void trx.create(Album, { name: 'x', artist: 'y', year: '1999' });
      // @ts-expect-error: title is a getter
      void trx.create(Album, { name: 'x', artist: 'y', year: 1999, title: 't' });
      // @ts-expect-error: the data is required when some field is
      void trx.create(Album);
    };
    const create = (): ReturnType<typeof trx.create<Album>> =>
      trx.create(Album, { name: 'x', artist: 'y', year: 1999 });
    expectTypeOf(create).returns.resolves.toEqualTypeOf<Mutable<Album>>();
    expect(typeof misuse).toBe('function');
  });

  test('Mutable: text, set and get keyed by the model', () => {
    const misuse = (): void => {
      // @ts-expect-error: rating is not a text field
      m.text('rating');
      // @ts-expect-error: not a field of Album
      m.text('nmae');
      // @ts-expect-error: year is a number
      m.set('year', '1999');
      // @ts-expect-error: not a field of Album
      m.set('nmae', 'x');
      // @ts-expect-error: not a field of Album
      m.get('nmae');
      // @ts-expect-error: title is a getter, not a field
      m.set('title', 'x');
    };
    type M = Mutable<Album>;
    expectTypeOf<Parameters<M['text']>[0]>().toEqualTypeOf<'name' | 'artist' | 'notes' | 'label'>();
    expectTypeOf<ReturnType<M['text']>>().toEqualTypeOf<TextHandle>();
    expectTypeOf<ReturnType<typeof m.get<'year'>>>().toEqualTypeOf<number>();
    expectTypeOf<ReturnType<typeof m.get<'rating'>>>().toEqualTypeOf<number | undefined>();
    expectTypeOf<Parameters<typeof m.set<'year'>>>().toEqualTypeOf<['year', number]>();
    expect(typeof misuse).toBe('function');
  });
});
