import { AnkurahError } from './ankurah-error';

/** The node is closed, or no peer is available for an operation that needs one. */
export class UnavailableError extends AnkurahError {
  static #of(message: string, cause?: unknown): UnavailableError {
    return new UnavailableError('UNAVAILABLE', message, cause === undefined ? undefined : { cause });
  }

  /** The connection a request was sent on ended before its answer (`how` says how it ended). */
  static connectionLost(how: string): UnavailableError {
    return UnavailableError.#of(how);
  }

  /** A SocketClient was given a durable node. */
  static clientNotEphemeral(): UnavailableError {
    return UnavailableError.#of('SocketClient connects an ephemeral node to a durable one');
  }

  /** A fan-out was started on an ephemeral node. */
  static fanoutNotDurable(): UnavailableError {
    return UnavailableError.#of(
      'a fan-out connects durable nodes that share one database; this node is ephemeral',
    );
  }

  /** SocketClient.connect was given no server URL. */
  static noServerUrl(): UnavailableError {
    return UnavailableError.#of('SocketClient.connect needs a server URL or a non-empty list of them');
  }

  /** The server could not be reached in time. */
  static unreachable(url: string, ms: number): UnavailableError {
    return UnavailableError.#of(`could not reach ${url} within ${ms} ms`);
  }

  /** A request while the socket is disconnected. */
  static notConnected(): UnavailableError {
    return UnavailableError.#of('not connected');
  }

  /** A request on a closed LocalConnector connection. */
  static localClosed(): UnavailableError {
    return UnavailableError.#of('the local connection is closed');
  }

  /** The node was closed. */
  static nodeClosed(id: string): UnavailableError {
    return UnavailableError.#of(`node ${id} is closed`);
  }

  /** A durable peer attached to a node that is closed. */
  static closed(): UnavailableError {
    return UnavailableError.#of('the node is closed');
  }

  /** The node closed before an unacknowledged commit was kept for a resend. */
  static closedBeforeKept(): UnavailableError {
    return UnavailableError.#of(
      'the node closed before the commit was kept for a resend; the durable peer holds it only if it stored it and its answer was lost (read it back to know)',
    );
  }

  /** A request on a server connection that was closed. */
  static connectionClosed(): UnavailableError {
    return UnavailableError.#of('the connection is closed');
  }

  /** The server holds maxConnections connections already. */
  static tooManyConnections(limit: number): UnavailableError {
    return UnavailableError.#of(
      `the server accepts at most ${limit} connections at once (limit maxConnections); ` + 'try again later',
    );
  }

  /** A React hook found no AnkurahProvider. */
  static noProvider(): UnavailableError {
    return UnavailableError.#of(
      'No AnkurahProvider above this component. Fix: wrap the tree in <AnkurahProvider context={node.context()}>, ' +
        'or pass the Context to the hook explicitly',
    );
  }

  /** connectShared was given a durable node. */
  static sharedNotEphemeral(): UnavailableError {
    return UnavailableError.#of('connectShared connects an ephemeral node to a durable one');
  }

  /** connectShared where Web Locks or BroadcastChannel are missing. */
  static sharedUnsupported(): UnavailableError {
    return UnavailableError.#of(
      'connectShared needs Web Locks and BroadcastChannel (a browser page on https or localhost). ' +
        'Fix: use SocketClient.connect where they are missing',
    );
  }

  /** A follower's call reached a leader tab that has no session. */
  static leaderNotConnected(): UnavailableError {
    return UnavailableError.#of('the leader tab is not connected to the durable node');
  }

  /** The leader tab is gone (`reason` says how). */
  static leaderGone(reason: string): UnavailableError {
    return UnavailableError.#of(reason);
  }

  /** A fan-out channel name Postgres cannot LISTEN on. */
  static fanoutChannel(channel: string): UnavailableError {
    return UnavailableError.#of(`the fan-out channel '${channel}' must be a lower-case Postgres identifier`);
  }

  /** The fan-out could not LISTEN on Postgres. */
  static fanoutListenFailed(cause: unknown): UnavailableError {
    return UnavailableError.#of('could not listen on Postgres for the fan-out', cause);
  }

  /** A publish while the fan-out's Postgres connection is being opened again. */
  static fanoutReopening(): UnavailableError {
    return UnavailableError.#of('the fan-out connection to Postgres is being re-opened');
  }

  /** NOTIFY on Postgres failed. */
  static fanoutNotifyFailed(cause: unknown): UnavailableError {
    return UnavailableError.#of('notifying on Postgres failed', cause);
  }

  /** The fan-out could not reach Redis (`where`: the URL without credentials). */
  static redisUnreachable(where: string, cause: unknown): UnavailableError {
    return UnavailableError.#of(`could not reach Redis at ${where} for the fan-out`, cause);
  }

  /** PUBLISH on Redis failed (`where`: the URL without credentials). */
  static redisPublishFailed(where: string, cause: unknown): UnavailableError {
    return UnavailableError.#of(`publishing to Redis at ${where} failed`, cause);
  }
}
