import { type ModuleMetadata, type InjectionToken } from '@nestjs/common';
import { type ModelClass } from '../../model/model-meta';
import { type NodeOptions } from '../../node/options';
import { type ContextData, type PolicyAgent } from '../../node/policy';
import { type StorageEngine } from '../../storage/engine';
import { type SocketServerOptions } from '../../transport/socket-server';

/** A storage engine, or a function opening one (called once, when the module starts). */
export type StorageSource = StorageEngine | (() => StorageEngine | Promise<StorageEngine>);

/** Socket.IO server options shared by both placements (on Nest's HTTP server or on a port of its own). */
export type AnkurahSocketOptions = Pick<
  SocketServerOptions,
  'path' | 'limits' | 'corsOrigin' | 'acceptUnknownCollections'
>;

/** What AnkurahModule.forRoot builds the durable node and its Socket.IO server from. */
export interface AnkurahModuleOptions {
  /** The durable node's storage; the node closes it on application shutdown. */
  readonly storage: StorageSource;
  readonly models?: readonly ModelClass[];
  /** Decides who may read and write what; its `authenticate` also serves HTTP requests (AnkurahAuthGuard). */
  readonly policy?: PolicyAgent;
  /** Further Node options (walk budget, clock skew). */
  readonly node?: Omit<NodeOptions, 'models' | 'policy'>;
  /** Serves Socket.IO on Nest's own HTTP server (the default, path "/socket.io"); false: no socket server. */
  readonly server?: AnkurahSocketOptions | false;
  /** Serves Socket.IO on a port of its own instead of Nest's HTTP server. */
  readonly socket?: AnkurahSocketOptions & { readonly port: number; readonly host?: string };
  /** The context data the injected collections act with (default `{}`): the server's own identity. */
  readonly systemContext?: ContextData;
  /**
   * The context data of an HTTP request for @InjectContext(), read at the Context's first use (after the
   * route's guards). Default: `req.user` when it is an object (AnkurahAuthGuard or passport set it), else `{}`.
   */
  readonly contextData?: (request: unknown) => ContextData;
  /** Registers AnkurahExceptionFilter globally (default true). */
  readonly exceptionFilter?: boolean;
}

/** forRoot's asynchronous form: options from a factory with injected dependencies (e.g. ConfigService). */
export interface AnkurahModuleAsyncOptions {
  readonly imports?: ModuleMetadata['imports'];
  readonly inject?: InjectionToken[];
  readonly useFactory: (...args: never[]) => AnkurahModuleOptions | Promise<AnkurahModuleOptions>;
  /** Registers AnkurahExceptionFilter globally (default true; decided before the factory runs). */
  readonly exceptionFilter?: boolean;
}

/** Opens the storage a StorageSource names. */
export async function openStorage(source: StorageSource): Promise<StorageEngine> {
  return typeof source === 'function' ? source() : source;
}
