import { ProtocolError } from '../errors/errors';
import { RESERVED } from '../protocol/wire-schemas';

/**
 * The binary parts of one frame, sent next to it as one Socket.IO argument: `at[i]` is the path (keys and array
 * indexes from the frame's root) of the i-th binary value, `len[i]` its length in `bytes`, where the values
 * follow each other. In the frame itself each binary value is replaced by `0`.
 */
export interface Attachment {
  readonly at: readonly (readonly (string | number)[])[];
  readonly len: readonly number[];
  readonly bytes: Uint8Array;
}

/** A frame ready for `socket.emit`: its arguments, and its size as `measureFrame` counts it. */
export interface Packed {
  readonly args: [unknown] | [unknown, Attachment];
  readonly bytes: number;
}

type Path = (string | number)[];

/**
 * Prepares a frame for Socket.IO. socket.io-parser refuses a packet with more than 10 binary attachments (its
 * `maxAttachments`, a guard against memory exhaustion), and a frame carries one per text field: so every
 * binary value of a frame travels in one attachment, whatever their number, and the frame keeps the rest.
 * The frame is not modified (objects on the way to a binary value are copied; states are shared by
 * connections). Also measures the frame like `measureFrame` (strings by UTF-16 length, binary by bytes).
 */
export function packFrame(frame: unknown): Packed {
  const at: Path[] = [];
  const parts: Uint8Array[] = [];
  const size = { bytes: 0 };
  const out = walk(frame, [], at, parts, size);
  if (parts.length === 0) return { args: [out], bytes: size.bytes };
  let total = 0;
  for (const p of parts) total += p.byteLength;
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    bytes.set(p, offset);
    offset += p.byteLength;
  }
  return { args: [out, { at, len: parts.map((p) => p.byteLength), bytes }], bytes: size.bytes };
}

function walk(value: unknown, path: Path, at: Path[], parts: Uint8Array[], size: { bytes: number }): unknown {
  if (typeof value === 'string') {
    size.bytes += value.length + 2;
    return value;
  }
  if (typeof value !== 'object' || value === null) {
    size.bytes += 8;
    return value;
  }
  if (value instanceof Uint8Array || value instanceof ArrayBuffer) {
    const bytes = value instanceof Uint8Array ? value : new Uint8Array(value);
    size.bytes += bytes.byteLength;
    at.push([...path]);
    parts.push(bytes);
    return 0;
  }
  size.bytes += 2;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      path.push(i);
      const w = walk(v, path, at, parts, size);
      path.pop();
      if (w !== v) (copy ??= [...(value as unknown[])])[i] = w;
    }
    return copy ?? value;
  }
  const o = value as Record<string, unknown>;
  let copy: Record<string, unknown> | undefined;
  for (const k of Object.keys(o)) {
    size.bytes += k.length + 3;
    const v = o[k];
    path.push(k);
    const w = walk(v, path, at, parts, size);
    path.pop();
    if (w !== v) (copy ??= { ...o })[k] = w;
  }
  return copy ?? value;
}

/**
 * Puts an attachment's binary values back into a received frame (in place: a decoded frame belongs to the
 * receiver). Checks everything, as the peer may be hostile: each path must lead through own properties of
 * plain objects and arrays (never a reserved name such as `__proto__`) to a `0`, the lengths must add up to
 * the bytes, and no path may be longer than `maxDepth`. Throws ProtocolError otherwise.
 */
