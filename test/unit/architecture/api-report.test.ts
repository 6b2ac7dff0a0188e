import { resolve } from 'node:path';
import * as ts from 'typescript';

// The public surface of each package entry: every exported name, as a value (usable at run time) or a type.
// A change of the surface fails here until this report is updated, so that it is always a decision.

const ROOT = resolve(__dirname, '../../..');
const ENTRIES = {
  ankurah: 'src/index.ts',
  'ankurah/typeorm': 'src/typeorm.ts',
  'ankurah/server': 'src/server.ts',
  'ankurah/spi': 'src/spi.ts',
  'ankurah/react': 'src/react.ts',
  'ankurah/indexeddb': 'src/indexeddb.ts',
  'ankurah/nest': 'src/nest.ts',
} as const;

function load(): { program: ts.Program; checker: ts.TypeChecker } {
  const file = resolve(ROOT, 'tsconfig.json');
  const json = ts.readConfigFile(file, (p) => ts.sys.readFile(p)).config as unknown;
  const { options } = ts.parseJsonConfigFileContent(json, ts.sys, ROOT);
  const paths = Object.values(ENTRIES).map((p) => resolve(ROOT, p));
  const program = ts.createProgram(paths, { ...options, noEmit: true });
  return { program, checker: program.getTypeChecker() };
}

function exportsOf(path: string): ts.Symbol[] {
  const source = program.getSourceFile(resolve(ROOT, path));
  const module = source && checker.getSymbolAtLocation(source);
  if (!module) throw new Error(`no module for ${path}`);
  return checker.getExportsOfModule(module);
}

const target = (s: ts.Symbol): ts.Symbol =>
  s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s;

function surface(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [entry, path] of Object.entries(ENTRIES)) {
    out[entry] = exportsOf(path)
      .map((s) => `${target(s).flags & ts.SymbolFlags.Value ? 'value' : 'type'} ${s.name}`)
      .sort();
  }
  return out;
}

/** The public members of the root entry's Node class with their types, statics included. */
function nodeMembers(): string[] {
  const node = exportsOf(ENTRIES.ankurah).find((s) => s.name === 'Node');
  if (!node) throw new Error('no Node export');
  const cls = target(node);
  const show = (owner: string, p: ts.Symbol): string => {
    const decl = p.valueDeclaration ?? p.declarations?.[0];
    const type = decl ? checker.typeToString(checker.getTypeOfSymbolAtLocation(p, decl)) : '?';
    return `${owner}${p.name}: ${type}`;
  };
  const instance = checker
    .getDeclaredTypeOfSymbol(cls)
    .getProperties()
    .map((p) => show('', p));
  const statics = checker
    .getTypeOfSymbolAtLocation(cls, cls.valueDeclaration as ts.Node)
    .getProperties()
    .filter((p) => p.name !== 'prototype')
    .map((p) => show('static ', p));
  return [...statics, ...instance].sort();
}

let program: ts.Program;
let checker: ts.TypeChecker;
beforeAll(() => ({ program, checker } = load()));

