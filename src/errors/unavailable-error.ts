import { AnkurahError } from './ankurah-error';

/** The node is closed, or no peer is available for an operation that needs one. */
export class UnavailableError extends AnkurahError {
  static #of(message: string): UnavailableError {
    return new UnavailableError('UNAVAILABLE', message);
  }

  /**
   * @deprecated A free-text message: kept only for the node and server files being restructured. Use a named
   * factory.
   */
  static create(reason: string): UnavailableError {
    return UnavailableError.#of(reason);
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
}
