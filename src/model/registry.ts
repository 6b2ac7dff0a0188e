import { MetadataError, NotFoundError, type MetadataProblem } from '../errors/errors';
import { FIELD_TYPES, type FieldType } from './field-type';
import { COLLECTION_NAME_RULE, FIELD_NAME, RESERVED_COLLECTION_PREFIX, isCollectionName } from './names';
import { type FieldMeta, type ModelClass, type ModelMeta } from './model-meta';
import { reservedFieldNames } from './reserved-names';

/** What a field decorator records before `@Model` validates the whole class. */
export interface PendingField {
  readonly kind: 'field' | 'text' | 'json' | 'ref';
  readonly name: string;
  readonly type: FieldType | undefined;
  readonly optional: boolean;
  readonly index: boolean;
  readonly designType: unknown;
  readonly onMethod: boolean;
  readonly symbolKey?: boolean;
  readonly ref?: () => ModelClass;
}

const pendingByPrototype = new WeakMap<object, PendingField[]>();
const metaByClass = new WeakMap<ModelClass, ModelMeta>();
const classByCollection = new Map<string, ModelClass>();

/** Records one decorated field on a class prototype; called by the field decorators. */
export function recordField(prototype: object, field: PendingField): void {
  const list = pendingByPrototype.get(prototype) ?? [];
  list.push(field);
  pendingByPrototype.set(prototype, list);
}

const DESIGN_TYPES = new Map<unknown, FieldType>([
  [String, 'string'],
  [Number, 'number'],
  [Boolean, 'boolean'],
  [Date, 'date'],
]);

function resolveType(model: string, f: PendingField, problems: MetadataProblem[]): FieldType | undefined {
  if (f.type !== undefined) {
    if (!FIELD_TYPES.includes(f.type)) {
      problems.push({
        model,
        field: f.name,
        problem: `unsupported type '${String(f.type)}'`,
        fix: `use one of ${FIELD_TYPES.filter((t) => t !== 'text' && t !== 'ref').join(', ')}`,
      });
      return undefined;
    }
    return f.type;
  }
  const inferred = DESIGN_TYPES.get(f.designType);
  if (inferred) return inferred;
  const seen = typeof f.designType === 'function' ? (f.designType as { name: string }).name : 'unknown';
  problems.push({
    model,
    field: f.name,
    problem: `cannot infer the field type from its TypeScript type (${seen})`,
    fix:
      f.designType === undefined
        ? `import 'reflect-metadata' once at the program's entry (before any model) with emitDecoratorMetadata on, or pass the type: @Field({ type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json' })`
        : seen === 'Array' || seen === 'Object'
          ? `use @Json() for structured values, or @Field({ type: 'string' | 'number' | 'integer' | 'boolean' | 'date' })`
          : `pass it explicitly: @Field({ type: 'string' | 'number' | 'integer' | 'boolean' | 'date' | 'json' })`,
  });
  return undefined;
}

function inheritedPending(ctor: ModelClass): PendingField[] {
  const chain: PendingField[][] = [];
  for (let proto: unknown = ctor.prototype; proto && proto !== Object.prototype; ) {
    const own = pendingByPrototype.get(proto);
    if (own) chain.unshift(own);
    proto = Object.getPrototypeOf(proto);
  }
  return chain.flat();
}

function buildFields(model: string, ctor: ModelClass, problems: MetadataProblem[]): Map<string, FieldMeta> {
  const fields = new Map<string, FieldMeta>();
  for (const f of inheritedPending(ctor)) {
    if (f.onMethod) {
      problems.push({
        model,
        field: f.name,
        problem: 'a field decorator is applied to a method or accessor',
        fix: 'decorate a plain property (`name!: string`), or remove the decorator',
      });
      continue;
    }
    const clash = f.symbolKey ? undefined : reservedFieldNames().get(f.name);
    if (clash !== undefined) {
      problems.push({
        model,
        field: f.name,
        problem: `'${f.name}' is a reserved name (${clash}): the field would hide it, or it would hide the field`,
        fix: `rename the property (reserved names: ${[...reservedFieldNames().keys()].join(', ')})`,
      });
      continue;
    }
    if (f.symbolKey || !FIELD_NAME.test(f.name)) {
      problems.push({
        model,
        field: f.name,
        problem: `'${f.name}' cannot be a field name (a symbol, or not an identifier of at most 128 characters)`,
        fix: 'rename the property to a plain identifier',
      });
      continue;
    }
    if (fields.has(f.name)) {
      problems.push({
        model,
        field: f.name,
        problem: 'the field is decorated twice',
        fix: 'keep exactly one of @Field, @Text, @Json or @Ref on it',
      });
      continue;
    }
    const type = resolveType(model, f, problems);
    if (!type) continue;
    fields.set(f.name, {
      name: f.name,
      type,
      backend: type === 'text' ? 'text' : 'lww',
      optional: f.optional,
      index: f.index,
      ref: f.ref,
    });
  }
  return fields;
}

/** Validates a decorated class and registers it; throws one MetadataError listing every problem. */
export function registerModel(ctor: ModelClass, collection?: string): ModelMeta {
  const model = ctor.name || 'AnonymousModel';
  const problems: MetadataProblem[] = [];
  const name = collection ?? model.toLowerCase();
  if (!isCollectionName(name) || name.startsWith(RESERVED_COLLECTION_PREFIX)) {
    problems.push({
      model,
      problem: `'${name}' is not a valid collection name`,
      fix: `use ${COLLECTION_NAME_RULE}, not starting with '${RESERVED_COLLECTION_PREFIX}'`,
    });
  }
  const other = classByCollection.get(name);
  if (other && other !== ctor) {
    problems.push({
      model,
      problem: `collection '${name}' is already registered by ${other.name}`,
      fix: `name one of them explicitly: @Model('${name}_2')`,
    });
  }
  const fields = buildFields(model, ctor, problems);
  if (fields.size === 0 && problems.length === 0) {
    problems.push({
      model,
      problem: 'the model declares no fields',
      fix: 'decorate its properties with @Field()',
    });
  }
  if (problems.length > 0) throw new MetadataError(problems);
  const meta: ModelMeta = { ctor, name: model, collection: name, fields };
  metaByClass.set(ctor, meta);
  classByCollection.set(name, ctor);
  return meta;
}

/** The registered metadata of a model class, or NotFoundError naming the fix. */
export function modelMeta(ctor: ModelClass): ModelMeta {
  const meta = metaByClass.get(ctor);
  if (!meta) throw NotFoundError.model(typeof ctor === 'function' ? ctor.name : String(ctor));
  return meta;
}

/** The registered metadata of a model class, or undefined. */
export function findModelMeta(ctor: unknown): ModelMeta | undefined {
  return typeof ctor === 'function' ? metaByClass.get(ctor as ModelClass) : undefined;
}
