import { AnkurahError } from './ankurah-error';

/** A wire message was malformed, unexpected or exceeded a limit; each message comes from one factory. */
export class ProtocolError extends AnkurahError {
  static #of(message: string): ProtocolError {
    return new ProtocolError('PROTOCOL', `Protocol error: ${message}`);
  }

  /** The peer speaks another protocol version (`theirs` as it sent it). */
  static versionMismatch(ours: number, theirs: unknown, peer: 'server' | 'peer'): ProtocolError {
    return ProtocolError.#of(
      `protocol version mismatch: this node speaks version ${ours}, the ${peer} speaks ` +
        `${typeof theirs === 'number' ? `version ${theirs}` : 'no known version'}. Fix: use the same ankurah release on both sides`,
    );
  }

  /** A message from the server failed its schema (`what`: 'hello', 'update', a request kind's result). */
  static malformed(what: string, detail: string): ProtocolError {
    return ProtocolError.#of(`malformed ${what} from the server: ${detail}`);
  }

  /** The answer to a request was not an answer. */
  static malformedAnswer(kind: string, id: number): ProtocolError {
    return ProtocolError.#of(`malformed answer to ${kind} request ${id}`);
  }

  /** A request's result failed its schema. */
  static malformedResult(kind: string, detail: string): ProtocolError {
    return ProtocolError.#of(`malformed ${kind} result: ${detail}`);
  }

  /** Paging through an entity's history made no progress. */
  static historyStalled(collection: string, id: string, after: string | undefined): ProtocolError {
    return ProtocolError.#of(
      `the history of ${collection}/${id} did not advance past ${after ?? 'its start'}`,
    );
  }

  /** A frame's binary attachment is malformed. */
  static badAttachment(why: string): ProtocolError {
    return ProtocolError.#of(`malformed binary attachment: ${why}`);
  }

  /** A frame is over the server's maxFrameBytes. */
  static frameTooLarge(bytes: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the frame exceeds the limit of ${limit} bytes (it has about ${bytes}). ${SPLIT_FIX}`,
    );
  }

  /** A frame is larger on the wire than the server's transport reads. */
  static messageTooLarge(bytes: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the frame takes about ${bytes} bytes on the wire; the server reads at most ${limit}. ${SPLIT_FIX}`,
    );
  }

  /** A LocalConnector was given two nodes of the same kind. */
  static localConnectorRoles(): ProtocolError {
    return ProtocolError.#of('LocalConnector connects one durable node and one ephemeral node');
  }

  /** A fan-out notice that is not JSON (`detail`: the parser's message). */
  static noticeNotJson(detail: string): ProtocolError {
    return ProtocolError.#of(`a fan-out notice is not JSON (${detail})`);
  }

  /** A fan-out notice that failed its schema. */
  static noticeMalformed(detail: string): ProtocolError {
    return ProtocolError.#of(`a fan-out notice is malformed: ${detail}`);
  }

  /** A hello that failed its schema. */
  static malformedHello(detail: string): ProtocolError {
    return ProtocolError.#of(`malformed hello: ${detail}`);
  }

  /** A request that failed its schema. */
  static malformedRequest(detail: string): ProtocolError {
    return ProtocolError.#of(`malformed request: ${detail}`);
  }

  /** A frame over a size or depth limit (`reason` from measureFrame). */
  static frameRefused(reason: string): ProtocolError {
    return ProtocolError.#of(reason);
  }

  /** A client connected to an ephemeral node. */
  static serverNotDurable(): ProtocolError {
    return ProtocolError.#of('this node is ephemeral; connect to a durable node');
  }

  /** A SocketServer was started on an ephemeral node. */
  static servesOnlyDurable(): ProtocolError {
    return ProtocolError.#of('only a durable node can serve clients');
  }

  /** A durable node said hello as a client. */
  static durableClient(): ProtocolError {
    return ProtocolError.#of(
      'a durable node cannot connect as a client; durable nodes share storage instead',
    );
  }

  /** A second handshake on one underlying connection. */
  static sessionAlreadyOpen(): ProtocolError {
    return ProtocolError.#of('this connection already opened a session');
  }

  /** A request on a connection that was closed. */
  static connectionClosed(): ProtocolError {
    return ProtocolError.#of('the connection is closed');
  }

  /** A request event without a frame and an acknowledgement callback. */
  static requestShape(): ProtocolError {
    return ProtocolError.#of('a request is one frame with an acknowledgement callback');
  }

  /** An event the server does not know. */
  static unknownMessage(event: unknown): ProtocolError {
    return ProtocolError.#of(`unknown message '${String(event).slice(0, 64)}'`);
  }

  /** More requests in flight than maxInFlight. */
  static tooManyInFlight(limit: number): ProtocolError {
    return ProtocolError.#of(`too many requests in flight (limit ${limit})`);
  }

  /** The requests in flight would cost more than maxCostInFlight. */
  static costInFlight(cost: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the connection's requests in flight would cost ${cost} (1 per request plus its ids, ` +
        `held entities and events; limit maxCostInFlight ${limit}). ` +
        'Fix: send it once earlier requests are answered, or split it',
    );
  }

  /** A subscription id already in use on the connection. */
  static subscriptionExists(id: string): ProtocolError {
    return ProtocolError.#of(`subscription '${id}' already exists on this connection`);
  }

  /** More subscriptions than maxSubscriptions. */
  static tooManySubscriptions(limit: number): ProtocolError {
    return ProtocolError.#of(`a connection may hold at most ${limit} subscriptions`);
  }

  /** A subscription closed while it was being opened or read. */
  static subscriptionClosed(id: string): ProtocolError {
    return ProtocolError.#of(`subscription '${id}' was closed`);
  }

  /** A subscription id the connection does not hold. */
  static noSubscription(id: string): ProtocolError {
    return ProtocolError.#of(`no subscription '${id}' on this connection`);
  }

  /** The live queries of a connection would track more than maxTrackedRows. */
  static tooManyTrackedRows(tracked: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the connection's live queries would track ${tracked} rows (limit maxTrackedRows ` +
        `${limit}). Fix: narrow the queries, add LIMIT, or unsubscribe from others`,
    );
  }

  /** A result over maxResultRows. */
  static tooManyRows(limit: number): ProtocolError {
    return ProtocolError.#of(
      `the result has more than ${limit} rows. Fix: add a LIMIT or a narrower condition`,
    );
  }

  /** An answer to a read over maxAnswerBytes. */
  static answerTooLarge(bytes: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the answer has about ${bytes} bytes, over the limit maxAnswerBytes ` +
        `${limit}. Fix: ask for fewer rows (LIMIT) or split the request`,
    );
  }

  /** One entity's update over maxAnswerBytes: reported, not pushed. */
  static pushTooLarge(collection: string, id: string, bytes: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `the update of ${collection}/${id} has about ${bytes} bytes, over the limit maxAnswerBytes ` +
        `${limit}; it was not pushed`,
    );
  }

  /** A client that did not read what was written to it was disconnected (reported on the server). */
  static clientCut(nodeId: string, address: string, unread: number, limit: number): ProtocolError {
    return ProtocolError.#of(
      `disconnected client ${nodeId} (${address}): ${unread} bytes written ` +
        `to it were still unread (limit maxPendingBytes ${limit}); it resyncs when it reconnects`,
    );
  }
}

const SPLIT_FIX =
  'Fix: split the work (fewer or smaller changes per transaction), or raise the server limit maxFrameBytes';
