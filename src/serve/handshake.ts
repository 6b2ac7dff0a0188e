import * as z from 'zod';
import { AnkurahError } from '../errors/ankurah-error';
import { AccessDeniedError, ProtocolError, UnavailableError } from '../errors/errors';
import { type ReplicaPort } from '../node/ports';
import { type ContextData } from '../node/policy';
import { clientHelloSchema, type ClientHello, type ServerHello } from '../protocol/messages';
import { PROTOCOL_VERSION } from '../protocol/version';

/** What a connecting peer presents: its hello, its auth payload and (when known) its address. */
export interface Opening {
  readonly hello: unknown;
  readonly auth: unknown;
  readonly address?: string;
}

/** An accepted connection: the context data the policy agent derived, and the hello to answer with. */
export interface Accepted {
  readonly ctx: ContextData;
  readonly peer: ClientHello;
  readonly hello: ServerHello;
}

/** Checks a hello (protocol version first) and asks the policy agent to authenticate the peer. */
export async function acceptPeer(node: ReplicaPort, opening: Opening): Promise<Accepted> {
  if (node.closed) throw UnavailableError.nodeClosed(node.id);
  if (!node.durable) throw ProtocolError.serverNotDurable();
  const v: unknown =
    typeof opening.hello === 'object' ? (opening.hello as { v?: unknown } | null)?.v : undefined;
  if (v !== PROTOCOL_VERSION) {
    throw ProtocolError.versionMismatch(PROTOCOL_VERSION, v, 'peer');
  }
  const parsed = clientHelloSchema.safeParse(opening.hello);
  if (!parsed.success) throw ProtocolError.malformedHello(z.prettifyError(parsed.error));
  if (parsed.data.durable) {
    throw ProtocolError.durableClient();
  }
  let ctx: ContextData;
  try {
    ctx = await node.policy.authenticate({
      auth: opening.auth,
      ...(opening.address !== undefined ? { address: opening.address } : {}),
    });
  } catch (e) {
    throw e instanceof AnkurahError ? e : AccessDeniedError.authenticationFailed((e as Error).message);
  }
  const collections = node.schema.all().map((m) => m.collection);
  return {
    ctx: ctx ?? {},
    peer: parsed.data,
    hello: { v: PROTOCOL_VERSION, nodeId: node.id, durable: true, collections },
  };
}
