/** What applying an event did: 'applied' on the fast path, 'merged' after a causal walk. */
export type ApplyOutcome = 'applied' | 'merged' | 'noop';

/** The result of Entity.applyEvent. */
export interface ApplyResult {
  readonly outcome: ApplyOutcome;
  /** True when a field value, existence or the deleted flag changed: only then are observers told. */
  readonly changed: boolean;
}

/** The event was already applied. */
export const NOOP: ApplyResult = Object.freeze({ outcome: 'noop', changed: false });
/** The fast path changed a value, existence or the deleted flag. */
export const APPLIED_CHANGED: ApplyResult = Object.freeze({ outcome: 'applied', changed: true });
/** The fast path left every value as it was. */
export const APPLIED_SAME: ApplyResult = Object.freeze({ outcome: 'applied', changed: false });