export function unpackFrame(frame: unknown, attachment: unknown, maxDepth: number): unknown {
  const bad = (why: string): ProtocolError => ProtocolError.badAttachment(why);
  if (typeof attachment !== 'object' || attachment === null) throw bad('expected { at, len, bytes }');
  const { at, len, bytes: raw } = attachment as Record<string, unknown>;
  const bytes =
    raw instanceof Uint8Array ? raw : raw instanceof ArrayBuffer ? new Uint8Array(raw) : undefined;
  if (!bytes) throw bad('bytes must be binary');
  if (!Array.isArray(at) || !Array.isArray(len) || at.length !== len.length) {
    throw bad('at and len must be arrays of the same length');
  }
  let offset = 0;
  for (let i = 0; i < at.length; i++) {
    const n: unknown = len[i];
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 0 || offset + n > bytes.byteLength) {
      throw bad('a length is not a count of the remaining bytes');
    }
    const path: unknown = at[i];
    if (!Array.isArray(path) || path.length === 0 || path.length > maxDepth) {
      throw bad(`a path must have 1 to ${maxDepth} steps`);
    }
    let parent: unknown = frame;
    for (let s = 0; s < path.length; s++) {
      const key: unknown = path[s];
      const last = s === path.length - 1;
      let next: unknown;
      if (Array.isArray(parent)) {
        if (typeof key !== 'number' || !Number.isSafeInteger(key) || key < 0 || key >= parent.length) {
          throw bad('a path step is not an index of the array');
        }
        next = parent[key];
      } else if (
        typeof parent === 'object' &&
        parent !== null &&
        isPlainObject(parent) &&
        typeof key === 'string' &&
        !RESERVED.has(key) &&
        Object.hasOwn(parent, key)
      ) {
        next = (parent as Record<string, unknown>)[key];
      } else throw bad('a path step is not a key of an object in the frame');
      if (last) {
        if (next !== 0) throw bad('a path does not lead to a placeholder');
        (parent as Record<string | number, unknown>)[key] = bytes.subarray(offset, offset + n);
      }
      parent = next;
    }
    offset += n;
  }
  if (offset !== bytes.byteLength) throw bad('the lengths do not add up to the bytes');
  return frame;
}

/** A plain object of any realm (a frame decoded elsewhere, e.g. by another realm's structuredClone). */
function isPlainObject(v: object): boolean {
  const proto: unknown = Object.getPrototypeOf(v);
  return proto === null || (Object.getPrototypeOf(proto) === null && !Array.isArray(v));
}

/** The limits a client needs to never send what the server cannot read (the server sends them in its hello). */
export interface TransportLimits {
  /** Requests larger than this (as measureFrame counts) are refused. */
  readonly maxFrameBytes: number;
  /** The largest Socket.IO message the server reads: a larger one ends the connection. */
  readonly maxMessageBytes: number;
  /** Unanswered requests at once. */
  readonly maxInFlight: number;
  /** The cost (requestCost) of the unanswered requests together. */
  readonly maxCostInFlight: number;
}

/** The transport limits a server hello names (none from a server that does not send them). */
export function transportLimitsOf(hello: unknown): TransportLimits | undefined {
  const limits: unknown = (hello as { limits?: unknown } | null)?.limits;
  if (typeof limits !== 'object' || limits === null) return undefined;
  const { maxFrameBytes, maxMessageBytes, maxInFlight, maxCostInFlight } = limits as Record<string, unknown>;
  const ok = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
  if (!ok(maxFrameBytes) || !ok(maxMessageBytes) || !ok(maxInFlight) || !ok(maxCostInFlight))
    return undefined;
  return { maxFrameBytes, maxMessageBytes, maxInFlight, maxCostInFlight };
}

/**
 * Refuses, before it is sent, a request the server would not read: larger than its `maxFrameBytes` (the
 * server would answer ProtocolError anyway), or a message larger than its transport reads (which would end
 * the connection, and a resent commit would end it again). Returns the error, or undefined when it fits.
 */
export function oversize(packed: Packed, limits: TransportLimits): ProtocolError | undefined {
  if (packed.bytes > limits.maxFrameBytes)
    return ProtocolError.frameTooLarge(packed.bytes, limits.maxFrameBytes);
  // JSON escapes and UTF-8 make a string at most 6 bytes per UTF-16 unit: measure exactly only near the cap.
  if (packed.bytes * 6 + 1024 <= limits.maxMessageBytes) return undefined;
  const [frame, attachment] = packed.args;
  let bytes = new TextEncoder().encode(JSON.stringify(frame)).byteLength;
  if (attachment) {
    bytes += JSON.stringify({ at: attachment.at, len: attachment.len }).length;
    bytes += Math.ceil((attachment.bytes.byteLength * 4) / 3); // base64 when Socket.IO falls back to polling
  }
  if (bytes + 1024 <= limits.maxMessageBytes) return undefined;
  return ProtocolError.messageTooLarge(bytes, limits.maxMessageBytes);
}
