/** Every error code Ankurah raises, with one line of meaning each. */
export const ERROR_CODES = {
  /** A model's decorators or options are invalid; raised at registration. */
  METADATA: 'Invalid model metadata',
  /** An AnkQL selection could not be parsed or bound. */
  QUERY_SYNTAX: 'Malformed AnkQL selection',
  /** Field values failed their class-validator constraints or their declared type. */
  VALIDATION: 'Invalid field values',
  /** The entity, collection or model asked for does not exist (or is hidden by policy). */
  NOT_FOUND: 'Not found',
  /** A transaction or one of its mutables was used after commit or rollback. */
  TRANSACTION_CLOSED: 'Transaction closed',
  /** The policy agent refused the operation. */
  ACCESS_DENIED: 'Access denied',
  /** A wire message was malformed, unexpected or exceeded a limit. */
  PROTOCOL: 'Protocol error',
  /** The storage engine failed; the operation changed nothing. */
  STORAGE: 'Storage failure',
  /** Causal history could not be reconciled (unrelated genesis, budget exceeded, missing events). */
  CAUSAL: 'Causal history error',
  /** The node is closed or not connected to the peer an operation needs. */
  UNAVAILABLE: 'Unavailable',
  /** An API was called the wrong way: a wrong argument type, an assignment to a read-only view. */
  USAGE: 'Invalid use of the API',
  /** A bug: code (e.g. a policy agent method) threw an error that is not an AnkurahError; reported on the node. */
  INTERNAL: 'Internal error',
} as const;

/** A string-literal union of every error code. */
export type ErrorCode = keyof typeof ERROR_CODES;
