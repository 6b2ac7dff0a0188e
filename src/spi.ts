/**
 * The service-provider interface of ankurah: what a storage engine, a transport or a binding implements or
 * reads (the storage contract, the selection AST, the sync protocol's wire types). Application code needs
 * none of it: it programs against 'ankurah'.
 */
export { type StorageEngine, type CommitBatch, type CollectionSpec, type ColumnSpec } from './storage/engine';
export { type EntityState } from './entity/entity-state';
export { type Event, type Operations } from './event/event';
export { type Clock } from './event/clock';
export {
  type Selection,
  type Predicate,
  type OrderKey,
  type CompareOp,
  type Literal,
  type Path,
  type Span,
} from './query/ast';
export {
  type EntityRef,
  type HeldEntity,
  type RemoteStates,
  type DurablePeer,
  type PeerLink,
  type RemoteQuery,
} from './node/peers/peer';
export { type ChangeBatch, type EntityChange } from './node/ports';
export { type WireState, type WireStates } from './protocol/wire-states';
export {
  type ClientHello,
  type ServerHello,
  type Request,
  type RequestKind,
  type Response,
  type ErrorData,
} from './protocol/messages';
export { PROTOCOL_VERSION } from './protocol/version';
