/** The root entry (Node and browsers). Apps import 'reflect-metadata' once themselves: this package has no side effects. */
export { Model, Field, Text, Json, Ref, type FieldOptions } from './model/decorators';
export { type FieldType } from './model/field-type';
export { type ModelClass, type ModelMeta, type FieldMeta } from './model/model-meta';
export { modelMeta } from './model/registry';
export { type View, type ViewMembers } from './model/view';
export { type Mutable, type MutableMembers, type TextHandle } from './node/api/mutable';
export { Node, Node as AnkurahNode, type NodeOptions } from './node/node';
export { Context } from './node/api/context';
export { Transaction, type CreateData } from './node/api/transaction';
export { Collection } from './node/api/collection';
export { LiveQuery } from './node/api/live-query';
export { SharedQuery } from './node/api/shared-query';
export { ChangeSet, type Change, type ChangeKind } from './node/api/change-set';
export {
  PermissiveAgent,
  type PolicyAgent,
  type ContextData,
  type Handshake,
  type Access,
} from './node/policy';
export { MemoryStorage } from './storage/memory-storage';
export { parseSelection } from './query/parser';
export { printSelection } from './query/printer';
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
  UsageError,
  InternalError,
} from './errors/errors';
export { QuerySyntaxError } from './errors/query-syntax-error';
export { SocketClient, type SocketClientOptions } from './transport/socket-client';
export { LocalConnector, type LocalConnectOptions, type LocalConnection } from './transport/local-connector';
export { DEFAULT_LIMITS, type Limits } from './protocol/limits';
