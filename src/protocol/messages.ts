import * as z from 'zod';
import { type Limits } from './limits';
import { collectionSchema, eventSchema, heldSchema, remoteStatesSchema, ulidSchema } from './wire-schemas';

/** What a connecting node says first (in the socket.io handshake, or LocalConnector's first call). */
export const clientHelloSchema = z.strictObject({
  v: z.number().int(),
  nodeId: ulidSchema,
  durable: z.boolean(),
});

/** A connecting node's hello. */
export type ClientHello = z.infer<typeof clientHelloSchema>;

/** What the durable node answers once the connection is accepted. */
export const serverHelloSchema = z.object({
  v: z.number().int(),
  nodeId: ulidSchema,
  durable: z.literal(true),
  collections: z.array(collectionSchema),
});

/** The durable node's hello. */
export type ServerHello = z.infer<typeof serverHelloSchema>;

const subSchema = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'expected a subscription id');

/** The schema of every request frame, bounded by the server's limits. */
export function requestSchema(limits: Limits) {
  const id = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
  const selection = z.string().max(limits.maxSelectionChars);
  const held = z.array(heldSchema).max(limits.maxIdsPerRequest);
  return z.discriminatedUnion('kind', [
    z.strictObject({ id, kind: z.literal('get'), collection: collectionSchema, entityId: ulidSchema }),
    z.strictObject({ id, kind: z.literal('fetch'), collection: collectionSchema, selection }),
    z.strictObject({
      id,
      kind: z.literal('getEvents'),
      collection: collectionSchema,
      ids: z.array(ulidSchema).max(limits.maxIdsPerRequest),
    }),
    z.strictObject({
      id,
      kind: z.literal('history'),
      collection: collectionSchema,
      entityId: ulidSchema,
      after: ulidSchema.optional(),
    }),
    z.strictObject({
      id,
      kind: z.literal('commit'),
      events: z.array(eventSchema).min(1).max(limits.maxEventsPerCommit),
    }),
    z.strictObject({
      id,
      kind: z.literal('subscribe'),
      sub: subSchema,
      collection: collectionSchema,
      selection,
      held,
    }),
    z.strictObject({ id, kind: z.literal('update'), sub: subSchema, selection, held }),
    z.strictObject({ id, kind: z.literal('unsubscribe'), sub: subSchema }),
  ]);
}

/** A validated request. */
export type Request = z.infer<ReturnType<typeof requestSchema>>;

/** The kinds of request. */
export type RequestKind = Request['kind'];

/** A request before it is numbered and sent (what a client builds; binary stays Uint8Array). */
export type OutgoingRequest = DistributiveOmit<Request, 'id'>;

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** Serialised AnkurahError: the caller rebuilds the matching subclass. */
export const errorDataSchema = z.object({
  code: z.string(),
  name: z.string(),
  message: z.string(),
  model: z.string().optional(),
  violations: z
    .array(z.object({ field: z.string(), constraints: z.record(z.string(), z.string()) }))
    .optional(),
  query: z.string().optional(),
  offset: z.number().optional(),
  found: z.string().optional(),
  expected: z.string().optional(),
});

/** An error as data. */
export type ErrorData = z.infer<typeof errorDataSchema>;

/** The acknowledgement of a request: a result, or an error as data. */
export const responseSchema = z.union([
  z.object({ id: z.number(), ok: z.literal(true), result: z.unknown() }),
  z.object({ id: z.number(), ok: z.literal(false), error: errorDataSchema }),
]);

/** An acknowledgement. */
export type Response = z.infer<typeof responseSchema>;

/** The result schema of each request kind. */
export const resultSchemas = {
  get: remoteStatesSchema,
  fetch: remoteStatesSchema,
  getEvents: z.object({ events: z.array(eventSchema) }),
  history: z.object({ events: z.array(eventSchema), more: z.boolean() }),
  commit: remoteStatesSchema,
  subscribe: remoteStatesSchema,
  update: remoteStatesSchema,
  unsubscribe: z.object({}),
} as const satisfies Record<RequestKind, z.ZodType>;

/** The result of each request kind. */
export type Result<K extends RequestKind> = z.infer<(typeof resultSchemas)[K]>;
