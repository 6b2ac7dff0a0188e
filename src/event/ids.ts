import { incrementBase32, ulid } from 'ulid';
import { CausalError } from '../errors/causal-error';

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

/**
 * How far ahead of the local clock an event id may be dated, by default: a durable node refuses remote events
 * dated further ahead (NodeOptions.maxClockSkewMs), and observeId ignores such ids whatever a node's setting.
 */
export const DEFAULT_MAX_CLOCK_SKEW_MS = 5 * 60_000;

/** The greatest 26-character Crockford base32 string: no id sorts after it. */
export const MAX_ID = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';

const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DIGIT = new Int8Array(128).fill(-1);
for (let i = 0; i < ENCODING.length; i++) DIGIT[ENCODING.charCodeAt(i)] = i;

/**
 * The time an id is dated, in milliseconds since the epoch, read from its first 10 characters. Never throws:
 * ids past ULID's 48-bit range (first character above '7', such as `ZZZ…`) give times beyond any clock, and
 * a string that is not a ULID gives Infinity.
 */
export function idTime(id: string): number {
  if (id.length !== 26) return Infinity;
  let t = 0;
  for (let i = 0; i < 10; i++) {
    const d = DIGIT[id.charCodeAt(i)] ?? -1;
    if (d < 0) return Infinity;
    t = t * 32 + d;
  }
  return t;
}

/** The current time of the id source, in milliseconds since the epoch (the system clock outside simulations). */
export function clockNow(): number {
  return source.now();
}

/** True when the id is dated at most DEFAULT_MAX_CLOCK_SKEW_MS ahead of the id source's clock. */
function withinSkew(id: string): boolean {
  return idTime(id) - source.now() <= DEFAULT_MAX_CLOCK_SKEW_MS;
}

/**
 * Mints a ULID that is strictly greater than every id this process minted or observed before. Never throws:
 * the ids it must exceed are at most DEFAULT_MAX_CLOCK_SKEW_MS ahead of the clock (see observeId).
 */
export function newId(): string {
  let id = ulid(source.now(), source.random);
  if (id <= last) id = incrementBase32(last);
  last = id;
  return id;
}

/**
 * Mints an id for an event with these parents: greater than each of them, even when their authors' clocks ran
 * ahead of ours. Event ids therefore sort parents-first, which bounds every causal walk (see lineage.ts).
 * After a parent dated beyond the skew bound the id is the least one after that parent (dated at most 1 ms
 * later); it does not move this process's clock, so other ids stay close to the real time. The only failure:
 * a parent equal to MAX_ID, after which no id exists (CausalError; durable nodes refuse such ids).
 */
export function newIdAfter(parents: readonly string[]): string {
  let id = newId();
  let floor = '';
  for (const p of parents) if (p > floor) floor = p;
  if (id > floor) return id;
  if (floor === MAX_ID || !isUlid(floor)) {
    throw CausalError.noIdAfter(floor);
  }
  id = incrementBase32(floor);
  if (withinSkew(id)) last = id;
  return id;
}

/**
 * Notes an id minted elsewhere (a head this node loaded, an event it stored), so that ids minted here
 * afterwards sort after it even when the other node's clock runs ahead. Ids dated more than
 * DEFAULT_MAX_CLOCK_SKEW_MS ahead of the clock are ignored: one forged or badly clocked id must not drag every
 * later id into the future (nor to the end of the id space, where minting would fail). Edits still sort
 * after their parents: transactions mint with newIdAfter.
 */
export function observeId(id: string): void {
  if (id > last && isUlid(id) && withinSkew(id)) last = id;
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
