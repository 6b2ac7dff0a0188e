import { BehaviorSubject, type Observable, type Subscription } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { AccessDeniedError, UnavailableError } from '../errors/errors';
import { AnkurahError } from '../errors/ankurah-error';
import { replicaOf, type Node } from '../node/node';
import { type ReplicaPort } from '../node/ports';
import { type DurablePeer, type PeerLink, type RemoteStates } from '../node/peers/peer';
import { InFlight } from '../protocol/channel';
import { ClientSession, parsePush, parseServerHello } from './client-session';
import { fromErrorData, toErrorData } from '../protocol/error-data';
import { errorDataSchema } from '../protocol/messages';
import { requestCost } from '../protocol/limits';
import { RequestBudget } from './request-budget';
import { PROTOCOL_VERSION } from '../protocol/version';
import { EVENTS } from './events';
import { Failover } from './failover';
import { oversize, packFrame, transportLimitsOf, unpackFrame } from './frame-codec';

/** Options of SocketClient.connect. */
export interface SocketClientOptions {
  /** What the durable node's policy agent receives as `handshake.auth`. */
  readonly auth?: unknown;
  /** How long connect() waits for the first connection before rejecting with UnavailableError (ms; default 10 000). */
  readonly timeout?: number;
  /** First reconnection delay (ms; default 250); doubles per attempt, with jitter, up to `reconnectionDelayMax`. */
  readonly reconnectionDelay?: number;
  /** Longest reconnection delay (ms; default 5 000). */
  readonly reconnectionDelayMax?: number;
  /** Socket.IO transports (default websocket only; add 'polling' for proxies that block WebSockets). */
  readonly transports?: ('websocket' | 'polling')[];
  /** The Socket.IO path (default "/socket.io"). */
  readonly path?: string;
  /** Shares this connection with other nodes (connectShared in ankurah/indexeddb relays it to other tabs). */
  readonly share?: ConnectionShare;
}

/** What a shared connection's relay sees: each session, the node's link to it, every push, the disconnect. */
export interface ConnectionShare {
  /** A connection said hello: returns the peer the node attaches (the relay may wrap the session). */
  opened(session: DurablePeer): DurablePeer;
  /** The node's link for the session just opened. */
  linked(link: PeerLink): void;
  /** An update the durable node pushed on this connection (the node has been handed it). */
  pushed(update: RemoteStates): void;
  /** The connection is gone. */
  closed(): void;
}

/** Nesting allowed on the paths of a received attachment (states are shallow). */
const MAX_DEPTH = 64;

/** An answer with its binary values back in place, or (malformed attachment) an error answer to the request. */
function unpackOrError(reply: unknown, attachment: unknown): unknown {
  try {
    return unpackFrame(reply, attachment, MAX_DEPTH);
  } catch (e) {
    const id: unknown = (reply as { id?: unknown } | null)?.id;
    return { id, ok: false, error: toErrorData(e) };
  }
}

/**
 * Connects an ephemeral node to a durable node over Socket.IO (browsers and Node). Reconnects by itself with
 * backoff; on every connection the node flushes its queued commits and re-establishes its live queries.
 */
export class SocketClient {
  readonly #node: ReplicaPort;
  #socket: Socket;
  readonly #inFlight = new InFlight();
  #link: PeerLink | undefined;
  #closed = false;
  #wasConnected = false;
  #retry: ReturnType<typeof setTimeout> | undefined;
  /** Closing the node closes this client (see connect). */
  #nodeClosing: Subscription | undefined;
  readonly #retryDelay: number;
  readonly #connected = new BehaviorSubject<boolean>(false);
  /** Whether the client is connected to the durable node now; emits the current state, then each change. */
  readonly connected$: Observable<boolean> = this.#connected.asObservable();

  readonly #share: ConnectionShare | undefined;
  readonly #failover: Failover | undefined;
  readonly #url: string;

  private constructor(
    node: ReplicaPort,
    url: string,
    socket: Socket,
    retryDelay: number,
    share?: ConnectionShare,
    failover?: Failover,
  ) {
    this.#node = node;
    this.#url = url;
    this.#socket = socket;
    this.#retryDelay = retryDelay;
    this.#share = share;
    this.#failover = failover;
  }

