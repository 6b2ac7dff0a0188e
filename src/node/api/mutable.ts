import { type FieldKeys, type TextKeys } from '../../model/field-keys';
import { type FieldMeta, type ModelClass, type ModelMeta } from '../../model/model-meta';
import { type MutableMemberName } from '../../model/reserved-names';
import { fromStoredValue } from '../../model/value-check';

/** Edits one collaborative text field inside a transaction. */
export interface TextHandle {
  insert(index: number, content: string): void;
  delete(index: number, length: number): void;
  /** Replaces the whole content. */
  replace(content: string): void;
  toString(): string;
  readonly length: number;
}

/** What a mutable reads and writes through: its transaction's private fork of the entity. */
export interface MutableSource {
  readonly id: string;
  readonly collection: string;
  value(field: string): unknown;
  set(field: string, value: unknown): void;
  text(field: string): TextHandle;
}

/** Members every mutable has in addition to the model's fields. */
export interface MutableMembers<M> {
  readonly id: string;
  readonly collection: string;
  /** The text editor of a `@Text` field. */
  text<K extends TextKeys<M>>(field: K): TextHandle;
  /** Sets a declared field by name. */
  set<K extends FieldKeys<M>>(field: K, value: M[K]): void;
  /** Reads a declared field by name. */
  get<K extends FieldKeys<M>>(field: K): M[K];
}

/** A transaction-scoped writable face of an entity: the model's fields, settable until commit/rollback. */
export type Mutable<M> = M & MutableMembers<M>;

/** Its constructor returns the object it is given, so that a subclass can add a private field to any object. */
class Stamp {
  constructor(target: object) {
    return target;
  }
}

/**
 * Gives a mutable its source in a private field: hidden from reflection and copies as a non-enumerable symbol
 * property would be, and far cheaper to add than one (Object.defineProperty takes V8's slow path).
 */
class SourceStamp extends Stamp {
  readonly #source: MutableSource;

  constructor(target: object, source: MutableSource) {
    super(target);
    this.#source = source;
  }

  static of(v: unknown): MutableSource {
    return (v as SourceStamp).#source;
  }
}

const src = (v: unknown): MutableSource => SourceStamp.of(v);

function fieldProperty(f: FieldMeta): PropertyDescriptor {
  return {
    get(this: unknown) {
      return fromStoredValue(f, src(this).value(f.name));
    },
    set(this: unknown, value: unknown) {
      src(this).set(f.name, value);
    },
    enumerable: true,
  };
}

const prototypes = new WeakMap<ModelMeta, object>();

function mutablePrototype(meta: ModelMeta): object {
  let proto = prototypes.get(meta);
  if (!proto) {
    // Typed by the reserved member names, so a member added here without reserving its name fails to compile.
    const members: Record<MutableMemberName, PropertyDescriptor> = {
      id: {
        get: function (this: unknown) {
          return src(this).id;
        },
      },
      collection: {
        get: function (this: unknown) {
          return src(this).collection;
        },
      },
      text: {
        value: function (this: unknown, field: string) {
          return src(this).text(field);
        },
      },
      set: {
        value: function (this: unknown, field: string, v: unknown) {
          src(this).set(field, v);
        },
      },
      get: {
        value: function (this: unknown, field: string) {
          return fromStoredValue(meta.fields.get(field), src(this).value(field));
        },
      },
    };
    const props: PropertyDescriptorMap = { ...members };
    for (const f of meta.fields.values()) props[f.name] = fieldProperty(f);
    proto = Object.create((meta.ctor as ModelClass).prototype as object, props) as object;
    prototypes.set(meta, proto);
  }
  return proto;
}

/** Builds a mutable on the model's prototype without running its constructor. */
export function createMutable<M extends object>(meta: ModelMeta, source: MutableSource): Mutable<M> {
  const m = new SourceStamp(Object.create(mutablePrototype(meta)) as object, source);
  return Object.seal(m) as unknown as Mutable<M>;
}
