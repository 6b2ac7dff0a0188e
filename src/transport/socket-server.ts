import { createServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { ProtocolError } from '../errors/errors';
import { type Node } from '../node/node';
import { toErrorData } from '../protocol/error-data';
import { resolveLimits, type Limits } from '../protocol/limits';
import { ServerSession, type Accepted } from '../protocol/server-session';
import { EVENTS } from './events';
import { packFrame, unpackFrame, type TransportLimits } from './frame-codec';

/** Options of SocketServer.listen: a port to listen on, or an HTTP server to attach to. */
export type SocketServerOptions = (
  | { readonly port: number; readonly host?: string }
  | { readonly httpServer: HttpServer }
) & {
  /** Bounds on what one connection can make the node do. */
  readonly limits?: Partial<Limits>;
  /** Serve collections the node has no model for (off by default). */
  readonly acceptUnknownCollections?: boolean;
  /** The Socket.IO path (default "/socket.io"). */
  readonly path?: string;
  /** Allowed browser origins (Socket.IO `cors.origin`); none by default. */
  readonly corsOrigin?: string | string[] | boolean;
};

/** A listening server. */
export interface SocketServerHandle {
  readonly port: number;
  readonly url: string;
  /** Connections currently accepted. */
  readonly connections: number;
  /** Disconnects every client and stops listening (an attached HTTP server is left running). */
  close(): Promise<void>;
}

interface SocketData {
  accepted?: Accepted;
}

/** Serves a durable node to ephemeral nodes over Socket.IO (Node only: import from 'ankurah/server'). */
export class SocketServer {
  /** Starts serving; `{ port: 0 }` picks a free port. Resolves once listening. */
  static async listen(node: Node, options: SocketServerOptions): Promise<SocketServerHandle> {
    if (!node.durable) throw ProtocolError.create('only a durable node can serve clients');
    const limits = resolveLimits(options.limits);
    const own = 'port' in options;
    const http = own ? createServer() : options.httpServer;
    // Frames between the limit and this hard cap get a ProtocolError reply; larger ones end the connection
    // (clients learn both in the hello and refuse such frames before sending them).
    const maxMessageBytes = limits.maxFrameBytes * 4 + 1024;
    const io = new Server<never, never, never, SocketData>(http, {
      maxHttpBufferSize: maxMessageBytes,
      serveClient: false,
      ...(options.path ? { path: options.path } : {}),
      ...(options.corsOrigin !== undefined ? { cors: { origin: options.corsOrigin } } : {}),
    });
    const sessionOptions = { limits, acceptUnknownCollections: options.acceptUnknownCollections ?? false };
    const advertised: TransportLimits = {
      maxFrameBytes: limits.maxFrameBytes,
      maxMessageBytes,
      maxInFlight: limits.maxInFlight,
    };
    io.use((socket, next) => {
      const auth = socket.handshake.auth as { hello?: unknown; auth?: unknown };
      ServerSession.open(node, {
        hello: auth.hello,
        auth: auth.auth,
        address: socket.handshake.address,
      }).then(
        (accepted) => {
          socket.data.accepted = accepted;
          next();
        },
        (e: unknown) => {
          const data = toErrorData(e);
          next(Object.assign(new Error(data.message), { data }));
        },
      );
    });
    let connections = 0;
    io.on('connection', (socket: Socket) =>
      serve(node, socket, sessionOptions, advertised, (d) => (connections += d)),
    );
    if (own) {
      await new Promise<void>((resolve, reject) => {
        http.once('error', reject);
        http.listen(options.port, options.host, () => {
          http.off('error', reject);
          resolve();
        });
      });
    }
    const port = (http.address() as AddressInfo).port;
    const host = own && options.host ? options.host : 'localhost';
    return {
      port,
      url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
      get connections() {
        return connections;
      },
      // Closing the transports without a disconnect packet lets clients reconnect to a restarted server.
      close: async () => {
        if (own) {
          await new Promise<void>((resolve) => {
            void io.close(() => resolve());
            http.closeAllConnections();
          });
        } else {
          io.engine.close();
        }
      },
    };
  }
}

function serve(
  node: Node,
  socket: Socket,
  options: ConstructorParameters<typeof ServerSession>[3],
  limits: TransportLimits,
  count: (delta: number) => void,
): void {
  const accepted = (socket.data as SocketData).accepted as Accepted;
  const session = new ServerSession(
    node,
    accepted.ctx,
    (frame) => socket.emit(EVENTS.push, ...packFrame(frame).args),
    options,
  );
  count(1);
  socket.emit(EVENTS.hello, { ...accepted.hello, limits });
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = args.at(-1);
    // A request is its frame, then (when it carries binary values) their attachment, then the callback.
    if (event === EVENTS.request && (args.length === 2 || args.length === 3) && typeof ack === 'function') {
      const reply = (answer: unknown): void => (ack as (...a: unknown[]) => void)(...packFrame(answer).args);
      let frame: unknown = args[0];
      if (args.length === 3) {
        try {
          frame = unpackFrame(frame, args[1], options.limits.maxDepth);
        } catch (e) {
          const rawId = (frame as { id?: unknown } | null)?.id;
          reply({ id: typeof rawId === 'number' ? rawId : -1, ok: false, error: toErrorData(e) });
          return;
        }
      }
      void session.handle(frame).then(reply);
      return;
    }
    const error = toErrorData(
      event === EVENTS.request
        ? ProtocolError.create('a request is one frame with an acknowledgement callback')
        : ProtocolError.create(`unknown message '${String(event).slice(0, 64)}'`),
    );
    if (typeof ack === 'function') (ack as (a: unknown) => void)({ id: -1, ok: false, error });
    else socket.emit(EVENTS.error, error);
  });
  socket.on('disconnect', () => {
    count(-1);
    session.close();
  });
}