const REPORT: Record<keyof typeof ENTRIES, string[]> = {
  ankurah: [
    'type Access',
    'type Change',
    'type ChangeKind',
    'type ContextData',
    'type CreateData',
    'type ErrorCode',
    'type FieldMeta',
    'type FieldOptions',
    'type FieldType',
    'type Handshake',
    'type Limits',
    'type LocalConnectOptions',
    'type LocalConnection',
    'type ModelClass',
    'type ModelMeta',
    'type Mutable',
    'type MutableMembers',
    'type NodeOptions',
    'type PolicyAgent',
    'type SocketClientOptions',
    'type TextHandle',
    'type View',
    'type ViewMembers',
    'value AccessDeniedError',
    'value AnkurahError',
    'value AnkurahNode',
    'value CausalError',
    'value ChangeSet',
    'value Collection',
    'value Context',
    'value DEFAULT_LIMITS',
    'value ERROR_CODES',
    'value Field',
    'value InternalError',
    'value Json',
    'value LiveQuery',
    'value LocalConnector',
    'value MemoryStorage',
    'value MetadataError',
    'value Model',
    'value Node',
    'value NotFoundError',
    'value PermissiveAgent',
    'value ProtocolError',
    'value QuerySyntaxError',
    'value Ref',
    'value SharedQuery',
    'value SocketClient',
    'value StorageError',
    'value Text',
    'value Transaction',
    'value TransactionClosedError',
    'value UnavailableError',
    'value UsageError',
    'value ValidationError',
    'value modelMeta',
    'value parseSelection',
    'value printSelection',
  ],
  'ankurah/typeorm': [
    'type ConflictRef',
    'type MysqlOpenOptions',
    'type MysqlOptions',
    'type PostgresOpenOptions',
    'type PostgresOptions',
    'type SqliteOptions',
    'type TypeOrmStorageOptions',
    'value MysqlStorage',
    'value PostgresStorage',
    'value SqlStorage',
    'value SqliteStorage',
    'value StorageConflict',
    'value TypeOrmStorage',
    'value collectionEntitySchemas',
  ],
  'ankurah/server': [
    'type FanoutBus',
    'type FanoutEvent',
    'type FanoutOptions',
    'type PostgresFanoutOptions',
    'type RedisFanoutOptions',
    'type SocketServerHandle',
    'type SocketServerOptions',
    'value Fanout',
    'value PostgresFanout',
    'value RedisFanout',
    'value SocketServer',
  ],
  'ankurah/spi': [
    'type ChangeBatch',
    'type ClientHello',
    'type Clock',
    'type CollectionSpec',
    'type ColumnSpec',
    'type CommitBatch',
    'type CompareOp',
    'type DurablePeer',
    'type EntityChange',
    'type EntityRef',
    'type EntityState',
    'type ErrorData',
    'type Event',
    'type HeldEntity',
    'type Literal',
    'type Operations',
    'type OrderKey',
    'type Path',
    'type PeerLink',
    'type Predicate',
    'type RemoteQuery',
    'type RemoteStates',
    'type Request',
    'type RequestKind',
    'type Response',
    'type Selection',
    'type ServerHello',
    'type Span',
    'type StorageEngine',
    'type WireState',
    'type WireStates',
    'value PROTOCOL_VERSION',
  ],
  'ankurah/react': [
    'type AnkurahProviderProps',
    'type LiveQueryState',
    'value AnkurahProvider',
    'value useAnkurahContext',
    'value useContext',
    'value useLiveQuery',
    'value useView',
  ],
  'ankurah/indexeddb': [
    'type IndexedDbOptions',
    'type SharedConnection',
    'type SharedConnectionOptions',
    'value IndexedDbStorage',
    'value connectShared',
  ],
  'ankurah/nest': [
    'type AnkurahErrorBody',
    'type AnkurahModuleAsyncOptions',
    'type AnkurahModuleOptions',
    'type AnkurahSocketOptions',
    'type RequestContext',
    'type StorageSource',
    'value ANKURAH_CONTEXT',
    'value ANKURAH_NODE',
    'value ANKURAH_OPTIONS',
    'value AnkurahAuthGuard',
    'value AnkurahExceptionFilter',
    'value AnkurahLifecycle',
    'value AnkurahModule',
    'value Collection',
    'value HTTP_STATUS',
    'value InjectCollection',
    'value InjectContext',
    'value InjectNode',
    'value collectionToken',
    'value errorBody',
  ],
};

/** Node's members: `node.applyEvents(...)` or `node.errors$.next(...)` do not compile in user code. */
const NODE: string[] = [
  'close: () => Promise<void>',
  'closed: boolean',
  'context: (data?: Readonly<Record<string, unknown>>) => Context',
  'durable: boolean',
  'errors$: Observable<Error>',
  'id: string',
  'pending$: Observable<number>',
  'ready: () => Promise<void>',
  'static durable: (storage: StorageEngine, options?: NodeOptions) => Promise<Node>',
  'static ephemeral: (storage: StorageEngine, options?: NodeOptions) => Promise<Node>',
];

describe('API report', () => {
  it('keeps Node a small facade: no internals, read-only observables', () => {
    const members = nodeMembers();
    if (process.env.API_REPORT_PRINT) console.log(JSON.stringify(members, null, 2));
    expect(members).toEqual(NODE);
  });

  it('lists every exported name of every entry', () => {
    const actual = surface();
    if (process.env.API_REPORT_PRINT) console.log(JSON.stringify(actual, null, 2));
    expect(actual).toEqual(REPORT);
  });
});
