import { type ModelClass } from '../model/model-meta';
import { type PolicyAgent } from './policy';

/** Options of Node.durable and Node.ephemeral. */
export interface NodeOptions {
  /** Model classes this node serves; other registered models are added on first use. */
  readonly models?: readonly ModelClass[];
  /** Decides who may read and write what (durable side). Defaults to PermissiveAgent. */
  readonly policy?: PolicyAgent;
  /** The bound on events visited by one causal walk. */
  readonly walkBudget?: number;
  /**
   * How far ahead of this node's clock a remote event's id may be dated, in milliseconds (default 5 minutes;
   * Infinity: no bound). Events dated further ahead are refused with CausalError: see
   * docs/conflict-resolution.md.
   */
  readonly maxClockSkewMs?: number;
  /**
   * Ephemeral node: the first delay (ms, default 250) before a queued commit is resent after a transient
   * failure of the durable peer (its storage failed or is unreachable); it doubles per failure in a row, with
   * jitter, up to `retryDelayMax` (default 10 000). Every reconnect resends at once.
   */
  readonly retryDelay?: number;
  readonly retryDelayMax?: number;
  /**
   * Extra rows a live query with `ORDER BY … LIMIT n` keeps beyond its window, so that most gap fills need
   * no storage read (default max(16, n)); 0 makes every gap fill read storage.
   */
  readonly windowSlack?: number;
}
