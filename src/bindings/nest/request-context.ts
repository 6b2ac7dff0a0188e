import { Context } from '../../node/api/context';
import { type Node } from '../../node/node';
import { type ContextData } from '../../node/policy';

/** The default context data of a request: `req.user` when it is an object (set by a guard), else `{}`. */
export function userContextData(request: unknown): ContextData {
  const user = (request as { user?: unknown } | null)?.user;
  return typeof user === 'object' && user !== null ? (user as ContextData) : {};
}

const OWN_MEMBERS: ReadonlySet<PropertyKey> = new Set(['node', 'data']);

/**
 * A Context for one request, built on first use. Nest builds request-scoped providers before the route's
 * guards run, so reading `req.user` at injection would miss what an auth guard sets; the handler's first use
 * comes after the guards.
 */
export function requestContext(
  node: Node,
  request: unknown,
  data: (request: unknown) => ContextData = userContextData,
): Context {
  let ctx: Context | undefined;
  const real = (): Context => (ctx ??= node.context(data(request)));
  return new Proxy(Object.create(Context.prototype) as Context, {
    get(target, key) {
      // Nest probes what a factory returns (`then`, lifecycle hooks): only a Context member builds the Context.
      if (!(key in target) && !OWN_MEMBERS.has(key)) return undefined;
      const c = real();
      const value: unknown = Reflect.get(c, key, c);
      // Methods run on the real Context: its #private state is not reachable through the proxy.
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(c) : value;
    },
    has: (_target, key) => Reflect.has(real(), key),
    set: () => false,
  });
}
