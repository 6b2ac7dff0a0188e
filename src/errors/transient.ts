import { AnkurahError } from './ankurah-error';
import { type ErrorCode } from './codes';

/**
 * The codes of failures that say nothing about the request itself: the node that answered could not serve it
 * now (its storage failed or is unreachable, it is closing, the connection dropped, or its own code failed:
 * INTERNAL is a bug on that node, fixed by a redeploy, not a refusal of the data). The same request may
 * succeed later. Every other code is a definitive answer to the request (a refusal by policy, validation,
 * causal checks or the protocol): retrying it gives the same answer.
 */
export const TRANSIENT_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  'STORAGE',
  'UNAVAILABLE',
  'INTERNAL',
]);

/** True when an error is transient (see TRANSIENT_CODES): the request may be retried as it is. */
export function isTransient(e: unknown): boolean {
  return e instanceof AnkurahError && TRANSIENT_CODES.has(e.code);
}
