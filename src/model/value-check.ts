import { ValidationError } from '../errors/errors';
import { type FieldMeta } from './model-meta';
import { isPlainObject } from './plain-object';

/** A JSON-compatible value as kept in entity state (dates as ISO strings, refs as ids). */
export type StoredValue =
  | null
  | boolean
  | number
  | string
  | readonly StoredValue[]
  | { readonly [k: string]: StoredValue };

function fail(model: string, field: string, constraint: string, message: string): never {
  throw ValidationError.field(model, field, constraint, message);
}

/**
 * The deepest nesting of arrays and objects a `@Json` value may have. Values travel inside frames a few levels
 * deep, under the default wire limit of 64 levels, and every engine then reads them back alike.
 */
export const MAX_JSON_DEPTH = 32;

/** The key that would replace an object's prototype when assigned; refused in JSON values. */
const PROTO_KEY = '__proto__';

/**
 * Copies a JSON value, rejecting functions, cycles, non-finite numbers, dates, class instances (of any realm),
 * `__proto__` keys and nesting deeper than MAX_JSON_DEPTH; `-0` becomes `0` (as JSON text and SQL engines
 * keep it). Plain objects and arrays from another realm (iframe, worker, `node:vm`) are accepted.
 */
export function toJsonValue(
  model: string,
  field: string,
  value: unknown,
  depth = 0,
  seen = new Set<object>(),
): StoredValue {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(model, field, 'isJson', `${String(value)} is not a finite number`);
    return value === 0 ? 0 : value;
  }
  if (typeof value !== 'object') {
    return fail(model, field, 'isJson', `a ${typeof value} is not serialisable; use JSON values only`);
  }
  if (Object.prototype.toString.call(value) === '[object Date]') {
    fail(
      model,
      field,
      'isJson',
      'a Date inside a JSON value would be stored as a string and read back as one. Fix: store date.toISOString(), or declare a @Field() of type date',
    );
  }
  if (depth >= MAX_JSON_DEPTH) {
    fail(
      model,
      field,
      'isJson',
      `the value is nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects. Fix: flatten it, or store the deep part as a JSON string`,
    );
  }
  if (seen.has(value)) fail(model, field, 'isJson', 'the value contains a cycle');
  seen.add(value);
  try {
    if (Array.isArray(value)) {
      return value.map((v: unknown) =>
        v === undefined ? null : toJsonValue(model, field, v, depth + 1, seen),
      );
    }
    if (!isPlainObject(value)) {
      fail(model, field, 'isJson', 'only plain objects, arrays and scalars are serialisable');
    }
    if (Object.prototype.hasOwnProperty.call(value, PROTO_KEY)) {
      fail(
        model,
        field,
        'isJson',
        `the key '${PROTO_KEY}' is not allowed in a JSON value (it would replace an object's prototype wherever the value is copied). Fix: rename the key`,
      );
    }
    const out: Record<string, StoredValue> = {};
    for (const [k, v] of Object.entries(value)) {
      if (v !== undefined) out[k] = toJsonValue(model, field, v, depth + 1, seen);
    }
    return out;
  } finally {
    seen.delete(value);
  }
}

function isoDate(model: string, field: string, value: Date): string {
  if (Number.isNaN(value.getTime())) fail(model, field, 'isDate', 'the Date is invalid');
  return value.toISOString();
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

function wrongType(model: string, field: FieldMeta, value: unknown, expected: string): never {
  return fail(
    model,
    field.name,
    `is${expected}`,
    `expected ${expected.toLowerCase()}, got ${describe(value)}`,
  );
}

/** Checks and normalises a value for a declared field; throws ValidationError naming the field. */
export function checkFieldValue(model: string, field: FieldMeta, value: unknown): StoredValue {
  if (value === undefined || value === null) {
    if (!field.optional && field.type !== 'text') {
      fail(
        model,
        field.name,
        'isDefined',
        `${field.name} is required; declare it { optional: true } to allow null`,
      );
    }
    return null;
  }
  switch (field.type) {
    case 'string':
    case 'text':
      return typeof value === 'string' ? value : wrongType(model, field, value, 'String');
    // -0 is stored as 0: JSON text and SQL engines cannot keep the sign, so every engine reads back 0.
    case 'number':
      return typeof value === 'number' && Number.isFinite(value)
        ? value === 0
          ? 0
          : value
        : wrongType(model, field, value, 'Number');
    case 'integer':
      return Number.isSafeInteger(value)
        ? (value as number) === 0
          ? 0
          : (value as number)
        : wrongType(model, field, value, 'Integer');
    case 'boolean':
      return typeof value === 'boolean' ? value : wrongType(model, field, value, 'Boolean');
    case 'date':
      if (value instanceof Date) return isoDate(model, field.name, value);
      return typeof value === 'string' && !Number.isNaN(Date.parse(value))
        ? new Date(value).toISOString()
        : wrongType(model, field, value, 'Date');
    case 'ref':
      if (typeof value === 'string') return value;
      if (typeof value === 'object' && typeof (value as { id?: unknown }).id === 'string') {
        return (value as { id: string }).id;
      }
      return wrongType(model, field, value, 'Ref');
    case 'json':
      return toJsonValue(model, field.name, value);
  }
}

/** Converts a stored value back to what a view returns for the field (dates become Date objects). */
export function fromStoredValue(field: FieldMeta | undefined, value: unknown): unknown {
  if (value === undefined) return field?.type === 'text' ? '' : undefined;
  if (field?.type === 'date' && typeof value === 'string') return new Date(value);
  return value;
}
