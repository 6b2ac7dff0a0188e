/** Who is calling: the identity and claims the policy agent derived (or the app passed to node.context). */
export type ContextData = Readonly<Record<string, unknown>>;

/** What a connecting peer presented. */
export interface Handshake {
  readonly auth: unknown;
  readonly address?: string;
}

/** Read or write access to a collection. */
export type Access = 'read' | 'write';

/** A value that may be returned synchronously or as a promise. */
export type MaybePromise<T> = T | Promise<T>;

/**
 * Decides who may read and write what, on the durable side, for every request and every streamed update.
 * Invariants: a refused write changes nothing (the caller gets AccessDeniedError); `filterPredicate` is ANDed
 * into every fetch, query and live query, so rows it hides never reach the caller, and `get` of a hidden row
 * is NotFoundError (existence is not revealed). Methods may be synchronous or async.
 */
export interface PolicyAgent {
  /** Turns a handshake into context data; throw AccessDeniedError to refuse the connection. */
  authenticate(handshake: Handshake): MaybePromise<ContextData>;
  canAccessCollection(ctx: ContextData, collection: string, access: Access): MaybePromise<boolean>;
  /** An AnkQL predicate ANDed into every read of the collection, or null for none. */
  filterPredicate(ctx: ContextData, collection: string): MaybePromise<string | null>;
  /** Checks one incoming write, with the entity's values before (null: created) and after (null: deleted). */
  checkEvent(
    ctx: ContextData,
    collection: string,
    before: object | null,
    after: object | null,
  ): MaybePromise<boolean>;
}

/** Allows everything; the handshake's `auth` becomes the context data when it is an object. */
export class PermissiveAgent implements PolicyAgent {
  authenticate(handshake: Handshake): MaybePromise<ContextData> {
    const auth = handshake.auth;
    return typeof auth === 'object' && auth !== null ? (auth as ContextData) : {};
  }

  canAccessCollection(_ctx: ContextData, _collection: string, _access: Access): MaybePromise<boolean> {
    return true;
  }

  filterPredicate(_ctx: ContextData, _collection: string): MaybePromise<string | null> {
    return null;
  }

  checkEvent(
    _ctx: ContextData,
    _collection: string,
    _before: object | null,
    _after: object | null,
  ): MaybePromise<boolean> {
    return true;
  }
}
