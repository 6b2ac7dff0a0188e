import { type FieldType } from './field-type';

/** A model class; views and mutables are built on its prototype, never by calling it. */
export type ModelClass<M extends object = object> = abstract new (...args: never[]) => M;

/** How a field's state changes and merges. */
export type BackendKind = 'lww' | 'text';

/** The registered description of one field. */
export interface FieldMeta {
  readonly name: string;
  readonly type: FieldType;
  readonly backend: BackendKind;
  readonly optional: boolean;
  readonly index: boolean;
  /** For `ref` fields: the referenced model, resolved lazily to allow cycles. */
  readonly ref?: (() => ModelClass) | undefined;
}

/** The registered description of one model. */
export interface ModelMeta {
  readonly ctor: ModelClass;
  readonly name: string;
  readonly collection: string;
  readonly fields: ReadonlyMap<string, FieldMeta>;
}
