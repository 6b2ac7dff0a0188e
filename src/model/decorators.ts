import { type FieldType } from './field-type';
import { type ModelClass } from './model-meta';
import { recordField, registerModel, type PendingField } from './registry';

/** Options of `@Field()`. */
export interface FieldOptions {
  /** The value type; inferred from `design:type` when omitted. */
  readonly type?: Exclude<FieldType, 'text' | 'ref'>;
  /** The field may be absent or null. */
  readonly optional?: boolean;
  /** Create a storage index (and a reactor index) on this field. */
  readonly index?: boolean;
}

type PropertyDecorator = (target: object, key: string | symbol, descriptor?: PropertyDescriptor) => void;

function fieldDecorator(pending: Omit<PendingField, 'name' | 'designType' | 'onMethod'>): PropertyDecorator {
  return (target, key, descriptor) => {
    const designType: unknown = Reflect.getMetadata?.('design:type', target, key);
    recordField(target, {
      ...pending,
      name: typeof key === 'symbol' ? key.toString() : key,
      designType,
      onMethod: descriptor !== undefined,
      symbolKey: typeof key === 'symbol',
    });
  };
}

/** Marks a class as a model; its collection is the lower-cased class name unless named. */
export function Model(collection?: string): <C extends ModelClass>(ctor: C) => C {
  return (ctor) => {
    registerModel(ctor, collection);
    return ctor;
  };
}

/** A last-writer-wins field holding a scalar (or, with `type: 'json'`, a JSON value). */
export function Field(options: FieldOptions = {}): PropertyDecorator {
  return fieldDecorator({
    kind: 'field',
    type: options.type,
    optional: options.optional ?? false,
    index: options.index ?? false,
  });
}

/** A collaborative text field backed by a Yjs document: concurrent edits merge. */
export function Text(options: { optional?: boolean } = {}): PropertyDecorator {
  return fieldDecorator({ kind: 'text', type: 'text', optional: options.optional ?? true, index: false });
}

/** A JSON value, one last-writer-wins unit, queryable by path (`meta.tags`). */
export function Json(options: { optional?: boolean } = {}): PropertyDecorator {
  return fieldDecorator({ kind: 'json', type: 'json', optional: options.optional ?? true, index: false });
}

/** The id of another entity, queryable through the reference (`label.name`). */
export function Ref(
  model: () => ModelClass,
  options: { optional?: boolean; index?: boolean } = {},
): PropertyDecorator {
  return fieldDecorator({
    kind: 'ref',
    type: 'ref',
    ref: model,
    optional: options.optional ?? true,
    index: options.index ?? true,
  });
}
