import { createServer, type Server as HttpServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { Server, type Socket } from 'socket.io';
import { InternalError, ProtocolError, UnavailableError } from '../errors/errors';
import { replicaOf, type Node } from '../node/node';
import { type ReplicaPort } from '../node/ports';
import { toErrorData } from '../protocol/error-data';
import { resolveLimits, type Limits } from '../protocol/limits';
import { ServerSession, type Accepted } from '../serve/server-session';
import { type WireStates } from '../protocol/wire-states';
import { sameEntity, type Event } from '../event/event';
import { EVENTS } from './events';
import { backlogOf, terminate } from './socket-backlog';
import { sendWhole } from './socket-writes';
import { packFrame, unpackFrame, type Packed, type TransportLimits } from './frame-codec';

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
  /** The HTTP server's port (0 while an attached server is not listening yet). */
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
  static async listen(served: Node, options: SocketServerOptions): Promise<SocketServerHandle> {
    const node = replicaOf(served);
    if (!node.durable) throw ProtocolError.servesOnlyDurable();
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
      maxCostInFlight: limits.maxCostInFlight,
    };
    // Connections held or being opened; a slot is freed when the underlying connection closes, whatever stage
    // it reached.
    let slots = 0;
    const holding = new WeakSet<object>();
    const refuse = (next: (e: Error) => void, e: unknown): void => {
      const data = toErrorData(e);
      next(Object.assign(new Error(data.message), { data }));
    };
    io.use((socket, next) => {
      const conn = socket.conn;
      // One session per underlying connection: repeated handshakes on it must not take more slots.
      if (holding.has(conn)) {
        refuse(next, ProtocolError.sessionAlreadyOpen());
        return;
      }
      if (slots >= limits.maxConnections) {
        refuse(next, UnavailableError.tooManyConnections(limits.maxConnections));
        return;
      }
      slots++;
      holding.add(conn);
      const release = (): void => {
        if (holding.delete(conn)) slots--;
      };
      conn.once('close', release);
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
          release();
          conn.off('close', release);
          refuse(next, e);
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
    // Read lazily (NestJS attaches before app.listen), then kept (a restart after close reuses the port).
    let known = 0;
    const port = (): number => (known ||= (http.address() as AddressInfo | null)?.port ?? 0);
    const host = own && options.host ? options.host : 'localhost';
    return {
      get port() {
        return port();
      },
      get url() {
        return `http://${host.includes(':') ? `[${host}]` : host}:${port()}`;
      },
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
  node: ReplicaPort,
  socket: Socket,
  options: ConstructorParameters<typeof ServerSession>[3],
  limits: TransportLimits,
  count: (delta: number) => void,
): void {
  const accepted = (socket.data as SocketData).accepted as Accepted;
  const max = options.limits.maxPendingBytes;
  const backlog = backlogOf(socket.conn);
  let cut = false;
  // Backpressure: a connection that has not read what was written to it gets nothing more; it is cut (its
  // buffers freed), reconnects when it reads again, and resyncs its live queries then.
  const writable = (): boolean => {
    if (cut) return false;
    const unread = backlog();
    if (unread <= max) return true;
    cut = true;
    if (!node.closed) {
      node.report(ProtocolError.clientCut(accepted.peer.nodeId, socket.handshake.address, unread, max));
    }
    terminate(socket.conn);
    return false;
  };
  const session = new ServerSession(
    node,
    accepted.ctx,
    (frame) => {
      for (const packed of packPush(frame, options.limits.maxAnswerBytes, node)) {
        if (writable()) sendWhole(socket.conn, packed, () => socket.emit(EVENTS.push, ...packed.args));
      }
    },
    options,
  );
  count(1);
  socket.emit(EVENTS.hello, { ...accepted.hello, limits });
  socket.onAny((event: unknown, ...args: unknown[]) => {
    const ack = args.at(-1);
    // A request is its frame, then (when it carries binary values) their attachment, then the callback.
    if (event === EVENTS.request && (args.length === 2 || args.length === 3) && typeof ack === 'function') {
      // Answers to reads larger than maxAnswerBytes become a ProtocolError; others (a commit was applied, a
      // subscription registered) must arrive, whatever their size.
      const kind: unknown = (args[0] as { kind?: unknown } | null)?.kind;
      const read = kind === 'fetch' || kind === 'get' || kind === 'getEvents';
      const reply = (answer: unknown): void => {
        if (!writable()) return;
        let packed: Packed;
        try {
          packed = packFrame(answer);
        } catch (e) {
          // E.g. a value nested too deep for the encoder: the caller gets an error, never silence.
          if (!node.closed) node.report(InternalError.wrap('encoding an answer', e));
          packed = packFrame({ id: (answer as { id?: unknown }).id, ok: false, error: toErrorData(e) });
        }
        if (read && packed.bytes > options.limits.maxAnswerBytes) {
          const error = ProtocolError.answerTooLarge(packed.bytes, options.limits.maxAnswerBytes);
          packed = packFrame({ id: (answer as { id?: unknown }).id, ok: false, error: toErrorData(error) });
        }
        sendWhole(socket.conn, packed, () => (ack as (...a: unknown[]) => void)(...packed.args));
      };
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
      event === EVENTS.request ? ProtocolError.requestShape() : ProtocolError.unknownMessage(event),
    );
    if (typeof ack === 'function') (ack as (a: unknown) => void)({ id: -1, ok: false, error });
    else socket.emit(EVENTS.error, error);
  });
  socket.on('disconnect', () => {
    count(-1);
    session.close();
  });
}

/**
 * A push as frames of at most `max` bytes: its states split in halves until each part fits (states are
 * independent, each carrying its own head), its events apart from them and split the same way between
 * entities (one entity's events stay together, in order). A single state, or one entity's events, over the
 * limit cannot travel: it is reported.
 */
function packPush(frame: WireStates, max: number, node: ReplicaPort): Packed[] {
  const packed = packFrame(frame);
  if (packed.bytes <= max) return [packed];
  const seq = frame.seq !== undefined ? { seq: frame.seq } : {};
  const events = frame.events;
  if (events && events.length > 0) {
    if (frame.states.length > 0 || frame.gone.length > 0) {
      return [
        ...packPush({ states: frame.states, gone: frame.gone, ...seq }, max, node),
        ...packPush({ states: [], gone: [], events, ...seq }, max, node),
      ];
    }
    const cut = entityCut(events);
    if (cut > 0) {
      return [
        ...packPush({ states: [], gone: [], events: events.slice(0, cut), ...seq }, max, node),
        ...packPush({ states: [], gone: [], events: events.slice(cut), ...seq }, max, node),
      ];
    }
    const e = events[0] as Event;
    if (!node.closed) node.report(ProtocolError.pushTooLarge(e.collection, e.entityId, packed.bytes, max));
    return [];
  }
  if (frame.states.length === 0) return [packed];
  const split = (a: WireStates['states'], b: WireStates['states'], gone: WireStates['gone']): Packed[] => [
    ...packPush({ states: a, gone, ...seq }, max, node),
    ...packPush({ states: b, gone: [], ...seq }, max, node),
  ];
  if (frame.states.length > 1) {
    const half = Math.ceil(frame.states.length / 2);
    return split(frame.states.slice(0, half), frame.states.slice(half), frame.gone);
  }
  if (frame.gone.length > 0) return split([], frame.states, frame.gone);
  const s = frame.states[0] as WireStates['states'][number];
  if (!node.closed) {
    node.report(ProtocolError.pushTooLarge(s.collection, s.id, packed.bytes, max));
  }
  return [];
}

/** Where to cut a push's events in two near the middle without parting one entity's events; 0 for one entity. */
function entityCut(events: readonly Event[]): number {
  // A cut at i parts events[i - 1] and events[i]: allowed where they are of different entities.
  const parts = (i: number): boolean => !sameEntity(events[i - 1] as Event, events[i] as Event);
  const half = Math.ceil(events.length / 2);
  for (let d = 0; d < events.length; d++) {
    for (const i of [half + d, half - d]) if (i >= 1 && i < events.length && parts(i)) return i;
  }
  return 0;
}
