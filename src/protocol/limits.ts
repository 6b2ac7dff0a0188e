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
  /**
   * The cost of one connection's unanswered requests together, cost being 1 per request plus its ids, held
   * entities and events (see requestCost): many large requests of one connection cannot starve the others.
   */
  readonly maxCostInFlight: number;
  /**
   * Bytes written to one connection that it has not read yet (SocketServer): a connection over this when
   * more is to be sent is disconnected (it reconnects and resyncs). Keep it above the largest answer.
   */
  readonly maxPendingBytes: number;
  /**
   * Rows one connection's live queries track together (each server-side subscription remembers its result's
   * ids): a subscribe or update that would go over is refused, so held memory per connection is bounded.
   */
  readonly maxTrackedRows: number;
  /**
   * The largest answer or push a SocketServer sends, in bytes as measureFrame counts (below the 100 MiB a
   * Node client's WebSocket reads): a larger answer to get, fetch or getEvents is replaced by a ProtocolError,
   * a larger push is split (answers to commit, subscribe and update are sent whole: they have effects).
   */
  readonly maxAnswerBytes: number;
  /** Connections one SocketServer accepts at once; the next is refused at the handshake (UnavailableError). */
  readonly maxConnections: number;
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
  maxCostInFlight: 20_000,
  maxPendingBytes: 16_000_000,
  maxTrackedRows: 100_000,
  maxAnswerBytes: 64_000_000,
  maxConnections: 10_000,
});

/** Fills unspecified limits with the defaults. */
export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  return Object.freeze({ ...DEFAULT_LIMITS, ...partial });
}

/** What a request frame costs against `maxCostInFlight`: 1, plus its ids, held entities and events. */
export function requestCost(frame: unknown): number {
  if (typeof frame !== 'object' || frame === null) return 1;
  const { ids, held, events } = frame as { ids?: unknown; held?: unknown; events?: unknown };
  const n = (a: unknown): number => (Array.isArray(a) ? a.length : 0);
  return 1 + n(ids) + n(held) + n(events);
}
