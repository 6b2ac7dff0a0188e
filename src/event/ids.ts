import { monotonicFactory } from 'ulid';

const POOL = 4096;
const pool = new Uint32Array(POOL);
let next = POOL;

/** Uniform floats in [0, 1) from a buffered Web Crypto source (ulid's default asks crypto once per character). */
function bufferedRandom(): number {
  if (next >= POOL) {
    globalThis.crypto.getRandomValues(pool);
    next = 0;
  }
  return (pool[next++] as number) / 0x1_0000_0000;
}

const factory = monotonicFactory(bufferedRandom);

/** Mints a ULID that is strictly greater than every id this process minted before. */
export function newId(): string {
  return factory();
}

/** True when the value is a 26-character Crockford base32 ULID. */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
