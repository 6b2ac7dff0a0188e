import { viewMemberNames } from './view';

/** The members every mutable has besides the model's fields; node/mutable.ts builds its prototype from them. */
export const MUTABLE_MEMBER_NAMES = ['id', 'collection', 'text', 'set', 'get'] as const;

/** A member of every mutable. */
export type MutableMemberName = (typeof MUTABLE_MEMBER_NAMES)[number];

let reserved: ReadonlyMap<string, string> | undefined;

/**
 * The names a field may not take, each with what it collides with, derived from what views and mutables are made of: their own members (a
 * field would hide `view.deleted` or `mutable.set`), the members of `Object.prototype` they inherit
 * (`toString`, `__proto__`), and `prototype` (refused on the wire).
 */
export function reservedFieldNames(): ReadonlyMap<string, string> {
  if (!reserved) {
    const out = new Map<string, string>();
    for (const n of Object.getOwnPropertyNames(Object.prototype)) out.set(n, 'a member of every object');
    out.set('prototype', 'refused on the wire');
    for (const n of MUTABLE_MEMBER_NAMES) out.set(n, 'a member of every mutable');
    for (const n of viewMemberNames()) out.set(n, 'a member of every view');
    reserved = out;
  }
  return reserved;
}
