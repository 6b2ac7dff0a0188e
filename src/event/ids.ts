import { incrementBase32, ulid } from 'ulid';

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

/** Where ids take their time and randomness from; simulations substitute a seeded one to replay runs exactly. */
export interface IdSource {
  /** Milliseconds since the epoch. */
  now(): number;
  /** A uniform float in [0, 1). */
  random(): number;
}

const systemSource: IdSource = { now: () => Date.now(), random: bufferedRandom };
let source = systemSource;
let last = '';

/** Mints a ULID that is strictly greater than every id this process minted before. */
export function newId(): string {
  let id = ulid(source.now(), source.random);
  if (id <= last) id = incrementBase32(last);
  last = id;
  return id;
}

/**
 * Mints an id for an event with these parents: greater than each of them, even when their authors' clocks ran
 * ahead of ours. Event ids therefore sort parents-first, which bounds every causal walk (see lineage.ts).
 */
export function newIdAfter(parents: readonly string[]): string {
  let id = newId();
  let floor = '';
  for (const p of parents) if (p > floor) floor = p;
  if (id <= floor) {
    id = incrementBase32(floor);
    last = id;
  }
  return id;
}

/**
 * Notes an id minted elsewhere (a head this node loaded or received), so that ids minted here afterwards sort
 * after it even when the other node's clock runs ahead: local events then always sort after their parents.
 */
export function observeId(id: string): void {
  if (id > last && isUlid(id)) last = id;
}

/** Makes newId draw from `s` (seeded simulations) until the returned function restores the system source. */
export function useIdSource(s: IdSource): () => void {
  const savedLast = last;
  source = s;
  last = '';
  return () => {
    source = systemSource;
    if (savedLast > last) last = savedLast;
  };
}

/** True when the value is a 26-character Crockford base32 ULID. */
export function isUlid(value: unknown): value is string {
  return typeof value === 'string' && /^[0-9A-HJKMNP-TV-Z]{26}$/.test(value);
}
