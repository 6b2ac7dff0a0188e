/**
 * The name rules for collections and fields, shared by model registration, the wire validators and every
 * storage engine, so a name one part accepts is never refused by another.
 */

/**
 * A collection name: an ASCII letter or '_', then letters, digits or '_', at most 48 characters in all. Every
 * engine derives table and index names from it (`<name>_events`, `<name>__mismatch_idx`), which must fit
 * Postgres's 63-byte identifiers.
 */
export const COLLECTION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,47}$/;

/** The rule of COLLECTION_NAME in words, for error messages. */
export const COLLECTION_NAME_RULE =
  "letters, digits and '_', not starting with a digit, at most 48 characters";

/** Collections whose names start with this belong to Ankurah itself (the outbox); models may not take them. */
export const RESERVED_COLLECTION_PREFIX = '_ankurah';

/** A field name: a Unicode identifier (letters, marks, digits, '_', '$'), at most 128 characters. */
export const FIELD_NAME = /^[\p{L}_$][\p{L}\p{M}\p{N}_$]{0,127}$/u;

/** True when `name` may name a collection in storage and on the wire. */
export function isCollectionName(name: string): boolean {
  return COLLECTION_NAME.test(name);
}
