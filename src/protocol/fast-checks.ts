import { fromBase64 } from '../event/codec';
import { isPlainObject } from '../model/plain-object';
import { BASE64, COLLECTION, FIELD, RESERVED, ULID } from './wire-schemas';

// Hand-written checks for the fast validators (fast-states, fast-requests): the same rules as the zod
// schemas in wire-schemas.ts, on plain decoded data only.

/** A plain decoded object. */
export type Obj = Record<string, unknown>;

/** The longest clock a frame may carry. */
export const MAX_CLOCK = 1024;

/** True for a plain object (of any realm: a frame may have been copied by another realm's structuredClone). */
export function isPlain(v: unknown): v is Obj {
  return isPlainObject(v);
}

/** True for a ULID string. */
export function isUlid(v: unknown): v is string {
  return typeof v === 'string' && ULID.test(v);
}

/** True for a collection name. */
export function isCollection(v: unknown): v is string {
  return typeof v === 'string' && COLLECTION.test(v);
}

/** True for a field name that cannot reach a prototype. */
export function isField(k: string): boolean {
  return FIELD.test(k) && !RESERVED.has(k);
}

/** True for a list of at most MAX_CLOCK ULIDs (normalise it with clockOf). */
export function isClock(v: unknown): v is string[] {
  if (!Array.isArray(v) || v.length > MAX_CLOCK) return false;
  for (const x of v as unknown[]) if (!isUlid(x)) return false;
  return true;
}

/** The bytes of binary data or base64 text (a copy), or undefined for anything else. */
export function bytesOf(b: unknown): Uint8Array | undefined {
  if (typeof b === 'string') return b.length % 4 === 0 && BASE64.test(b) ? fromBase64(b) : undefined;
  return b instanceof Uint8Array ? new Uint8Array(b) : undefined;
}
