import * as z from 'zod';
import { clockOf } from '../event/clock';
import { fromBase64 } from '../event/codec';
import { COLLECTION_NAME, COLLECTION_NAME_RULE, FIELD_NAME } from '../model/names';
import { isPlainObject } from '../model/plain-object';

// zod was chosen over class-validator for frames: it validates plain decoded data without classes, infers
// the TypeScript types from one declaration, and reports every problem of a frame in one message.

/** Field names that could reach an object's prototype. */
export const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
/** A ULID (shared with the fast validators, like the patterns below). */
export const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;
/** A collection name (the rule of model registration and storage). */
export const COLLECTION = COLLECTION_NAME;
/** A field name (reserved names are refused separately). */
export const FIELD = FIELD_NAME;
/** Base64 text (its length must also be a multiple of 4). */
export const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** A 26-character ULID (event and entity ids). */
export const ulidSchema = z.string().regex(ULID, 'expected a 26-character ULID');

/** A collection name: an identifier that is also safe as a SQL table name. */
export const collectionSchema = z
  .string()
  .regex(COLLECTION, `expected a collection name (${COLLECTION_NAME_RULE})`);

/** A field name: an identifier, never one that could reach an object's prototype. */
export const fieldSchema = z
  .string()
  .regex(FIELD, 'expected a field name')
  .refine((k) => !RESERVED.has(k), 'reserved field name');

/** Binary data, or the same bytes as base64 (how states and events travel to skip binary attachments). */
export const wireBytesSchema = z
  .custom<
    Uint8Array | ArrayBuffer | string
  >((v) => v instanceof Uint8Array || v instanceof ArrayBuffer || (typeof v === 'string' && v.length % 4 === 0 && BASE64.test(v)), 'expected binary data or base64')
  .transform((v) =>
    typeof v === 'string'
      ? fromBase64(v)
      : v instanceof Uint8Array
        ? new Uint8Array(v)
        : new Uint8Array(v.slice(0)),
  );

/** A clock: event ids, normalised to a sorted, duplicate-free list. */
export const clockSchema = z
  .array(ulidSchema)
  .max(1024)
  .transform((ids) => clockOf(ids));

/**
 * True when a decoded value is JSON: checked without recursion (a hostile value cannot overflow the stack).
 * Plain objects of any realm pass; a `__proto__` key does not (it would replace a prototype when copied).
 */
export function isJson(value: unknown): boolean {
  const stack: unknown[] = [value];
  while (stack.length > 0) {
    const v = stack.pop();
    if (v === null || typeof v === 'string' || typeof v === 'boolean') continue;
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return false;
    } else if (Array.isArray(v)) {
      for (const x of v as unknown[]) stack.push(x);
    } else if (isPlainObject(v) && !Object.prototype.hasOwnProperty.call(v, '__proto__')) {
      for (const x of Object.values(v)) stack.push(x);
    } else return false;
  }
  return true;
}

/** A JSON value (field values are JSON in entity state); several times faster than z.json() on states. */
export const jsonSchema = z.custom<JsonValue>(isJson, 'expected a JSON value');

/** A JSON value. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** An event as it travels: text operations are binary Yjs updates. */
export const eventSchema = z
  .strictObject({
    id: ulidSchema,
    entityId: ulidSchema,
    collection: collectionSchema,
    parents: clockSchema,
    operations: z.strictObject({
      lww: z.record(fieldSchema, jsonSchema).optional(),
      text: z.record(fieldSchema, wireBytesSchema).optional(),
      delete: z.literal(true).optional(),
    }),
  })
  .refine((e) => (e.parents.length === 0) === (e.id === e.entityId), {
    message: 'a creation event has no parents and its id is the entity id; no other event may',
  });

/** An entity's full state as a durable peer sends it. */
export const stateSchema = z.object({
  id: ulidSchema,
  collection: collectionSchema,
  head: clockSchema,
  deleted: z.boolean(),
  deletedBy: ulidSchema.optional(),
  tombstones: z.array(ulidSchema).max(1024).optional(),
  lww: z.record(fieldSchema, z.array(z.tuple([jsonSchema, ulidSchema]))),
  text: z.record(fieldSchema, wireBytesSchema),
  values: z.record(fieldSchema, jsonSchema),
});

/** An entity named by collection and id. */
export const refSchema = z.strictObject({ collection: collectionSchema, id: ulidSchema });

/** States the caller may see, and entities it must drop. */
export const remoteStatesSchema = z.object({
  states: z.array(stateSchema),
  gone: z.array(refSchema),
  seq: z.number().int().nonnegative().optional(),
  events: z.array(eventSchema).optional(),
});

/** An entity the caller holds, with the head of its copy. */
export const heldSchema = z.strictObject({ id: ulidSchema, head: clockSchema });
