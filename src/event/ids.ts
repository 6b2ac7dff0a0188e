import { monotonicFactory } from 'ulid';

const factory = monotonicFactory();

/** Mints a ULID that is strictly greater than every id this process minted before. */
export function newId(): string {
  return factory();
}

/** True when the value is a 26-character Crockford base32 ULID. */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
