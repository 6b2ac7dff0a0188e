import { type Observable, distinctUntilChanged, map, startWith } from 'rxjs';
import { type FieldMeta, type ModelClass, type ModelMeta } from './model-meta';
import { fromStoredValue } from './value-check';
import { UsageError } from '../errors/usage-error';

/** What a view reads through: the live entity behind it. */
export interface ViewSource {
  readonly id: string;
  readonly collection: string;
  readonly head: readonly string[];
  readonly deleted: boolean;
  /** The stored value of a field (undefined when absent). */
  value(field: string): unknown;
  /** Every field's stored value, including fields the model does not declare. */
  values(): Readonly<Record<string, unknown>>;
  /** Emits after every applied change; completes when the node closes. */
  readonly changed$: Observable<void>;
}

/** The symbol under which a view keeps its source. */
export const VIEW_SOURCE: unique symbol = Symbol('ankurah.view');

/** Members every view has in addition to the model's fields. */
export interface ViewMembers<M> {
  readonly id: string;
  readonly collection: string;
  readonly head: readonly string[];
  readonly deleted: boolean;
  readonly changes$: Observable<View<M>>;
  observe<K extends keyof M & string>(field: K): Observable<M[K]>;
  /** A field by name, declared or not (entities are schema-less underneath). */
  get(field: string): unknown;
  toJSON(): Record<string, unknown>;
}

/** A read-only, live view of an entity: an instance of the model class whose fields read the entity. */
export type View<M> = Readonly<M> & ViewMembers<M>;

type ViewInternals = { readonly [VIEW_SOURCE]: ViewSource };

function readOnly(meta: ModelMeta, field: string): never {
  throw UsageError.viewReadOnly(meta.name, field);
}

function fieldProperty(meta: ModelMeta, f: FieldMeta): PropertyDescriptor {
  return {
    get(this: ViewInternals) {
      return fromStoredValue(f, this[VIEW_SOURCE].value(f.name));
    },
    set() {
      readOnly(meta, f.name);
    },
    enumerable: true,
    configurable: false,
  };
}

/*
 * A view's `changes$` and `observe(field)` are memoised (the same Observable on every read): Angular's change
 * detection re-reads bindings like `view.observe('name') | async`, and a new Observable each time would make
 * the async pipe resubscribe on every check. Views are frozen, so the streams live beside them.
 */
const changeStreams = new WeakMap<object, Observable<unknown>>();
const fieldStreams = new WeakMap<object, Map<string, Observable<unknown>>>();

function memberProperties(meta: ModelMeta): PropertyDescriptorMap {
  const src = (v: unknown): ViewSource => (v as ViewInternals)[VIEW_SOURCE];
  const texts = [...meta.fields.values()].filter((f) => f.type === 'text').map((f) => f.name);
  return {
    id: {
      get: function (this: unknown) {
        return src(this).id;
      },
      set() {
        readOnly(meta, 'id');
      },
    },
    collection: {
      get: function (this: unknown) {
        return src(this).collection;
      },
    },
    head: {
      get: function (this: unknown) {
        return src(this).head;
      },
    },
    deleted: {
      get: function (this: unknown) {
        return src(this).deleted;
      },
    },
    changes$: {
      get: function (this: object) {
        let o = changeStreams.get(this);
        if (!o) changeStreams.set(this, (o = src(this).changed$.pipe(map(() => this))));
        return o;
      },
    },
    observe: {
      value: function (this: object, field: string) {
        let byField = fieldStreams.get(this);
        if (!byField) fieldStreams.set(this, (byField = new Map<string, Observable<unknown>>()));
        let o = byField.get(field);
        if (!o) {
          const s = src(this);
          const f = meta.fields.get(field);
          o = s.changed$.pipe(
            startWith(undefined),
            map(() => s.value(field)),
            distinctUntilChanged(),
            map((v) => fromStoredValue(f, v)),
          );
          byField.set(field, o);
        }
        return o;
      },
    },
    get: {
      value: function (this: unknown, field: string) {
        return fromStoredValue(meta.fields.get(field), src(this).value(field));
      },
    },
    toJSON: {
      value: function (this: unknown) {
        const out: Record<string, unknown> = { id: src(this).id, ...src(this).values() };
        // A text field reads '' when absent (an entity stored before its creation event recorded it).
        for (const f of texts) if (out[f] === undefined) out[f] = '';
        return out;
      },
    },
  };
}

/** The names of the members every view has besides the model's fields, read from what builds them. */
export function viewMemberNames(): string[] {
  const placeholder: ModelMeta = { ctor: class {}, name: '', collection: '', fields: new Map() };
  return Object.keys(memberProperties(placeholder));
}

const viewPrototypes = new WeakMap<ModelMeta, object>();

/** The shared prototype of a model's views: fields as getters, then the model's own prototype. */
function viewPrototype(meta: ModelMeta): object {
  let proto = viewPrototypes.get(meta);
  if (!proto) {
    const props: PropertyDescriptorMap = memberProperties(meta);
    for (const f of meta.fields.values()) props[f.name] = fieldProperty(meta, f);
    proto = Object.create((meta.ctor as ModelClass).prototype as object, props) as object;
    viewPrototypes.set(meta, proto);
  }
  return proto;
}

/** Builds a view without running the model's constructor. */
export function createView<M extends object>(meta: ModelMeta, source: ViewSource): View<M> {
  const view = Object.create(viewPrototype(meta)) as ViewInternals;
  Object.defineProperty(view, VIEW_SOURCE, { value: source });
  return Object.freeze(view) as unknown as View<M>;
}

/** The source behind a view, or undefined when the value is not a view. */
export function viewSource(value: unknown): ViewSource | undefined {
  return typeof value === 'object' && value !== null
    ? (value as Partial<ViewInternals>)[VIEW_SOURCE]
    : undefined;
}
