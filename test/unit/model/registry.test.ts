import 'reflect-metadata';
import { Field, Json, MetadataError, Model, NotFoundError, Ref, Text, modelMeta } from 'ankurah';

function metadataError(fn: () => unknown): MetadataError {
  try {
    fn();
  } catch (e) {
    if (e instanceof MetadataError) return e;
    throw e;
  }
  throw new Error('expected a MetadataError');
}

describe('model registration', () => {
  it('records field kinds from options, decorators and design:type', () => {
    @Model('reg_song')
    class Song {
      @Field() title!: string;
      @Field({ type: 'integer', index: true }) track!: number;
      @Field() length!: number;
      @Field() live!: boolean;
      @Field() released!: Date;
      @Field({ optional: true }) rating?: number;
      @Text() lyrics!: string;
      @Json() meta?: { tags: string[] };
      @Ref(() => Song) next?: string;
    }
    const meta = modelMeta(Song);
    expect(meta.collection).toBe('reg_song');
    const types = Object.fromEntries([...meta.fields.values()].map((f) => [f.name, f.type]));
    expect(types).toEqual({
      title: 'string',
      track: 'integer',
      length: 'number',
      live: 'boolean',
      released: 'date',
      rating: 'number',
      lyrics: 'text',
      meta: 'json',
      next: 'ref',
    });
    expect(meta.fields.get('track')?.index).toBe(true);
    expect(meta.fields.get('lyrics')?.backend).toBe('text');
    expect(meta.fields.get('rating')?.optional).toBe(true);
  });

  it('names the collection after the class by default', () => {
    @Model()
    class RegPlaylist {
      @Field() name!: string;
    }
    expect(modelMeta(RegPlaylist).collection).toBe('regplaylist');
  });

  it('reports every problem of a model in one MetadataError', () => {
    const err = metadataError(() => {
      @Model('reg_broken')
      class Broken {
        @Field() tags!: string[];
        @Field() anything!: string | number;
        @Field({ type: 'float' as 'number' }) weird!: number;
        @Field() id!: string;
        @Field() method(): void {}
      }
      return Broken;
    });
    const fields = err.problems.map((p) => p.field).sort();
    expect(fields).toEqual(['anything', 'id', 'method', 'tags', 'weird']);
    expect(err.message).toContain('Broken.tags');
    expect(err.message).toContain('@Json()');
    expect(err.message).toContain('Fix:');
    expect(err.code).toBe('METADATA');
  });

  it('refuses a duplicate collection name', () => {
    @Model('reg_dup')
    class First {
      @Field() a!: string;
    }
    const err = metadataError(() => {
      @Model('reg_dup')
      class Second {
        @Field() b!: string;
      }
      return Second;
    });
    expect(First).toBeDefined();
    expect(err.message).toContain("collection 'reg_dup' is already registered by First");
  });

  it('refuses a model without fields and an invalid collection name', () => {
    expect(() => {
      @Model('reg_empty')
      class Empty {}
      return Empty;
    }).toThrow(/declares no fields/);
    expect(() => {
      @Model('bad name!')
      class BadName {
        @Field() a!: string;
      }
      return BadName;
    }).toThrow(/not a valid collection name/);
  });

  it('gives NotFoundError for an unregistered class', () => {
    class Plain {}
    expect(() => modelMeta(Plain)).toThrow(NotFoundError);
    expect(() => modelMeta(Plain)).toThrow(/decorate it with @Model/);
  });
});
