import * as z from 'zod';
import { ProtocolError } from '../errors/errors';
import { type Event } from '../event/event';
import { type DurablePeer, type HeldEntity, type RemoteStates } from '../node/peers/peer';
import { type Selection } from '../query/ast';
import { printSelection } from '../query/printer';
import { type Channel } from '../protocol/channel';
import { fromErrorData } from '../protocol/error-data';
import { isPlain } from '../protocol/fast-checks';
import { fastRemoteStates } from '../protocol/fast-states';
import { remoteStatesSchema } from '../protocol/wire-schemas';
import {
  responseSchema,
  resultSchemas,
  serverHelloSchema,
  type OutgoingRequest,
  type RequestKind,
  type Result,
  type ServerHello,
} from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/version';
import { wireEvent } from '../protocol/wire-states';

/** Validates the durable node's hello; a version mismatch is refused with both versions named. */
export function parseServerHello(raw: unknown): ServerHello {
  const v: unknown = typeof raw === 'object' ? (raw as { v?: unknown } | null)?.v : undefined;
  if (v !== PROTOCOL_VERSION) {
    throw ProtocolError.versionMismatch(PROTOCOL_VERSION, v, 'server');
  }
  const parsed = serverHelloSchema.safeParse(raw);
  if (!parsed.success) throw ProtocolError.malformed('hello', z.prettifyError(parsed.error));
  return parsed.data;
}

/** Validates a pushed update before it reaches the node. */
export function parsePush(raw: unknown): RemoteStates {
  const fast = fastRemoteStates(raw);
  if (fast) return fast;
  // A pushed update has the shape of the states a request answers with.
  const parsed = remoteStatesSchema.safeParse(raw);
  if (!parsed.success) throw ProtocolError.malformed('update', z.prettifyError(parsed.error));
  return parsed.data as RemoteStates;
}

/** Request kinds answered with RemoteStates (validated by the fast path first). */
const STATES_RESULTS: ReadonlySet<RequestKind> = new Set(['get', 'fetch', 'commit', 'subscribe', 'update']);

/**
 * The client side of a connection to a durable node: numbers requests, validates every answer, and turns
 * error data back into the matching AnkurahError subclass.
 */
export class ClientSession implements DurablePeer {
  readonly nodeId: string;
  readonly hello: ServerHello;
  readonly #channel: Channel;
  #seq = 0;

  constructor(channel: Channel, hello: ServerHello) {
    this.#channel = channel;
    this.hello = hello;
    this.nodeId = hello.nodeId;
  }

  async #call<K extends RequestKind>(request: OutgoingRequest & { kind: K }): Promise<Result<K>> {
    const id = ++this.#seq;
    const raw = await this.#channel.request({ ...request, id });
    // The frequent answer, `{ id, ok: true, result }` with states, is checked by hand (the same rules).
    let result: unknown;
    if (isPlain(raw) && raw.ok === true && raw.id === id && 'result' in raw) {
      result = raw.result;
    } else {
      const answer = responseSchema.safeParse(raw);
      if (!answer.success || answer.data.id !== id) {
        throw ProtocolError.malformedAnswer(request.kind, id);
      }
      if (!answer.data.ok) throw fromErrorData(answer.data.error);
      result = answer.data.result;
    }
    const fast = STATES_RESULTS.has(request.kind) ? fastRemoteStates(result) : undefined;
    if (fast) return fast as Result<K>;
    const parsed = resultSchemas[request.kind].safeParse(result);
    if (!parsed.success) {
      throw ProtocolError.malformedResult(request.kind, z.prettifyError(parsed.error));
    }
    return parsed.data as Result<K>;
  }

  async get(collection: string, id: string): Promise<RemoteStates> {
    return (await this.#call({ kind: 'get', collection, entityId: id })) as RemoteStates;
  }

  async fetch(collection: string, selection: Selection): Promise<RemoteStates> {
    return (await this.#call({
      kind: 'fetch',
      collection,
      selection: printSelection(selection),
    })) as RemoteStates;
  }

  async getEvents(collection: string, ids: readonly string[]): Promise<readonly Event[]> {
    return (await this.#call({ kind: 'getEvents', collection, ids: [...ids] })).events as Event[];
  }

  async history(collection: string, id: string): Promise<readonly Event[]> {
    const out: Event[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await this.#call({
        kind: 'history',
        collection,
        entityId: id,
        ...(after !== undefined ? { after } : {}),
      });
      out.push(...(page.events as Event[]));
      const last = out[out.length - 1];
      // A page that ends where the last one did would loop forever: the peer broke the order it promised.
      if (!page.more) return out;
      if (last === undefined || last.id === after) {
        throw ProtocolError.historyStalled(collection, id, after);
      }
      after = last.id;
    }
  }

  async commit(events: readonly Event[]): Promise<RemoteStates> {
    // Text operations go as base64: one frame instead of one per binary attachment.
    const wire = events.map(wireEvent);
    return (await this.#call({ kind: 'commit', events: wire as never })) as RemoteStates;
  }

  async subscribe(
    sub: string,
    collection: string,
    selection: Selection,
    held: readonly HeldEntity[],
  ): Promise<RemoteStates> {
    const request = {
      kind: 'subscribe',
      sub,
      collection,
      selection: printSelection(selection),
      held,
    } as const;
    return (await this.#call(request as OutgoingRequest & { kind: 'subscribe' })) as RemoteStates;
  }

  async update(sub: string, selection: Selection, held: readonly HeldEntity[]): Promise<RemoteStates> {
    const request = { kind: 'update', sub, selection: printSelection(selection), held } as const;
    return (await this.#call(request as OutgoingRequest & { kind: 'update' })) as RemoteStates;
  }

  async unsubscribe(sub: string): Promise<void> {
    await this.#call({ kind: 'unsubscribe', sub });
  }
}
