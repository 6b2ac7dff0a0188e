import { encodeTime, incrementBase32 } from 'ulid';
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

/** Each half of an id's random part: 8 characters of 5 bits. */
const HALF = 2 ** 40;
const CODE = Uint8Array.from(ENCODING, (c) => c.charCodeAt(0));

// The id this process minted last, as numbers: its time and its random part in two 40-bit halves. While `last` is
// that id, the next one is the same number plus one (as ulid's monotonic factory does), computed without strings.
let minted = '';
let mintedTime = 0;
let hi = 0;
let lo = 0;
// The first 18 characters of the ids dated `prefixTime` with `prefixHi`, as character codes.
let prefixTime = -1;
let prefixHi = -1;
const prefix = new Uint8Array(18);

/** Writes the 8 characters of a 40-bit number into `out` from `at` (in two 20-bit parts: integer operations). */
function half(n: number, out: Uint8Array, at: number): void {
  const a = Math.floor(n / 2 ** 20);
  const b = n - a * 2 ** 20;
  out[at] = CODE[a >>> 15] as number;
  out[at + 1] = CODE[(a >>> 10) & 31] as number;
  out[at + 2] = CODE[(a >>> 5) & 31] as number;
  out[at + 3] = CODE[a & 31] as number;
  out[at + 4] = CODE[b >>> 15] as number;
  out[at + 5] = CODE[(b >>> 10) & 31] as number;
  out[at + 6] = CODE[(b >>> 5) & 31] as number;
  out[at + 7] = CODE[b & 31] as number;
}

const tail = new Uint8Array(8);

/** The ULID of `mintedTime`, `hi` and `lo` (encodeTime throws for a time outside ULID's range, as ulid does). */
function encode(): string {
  if (mintedTime !== prefixTime) {
    const t = encodeTime(mintedTime, 10);
    for (let i = 0; i < 10; i++) prefix[i] = t.charCodeAt(i);
    prefixTime = mintedTime;
    prefixHi = -1;
  }
  if (hi !== prefixHi) {
    half(hi, prefix, 10);
    prefixHi = hi;
  }
  half(lo, tail, 0);
  const p = prefix;
  const t = tail;
  // prettier-ignore
  return String.fromCharCode(
    p[0] as number, p[1] as number, p[2] as number, p[3] as number, p[4] as number, p[5] as number,
    p[6] as number, p[7] as number, p[8] as number, p[9] as number, p[10] as number, p[11] as number,
    p[12] as number, p[13] as number, p[14] as number, p[15] as number, p[16] as number, p[17] as number,
    t[0] as number, t[1] as number, t[2] as number, t[3] as number, t[4] as number, t[5] as number,
    t[6] as number, t[7] as number,
  );
}

/** 40 random bits drawn as ulid draws them: one `random()` per base32 character. */
function randomHalf(): number {
  let h = 0;
  for (let i = 0; i < 8; i++) h = h * 32 + (Math.floor(source.random() * 32) % 32);
  return h;
}

/** Reads `id` into the minted state; false when it is not a ULID within ULID's time range. */
function readMinted(id: string): boolean {
  const t = idTime(id);
  if (!Number.isFinite(t) || t >= 2 ** 48) return false;
  let h = 0;
  let l = 0;
  for (let i = 10; i < 18; i++) h = h * 32 + (DIGIT[id.charCodeAt(i)] as number);
  for (let i = 18; i < 26; i++) l = l * 32 + (DIGIT[id.charCodeAt(i)] as number);
  mintedTime = t;
  hi = h;
  lo = l;
  return true;
}

/**
 * Mints a ULID that is strictly greater than every id this process minted or observed before. Never throws:
 * the ids it must exceed are at most DEFAULT_MAX_CLOCK_SKEW_MS ahead of the clock (see observeId). A new
 * millisecond starts from a random id; within one (or while the clock is behind the last id) each id is the
 * last one plus one.
 */
export function newId(): string {
  const seed = source.now();
  const now = !seed || Number.isNaN(seed) ? Date.now() : seed;
  if (minted !== last || now > mintedTime) {
    mintedTime = now;
    hi = randomHalf();
    lo = randomHalf();
    const id = encode();
    if (id > last) return (last = minted = id);
    if (!readMinted(last)) {
      minted = '';
      return (last = incrementBase32(last));
    }
  }
  if (++lo === HALF) {
    lo = 0;
    if (++hi === HALF) {
      hi = 0;
      mintedTime += 1;
    }
  }
  return (last = minted = encode());
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
