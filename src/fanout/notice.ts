import * as z from 'zod';
import { ProtocolError } from '../errors/errors';
import { type ChangedRef } from '../node/ports';

/**
 * What a durable node publishes after a commit: which entities changed and their new heads (event ids). A
 * notice is a hint, never the source of truth: receivers read the states from the shared database.
 * `seq` numbers the notices of one publisher (`origin`) from 1; a heartbeat repeats the last number with no
 * items, so a receiver sees a gap even when the publisher goes quiet after a lost notice.
 */
export interface Notice {
  readonly origin: string;
  readonly seq: number;
  /** [collection, entity id, head event ids]. */
  readonly items: readonly (readonly [string, string, readonly string[]])[];
}

const noticeSchema = z.object({
  origin: z.string().min(1).max(64),
  seq: z.number().int().nonnegative(),
  items: z.array(
    z.tuple([z.string().min(1).max(256), z.string().min(1).max(64), z.array(z.string().max(64))]),
  ),
});

/** Items per notice: keeps a notice under Postgres' 8000-byte NOTIFY payload limit. */
export const ITEMS_PER_NOTICE = 40;

export function encodeNotice(n: Notice): string {
  return JSON.stringify(n);
}

/** Parses a received payload; ProtocolError when it is not a notice. */
export function parseNotice(payload: string): Notice {
  let raw: unknown;
  try {
    raw = JSON.parse(payload);
  } catch (e) {
    throw ProtocolError.noticeNotJson((e as Error).message);
  }
  const parsed = noticeSchema.safeParse(raw);
  if (!parsed.success) throw ProtocolError.noticeMalformed(parsed.error.message);
  return parsed.data;
}

export function refsOf(n: Notice): ChangedRef[] {
  return n.items.map(([collection, id, head]) => ({ collection, id, head }));
}
