import { AnkurahError } from './ankurah-error';

/** A wire message was malformed, unexpected or exceeded a limit; each message comes from one factory. */
export class ProtocolError extends AnkurahError {
  static #of(message: string): ProtocolError {
    return new ProtocolError('PROTOCOL', `Protocol error: ${message}`);
  }

  /**
   * @deprecated A free-text message: kept only for the server-side files being restructured (their messages
   * move to named factories there). Use a named factory.
   */
  static create(reason: string): ProtocolError {
    return ProtocolError.#of(reason);
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
}

const SPLIT_FIX =
  'Fix: split the work (fewer or smaller changes per transaction), or raise the server limit maxFrameBytes';
