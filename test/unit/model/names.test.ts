import 'reflect-metadata';
import { Field, MemoryStorage, MetadataError, Model, StorageError } from 'ankurah';
import { isCollectionName } from '../../../src/model/names';
import { collectionSchema, fieldSchema } from '../../../src/protocol/wire-schemas';

const longest = `c${'x'.repeat(47)}`;
const tooLong = `${longest}x`;

describe('one name rule for collections and fields', () => {
  it('registration, the wire and the memory engine agree on the longest collection name', async () => {
    expect(longest).toHaveLength(48);
    expect(isCollectionName(longest)).toBe(true);
    expect(isCollectionName(tooLong)).toBe(false);
    expect(collectionSchema.safeParse(longest).success).toBe(true);
    expect(collectionSchema.safeParse(tooLong).success).toBe(false);
    const storage = new MemoryStorage();
    await expect(storage.ensureCollection({ name: longest, columns: [] })).resolves.toBeUndefined();
    await expect(storage.ensureCollection({ name: tooLong, columns: [] })).rejects.toBeInstanceOf(
      StorageError,
    );
    expect(await storage.collections()).toEqual([longest]);
  });

  it('registration refuses a 49-character collection name and the characters SQL storage refuses', () => {
    for (const name of [tooLong, 'with-dash', 'with$dollar', '9lives', '_ankurah_mine']) {
      expect(() => {
        @Model(name)
        class Bad {
          @Field() a!: string;
        }
        return Bad;
      }).toThrow(MetadataError);
    }
  });

  it('registration refuses a field name the wire would refuse', () => {
    const name = 'f'.repeat(129);
    expect(fieldSchema.safeParse(name).success).toBe(false);
    class LongField {}
    Field({ type: 'string' })(LongField.prototype, name);
    expect(() => Model('names_long_field')(LongField)).toThrow(/not an identifier of at most 128 characters/);
  });
});
