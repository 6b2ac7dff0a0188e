/**
 * True for a plain object from any realm (this one, another iframe, worker or `node:vm` context, or the realm
 * whose `structuredClone` made it): its tag is `[object Object]` and its prototype is null or some realm's
 * `Object.prototype` (an object whose own prototype is null). Class instances, dates, maps and arrays are not.
 */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  if (Object.prototype.toString.call(value) !== '[object Object]') return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === null || Object.getPrototypeOf(proto) === null;
}
