/** The root entry (Node and browsers). Apps import 'reflect-metadata' once themselves: this package has no side effects. */
export { Model, Field, Text, Json, Ref, type FieldOptions } from './model/decorators';
export { type FieldType } from './model/field-type';
export { type ModelClass, type ModelMeta, type FieldMeta } from './model/model-meta';
export { modelMeta } from './model/registry';
export { type View, type ViewMembers } from './model/view';
export { type Mutable, type MutableMembers, type TextHandle } from './node/mutable';
export { Node, type NodeOptions, type ChangeBatch, type EntityChange } from './node/node';
export { Context } from './node/context';
export { Transaction, type CreateData } from './node/transaction';
export { Collection } from './node/collection';
export { LiveQuery } from './node/live-query';
export { SharedQuery } from './node/shared-query';
export { ChangeSet, type Change, type ChangeKind } from './node/change-set';
export {
  PermissiveAgent,
  type PolicyAgent,
  type ContextData,
  type Handshake,
  type Access,
} from './node/policy';
export { MemoryStorage } from './storage/memory-storage';
export { type StorageEngine, type CommitBatch, type CollectionSpec, type ColumnSpec } from './storage/engine';
export { type EntityState } from './entity/entity-state';
export { type Event, type Operations } from './event/event';
export { type Clock } from './event/clock';
export { parseSelection } from './query/parser';
export { printSelection } from './query/printer';
export { type Selection, type Predicate, type OrderKey } from './query/ast';
export { AnkurahError } from './errors/ankurah-error';
export { ERROR_CODES, type ErrorCode } from './errors/codes';
export {
  MetadataError,
  ValidationError,
  NotFoundError,
  TransactionClosedError,
  AccessDeniedError,
  ProtocolError,
  StorageError,
  CausalError,
  UnavailableError,
  InternalError,
} from './errors/errors';
export { QuerySyntaxError } from './errors/query-syntax-error';
export { SocketClient, type SocketClientOptions } from './transport/socket-client';
export { LocalConnector, type LocalConnectOptions, type LocalConnection } from './transport/local-connector';
export { PROTOCOL_VERSION } from './protocol/version';
export { DEFAULT_LIMITS, type Limits } from './protocol/limits';
export { type EntityRef, type HeldEntity, type RemoteStates, type DurablePeer } from './node/peer';
