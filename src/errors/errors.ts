import { AnkurahError } from './ankurah-error';

export { CausalError } from './causal-error';
export { ProtocolError } from './protocol-error';
export { StorageError } from './storage-error';
export { UnavailableError } from './unavailable-error';
export { UsageError } from './usage-error';

/** One problem found in a model declaration. */
export interface MetadataProblem {
  readonly model: string;
  readonly field?: string | undefined;
  readonly problem: string;
  readonly fix: string;
}

/** A model declaration is invalid; lists every problem found at registration. */
export class MetadataError extends AnkurahError {
  readonly problems: readonly MetadataProblem[];

  constructor(problems: readonly MetadataProblem[]) {
    const lines = problems.map(
      (p) => `  - ${p.field ? `${p.model}.${p.field}` : p.model}: ${p.problem}. Fix: ${p.fix}`,
    );
    super('METADATA', `Invalid model metadata:\n${lines.join('\n')}`);
    this.problems = problems;
  }

  static single(model: string, field: string | undefined, problem: string, fix: string): MetadataError {
    return new MetadataError([{ model, field, problem, fix }]);
  }
}

/** One failed constraint of one field. */
export interface FieldViolation {
  readonly field: string;
  readonly constraints: Readonly<Record<string, string>>;
}

/** Field values failed validation; the transaction was rejected and nothing was kept. */
export class ValidationError extends AnkurahError {
  readonly model: string;
  readonly violations: readonly FieldViolation[];

  constructor(model: string, violations: readonly FieldViolation[]) {
    const lines = violations.flatMap((v) =>
      Object.entries(v.constraints).map(([name, msg]) => `  - ${model}.${v.field} (${name}): ${msg}`),
    );
    super('VALIDATION', `Validation failed for ${model}:\n${lines.join('\n')}`);
    this.model = model;
    this.violations = violations;
  }

  static field(model: string, field: string, constraint: string, message: string): ValidationError {
    return new ValidationError(model, [{ field, constraints: { [constraint]: message } }]);
  }
}

/** The entity, model or collection does not exist, or policy hides it. */
export class NotFoundError extends AnkurahError {
  static entity(collection: string, id: string): NotFoundError {
    return new NotFoundError('NOT_FOUND', `No ${collection} entity with id ${id}`);
  }

  static model(name: string): NotFoundError {
    return new NotFoundError(
      'NOT_FOUND',
      `${name} is not a registered model. Fix: decorate it with @Model() and list it in the node's { models: [...] }`,
    );
  }

  /** A peer named a collection the durable node does not serve. */
  static collectionNotServed(collection: string): NotFoundError {
    return new NotFoundError(
      'NOT_FOUND',
      `collection '${collection}' is not served by this node. Fix: list its model in the durable node's { models }`,
    );
  }
}

/** A transaction, or a mutable from it, was used after commit() or rollback(). */
export class TransactionClosedError extends AnkurahError {
  static afterEnd(what: string, state: 'committed' | 'rolled back' | 'failed'): TransactionClosedError {
    return new TransactionClosedError(
      'TRANSACTION_CLOSED',
      `Cannot ${what}: the transaction was already ${state}. Fix: begin a new transaction with ctx.begin()`,
    );
  }
}

/** The policy agent refused the request. */
export class AccessDeniedError extends AnkurahError {
  static #of(reason: string): AccessDeniedError {
    return new AccessDeniedError('ACCESS_DENIED', `Access denied: ${reason}`);
  }

  /**
   * A refusal with the caller's own reason: what a policy agent throws (docs/policy-and-auth.md). Ankurah's
   * own code uses the named factories below.
   */
  static create(reason: string): AccessDeniedError {
    return AccessDeniedError.#of(reason);
  }

  /** The policy agent refused reading a collection. */
  static collectionRead(collection: string): AccessDeniedError {
    return AccessDeniedError.#of(`reading collection '${collection}' is not allowed`);
  }

  /** The policy agent refused writing to a collection. */
  static collectionWrite(collection: string): AccessDeniedError {
    return AccessDeniedError.#of(`writing to collection '${collection}' is not allowed`);
  }

  /** The policy agent refused one change of an entity. */
  static changeRefused(collection: string, id: string): AccessDeniedError {
    return AccessDeniedError.#of(`the change to ${collection}/${id} was refused by the policy agent`);
  }

  /** The policy agent's authenticate threw (`message` is its error's). */
  static authenticationFailed(message: string): AccessDeniedError {
    return AccessDeniedError.#of(message);
  }

  /** The server refused the connection (`message` is the server's). */
  static connectionRefused(message: string): AccessDeniedError {
    return AccessDeniedError.#of(message);
  }
}

/**
 * A bug, not a refusal: code the node called (a policy agent method, an engine) threw an error that is not an
 * AnkurahError. On the node that caught it, `cause` holds that error and the message names it; a peer receives
 * only the generic message (internal details never leave the node), and the node reports the detail on
 * `node.errors$`.
 */
export class InternalError extends AnkurahError {
  /** What a peer is told: nothing about the cause. */
  static readonly GENERIC =
    'Internal error: the durable node failed while handling the request. It reported the details on its ' +
    'node.errors$; fix the server code that threw';

  static wrap(what: string, cause: unknown): InternalError {
    const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
    return new InternalError('INTERNAL', `Internal error while ${what}: ${detail}`, { cause });
  }

  /** Code threw a value that is not an Error. */
  static nonError(value: unknown): InternalError {
    return new InternalError('INTERNAL', `Internal error: a non-Error value was thrown: ${String(value)}`, {
      cause: value,
    });
  }

  /** Invariant: whoever adopts a push with events says how (adoptStates' EventAdoption). */
  static eventsWithoutAdoption(): InternalError {
    return new InternalError(
      'INTERNAL',
      'Internal error: pushed events were adopted without an EventAdoption',
    );
  }

  /** Invariant: a subscription's filter is compiled before its states are materialised. */
  static filterNotCompiled(collection: string): InternalError {
    return new InternalError(
      'INTERNAL',
      `Internal error: the filter of '${collection}' was not compiled before materialize`,
    );
  }
}

/** `e` itself when it is an Error, else an InternalError holding it: what error streams carry. */
export function asError(e: unknown): Error {
  return e instanceof Error ? e : InternalError.nonError(e);
}
