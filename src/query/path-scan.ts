import { type Path } from './ast';

/** Resolves a reference: given the id a path walked into and the field that held it, the referenced entity's values. */
export type Deref = (id: string, field: string) => Readonly<Record<string, unknown>> | undefined;

/** Options for walking paths through references in memory. */
export interface PathOptions {
  /** Called when a path continues past a string (a reference id), e.g. `label.name`; absent means "reads as missing". */
  readonly deref?: Deref;
}

/** A leaf satisfied the test. */
export const MATCH = 1;
/** Non-null values were reached but none satisfied the test. */
export const MISS = 0;
/** The path reached no non-null value: it is null or missing (an array at the end counts as a value). */
export const NOTHING = 2;

/** Outcome of scanning a path. */
export type ScanResult = typeof MATCH | typeof MISS | typeof NOTHING;

/** Tests one leaf value reached by a path. */
export type LeafTest = (value: unknown) => boolean;

/**
 * Walks `keys` from index `i` into `value`, expanding arrays anywhere on the way and at the end,
 * and reports whether some leaf passed `test` (the "any element matches" rule for JSON arrays).
 */
export function scan(value: unknown, keys: Path, i: number, test: LeafTest, deref?: Deref): ScanResult {
  if (value === null || value === undefined) return NOTHING;
  if (Array.isArray(value)) {
    let result: ScanResult = i === keys.length ? MISS : NOTHING;
    for (const element of value as readonly unknown[]) {
      const r = scan(element, keys, i, test, deref);
      if (r === MATCH) return MATCH;
      if (r === MISS) result = MISS;
    }
    return result;
  }
  if (i === keys.length) return test(value) ? MATCH : MISS;
  const key = keys[i] as string;
  if (typeof value === 'object') {
    return scan(own(value, key), keys, i + 1, test, deref);
  }
  if (typeof value === 'string' && deref !== undefined && i > 0) {
    return scan(deref(value, keys[i - 1] as string), keys, i, test, deref);
  }
  return NOTHING;
}

/** The single value at a path for ordering: objects are walked by key, arrays are not expanded. */
export function valueAt(record: unknown, keys: Path, deref?: Deref): unknown {
  let value = record;
  for (let i = 0; i < keys.length; i++) {
    if (typeof value === 'string' && deref !== undefined && i > 0)
      value = deref(value, keys[i - 1] as string);
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
    value = own(value, keys[i] as string);
  }
  return value;
}

/** Reads an own property only, so paths like `constructor` or `__proto__` read as missing. */
export function own(value: object, key: string): unknown {
  return Object.hasOwn(value, key) ? (value as Readonly<Record<string, unknown>>)[key] : undefined;
}