  /**
   * Connects; resolves once the durable node said hello (the node is then ready). With a list of URLs (servers
   * sharing one database through a fan-out) a lost or unreachable server makes the client move to the next
   * one, round robin; the node then re-subscribes and sends its queued commits there.
   */
  static async connect(
    node: Node,
    url: string | readonly string[],
    options: SocketClientOptions = {},
  ): Promise<SocketClient> {
    if (node.durable) throw UnavailableError.clientNotEphemeral();
    const urls = typeof url === 'string' ? [url] : [...url];
    if (urls.length === 0 || urls.some((u) => typeof u !== 'string' || u.length === 0)) {
      throw UnavailableError.noServerUrl();
    }
    const failover = urls.length > 1 ? new Failover(urls, options) : undefined;
    const socket = openSocket(node, urls[0] as string, options, failover !== undefined);
    if (failover) failover.opener = (u) => openSocket(node, u, options, true);
    const replica = replicaOf(node);
    const client = new SocketClient(
      replica,
      urls[0] as string,
      socket,
      options.reconnectionDelayMax ?? 5_000,
      options.share,
      failover,
    );
    const first = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        client.close();
        reject(UnavailableError.unreachable(urls.join(', '), options.timeout ?? 10_000));
      }, options.timeout ?? 10_000);
      const connected = (): void => {
        clearTimeout(timer);
        resolve();
      };
      const refused = (e: Error): void => {
        clearTimeout(timer);
        client.close();
        reject(e);
      };
      client.#wire(socket, connected, refused);
      // Once connected, a refusal by another server is reported, not fatal (as with reconnects).
      if (failover) {
        failover.onSwitch = (next) =>
          client.#wire(next, connected, client.#wasConnected ? (e) => replica.report(e) : refused);
      }
      // The client belongs to its node: closing the node closes it, and fails a connect still under way
      // (at once if the node is closed already), instead of leaving a socket that retries until the timeout.
      client.#nodeClosing = replica.closing$.subscribe({
        complete: () => refused(UnavailableError.nodeClosed(replica.id)),
      });
    });
    // Not when the node was closed already (the client is then closed, and `first` rejected).
    if (!client.#closed) socket.connect();
    await first;
    return client;
  }

  /** The URL of the server this client talks to (or tries to reach). */
  get url(): string {
    return this.#failover?.current ?? this.#url;
  }

  /** True while connected to the durable node. */
  get connected(): boolean {
    return this.#link !== undefined;
  }

  /** Disconnects for good (no reconnection); queued commits stay queued in the node. Closing the node does it too. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#nodeClosing?.unsubscribe();
    clearTimeout(this.#retry);
    this.#failover?.close();
    this.#drop('the client was closed');
    this.#connected.complete();
    this.#socket.removeAllListeners();
    this.#socket.close();
  }

  #wire(socket: Socket, connected: () => void, refused: (e: Error) => void): void {
    this.#socket = socket;
    socket.on(EVENTS.hello, (raw: unknown) => {
      try {
        const hello = parseServerHello(raw);
        const limits = transportLimitsOf(raw);
        this.#drop('a new connection replaced the old one');
        // Requests wait here rather than exceed what the server accepts at once (it would refuse them).
        const budget = limits && new RequestBudget(limits.maxInFlight, limits.maxCostInFlight);
        const send = (frame: unknown): Promise<unknown> => {
          if (!socket.connected) return Promise.reject(UnavailableError.notConnected());
          const packed = packFrame(frame);
          const refused = limits && oversize(packed, limits);
          if (refused) return Promise.reject(refused);
          return this.#inFlight.track((answer) =>
            socket.emit(EVENTS.request, ...packed.args, (reply: unknown, attachment?: unknown) =>
              answer(attachment === undefined ? reply : unpackOrError(reply, attachment)),
            ),
          );
        };
        const channel = {
          request: (frame: unknown) =>
            budget ? budget.run(requestCost(frame), () => send(frame)) : send(frame),
        };
        const session = new ClientSession(channel, hello);
        this.#link = this.#node.peers.attach(this.#share ? this.#share.opened(session) : session);
        this.#share?.linked(this.#link);
        this.#wasConnected = true;
        this.#failover?.reached();
        this.#connected.next(true);
        connected();
        refused = (e) => this.#node.report(e);
      } catch (e) {
        refused(e as Error);
      }
    });
    socket.on(EVENTS.push, (raw: unknown, attachment?: unknown) => {
      try {
        const frame = attachment === undefined ? raw : unpackFrame(raw, attachment, MAX_DEPTH);
        const update = parsePush(frame);
        this.#link?.receive(update);
        if (this.#link) this.#share?.pushed(update);
      } catch (e) {
        this.#node.report(e);
      }
    });
    socket.on(EVENTS.error, (raw: unknown) => {
      const data = errorDataSchema.safeParse(raw);
      if (data.success) this.#node.report(fromErrorData(data.data));
    });
    socket.on('disconnect', () => {
      this.#drop('the connection to the durable node was lost');
      if (!this.#closed) this.#failover?.next(socket);
    });
    socket.on('connect_error', (err: Error & { data?: unknown }) => {
      // A refusal by the server (version, authentication) is final; network errors are retried by Socket.IO
      // (or, with several URLs, by moving to the next server).
      const data = errorDataSchema.safeParse(err.data);
      if (!data.success) {
        if (!this.#closed) this.#failover?.next(socket);
        return;
      }
      const error = fromErrorData(data.data);
      if (socket.active) return;
      refused(error instanceof AnkurahError ? error : AccessDeniedError.connectionRefused(err.message));
      // A full server (maxConnections) is not a refusal of this client: once connected before, try again.
      if (error.code === 'UNAVAILABLE' && this.#failover && !this.#closed) this.#failover.next(socket);
      else if (error.code === 'UNAVAILABLE' && this.#wasConnected && !this.#closed) {
        clearTimeout(this.#retry);
        this.#retry = setTimeout(
          () => {
            if (!this.#closed) socket.connect();
          },
          this.#retryDelay * (0.5 + Math.random()),
        );
      }
    });
  }

  #drop(reason: string): void {
    this.#inFlight.failAll(reason);
    const link = this.#link;
    this.#link = undefined;
    link?.detach();
    if (link) {
      this.#connected.next(false);
      this.#share?.closed();
    }
  }
}

/** A Socket.IO socket to one server, not yet connected. With a failover list, Socket.IO does not reconnect itself. */
function openSocket(node: Node, url: string, options: SocketClientOptions, failover: boolean): Socket {
  return io(url, {
    auth: { hello: { v: PROTOCOL_VERSION, nodeId: node.id, durable: false }, auth: options.auth },
    transports: options.transports ?? ['websocket'],
    reconnectionDelay: options.reconnectionDelay ?? 250,
    reconnectionDelayMax: options.reconnectionDelayMax ?? 5_000,
    randomizationFactor: 0.5,
    autoConnect: false,
    ...(failover ? { reconnection: false, forceNew: true } : {}),
    ...(options.path ? { path: options.path } : {}),
  });
}
