import { Subscription } from 'rxjs';
import { ProtocolError, UnavailableError } from '../errors/errors';
import { replicaOf, type Node } from '../node/node';
import { type PeerLink } from '../node/peers/peer';
import { InFlight, type Channel } from '../protocol/channel';
import { ClientSession, parsePush, parseServerHello } from './client-session';
import { requestCost, resolveLimits, type Limits } from '../protocol/limits';
import { RequestBudget } from './request-budget';
import { ServerSession } from '../serve/server-session';
import { PROTOCOL_VERSION } from '../protocol/version';

/** Options of LocalConnector.connect. */
export interface LocalConnectOptions {
  /** What the ephemeral node presents to the durable node's policy agent. */
  readonly auth?: unknown;
  readonly limits?: Partial<Limits>;
  readonly acceptUnknownCollections?: boolean;
}

/** An in-process connection between a durable and an ephemeral node. */
export interface LocalConnection {
  /**
   * Disconnects: in-flight requests fail with UnavailableError and the ephemeral node goes offline. Closing
   * either node does it too.
   */
  close(): void;
}

/**
 * Connects two nodes in one process, for tests and embedding. Frames take the same path as over Socket.IO:
 * every frame is copied with structuredClone (no shared objects) and validated on arrival, and delivery is
 * asynchronous and ordered.
 */
export class LocalConnector {
  /** Connects a durable node and an ephemeral node (in either order); resolves once the peer is attached. */
  static async connect(a: Node, b: Node, options: LocalConnectOptions = {}): Promise<LocalConnection> {
    const [server, client] = a.durable ? [replicaOf(a), replicaOf(b)] : [replicaOf(b), replicaOf(a)];
    if (!server.durable || client.durable) {
      throw ProtocolError.localConnectorRoles();
    }
    const accepted = await ServerSession.open(
      server,
      structuredClone({
        hello: { v: PROTOCOL_VERSION, nodeId: client.id, durable: false },
        auth: options.auth,
      }),
    );
    let open = true;
    const inFlight = new InFlight();
    const limits = resolveLimits(options.limits);
    const session = new ServerSession(
      server,
      accepted.ctx,
      (frame) => {
        const copy = structuredClone(frame);
        queueMicrotask(() => {
          if (!open) return;
          try {
            link.receive(parsePush(copy));
          } catch (e) {
            client.report(e);
          }
        });
      },
      {
        limits,
        acceptUnknownCollections: options.acceptUnknownCollections ?? false,
      },
    );
    // Requests wait here rather than exceed what the session accepts at once (it would refuse them).
    const budget = new RequestBudget(limits.maxInFlight, limits.maxCostInFlight);
    const channel: Channel = {
      request: (frame) =>
        budget.run(requestCost(frame), () => {
          if (!open) return Promise.reject(UnavailableError.localClosed());
          const copy = structuredClone(frame);
          return inFlight.track((answer) => {
            void session.handle(copy).then((raw) => answer(structuredClone(raw)));
          });
        }),
    };
    // Pushes need a subscription, hence a request through this link: none can arrive before it is set.
    const link: PeerLink = client.peers.attach(
      new ClientSession(channel, parseServerHello(structuredClone(accepted.hello))),
    );
    const ending = new Subscription();
    const close = (): void => {
      if (!open) return;
      open = false;
      ending.unsubscribe();
      session.close();
      inFlight.failAll('the local connection was closed');
      link.detach();
    };
    // Closing either node closes the connection: the server's session then drops its live queries.
    for (const n of [server, client]) ending.add(n.closing$.subscribe({ complete: close }));
    return { close };
  }
}
