/* Serves the React albums sample from 127.0.0.1: the bundled page, and a durable node behind a SocketServer. */
import 'reflect-metadata';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { MemoryStorage, Node, PermissiveAgent } from 'ankurah';
import { type StorageEngine } from 'ankurah/spi';
import { SocketServer } from 'ankurah/server';
import { SqliteStorage } from 'ankurah/typeorm';
import { buildAlbums } from './build';
import { Album } from './models';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
};

/** Options of `startAlbumsServer`. */
export interface AlbumsServerOptions {
  /** The built page (see build.ts). */
  readonly site: string;
  /** 0 picks a free port. */
  readonly port?: number;
  /** A SQLite file for a durable store; memory when omitted. */
  readonly sqlite?: string | undefined;
  /** Adds a few albums when the store is empty. */
  readonly seed?: boolean;
}

/** The running sample server. */
export interface AlbumsServer {
  readonly url: string;
  readonly node: Node;
  readonly http: Server;
  close(): Promise<void>;
}

const SEED = [
  { name: 'Purple Rain', artist: 'Prince', year: 1984 },
  { name: 'Homogenic', artist: 'Björk', year: 1997 },
  { name: 'OK Computer', artist: 'Radiohead', year: 1997 },
  { name: 'Origin of Symmetry', artist: 'Muse', year: 2001 },
  { name: 'Absolution', artist: 'Muse', year: 2003 },
];

/** Starts a durable node, an HTTP server for the page on 127.0.0.1 and a SocketServer attached to it. */
export async function startAlbumsServer(options: AlbumsServerOptions): Promise<AlbumsServer> {
  const storage: StorageEngine = options.sqlite
    ? await SqliteStorage.open(options.sqlite)
    : new MemoryStorage();
  const node = await Node.durable(storage, { models: [Album], policy: new PermissiveAgent() });
  if (options.seed && (await node.context().fetch(Album, 'true LIMIT 1')).length === 0) {
    const trx = node.context().begin();
    for (const a of SEED) await trx.create(Album, a);
    await trx.commit();
  }
  const root = resolve(options.site);
  const http = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    let file = normalize(join(root, decodeURIComponent(path)));
    if (!file.startsWith(root)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404).end();
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((ok) => http.listen(options.port ?? 0, '127.0.0.1', ok));
  const sockets = await SocketServer.listen(node, { httpServer: http });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    node,
    http,
    close: async () => {
      await sockets.close();
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      await node.close();
    },
  };
}

async function main(): Promise<void> {
  const site = await buildAlbums();
  const port = Number(process.env.PORT ?? 4710);
  const sqlite = process.argv.includes('--memory') ? undefined : (process.env.ALBUMS_DB ?? 'react-albums.db');
  const server = await startAlbumsServer({ site, port, sqlite, seed: true });
  console.log(`React albums on ${server.url} (${sqlite ? `SQLite ${sqlite}` : 'memory'}); Ctrl-C stops it`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
