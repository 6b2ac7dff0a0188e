/**
 * Bounds on what one connected peer can make a durable node do. Each exceeded limit is answered with a
 * ProtocolError reply to that request; the connection and every other peer keep being served.
 */
export interface Limits {
  /** The largest request frame accepted, in bytes (binary payloads counted by length, strings by UTF-16 units). */
  readonly maxFrameBytes: number;
  /** Requests one connection may have unanswered at once. */
  readonly maxInFlight: number;
  /** Live queries one connection may hold. */
  readonly maxSubscriptions: number;
  /** Events in one commit request. */
  readonly maxEventsPerCommit: number;
  /** Ids in one getEvents request, or held entities in one subscribe/update request. */
  readonly maxIdsPerRequest: number;
  /** Rows one fetch or subscription may return; larger results must use LIMIT. */
  readonly maxResultRows: number;
  /** Characters of one AnkQL selection. */
  readonly maxSelectionChars: number;
  /** Nesting depth of any value in a frame. */
  readonly maxDepth: number;
}

/** The limits a SocketServer applies unless told otherwise. */
export const DEFAULT_LIMITS: Limits = Object.freeze({
  maxFrameBytes: 1_000_000,
  maxInFlight: 64,
  maxSubscriptions: 256,
  maxEventsPerCommit: 1_000,
  maxIdsPerRequest: 5_000,
  maxResultRows: 10_000,
  maxSelectionChars: 8_192,
  maxDepth: 64,
});

/** Fills unspecified limits with the defaults. */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...partial });
}
