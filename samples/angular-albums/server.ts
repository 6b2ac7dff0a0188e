/*
 * The Angular sample's server: a durable node on SQLite, the Socket.IO endpoint and the built app, all on one
 * HTTP server on 127.0.0.1. The browser app only talks to it through ankurah's SocketClient (same origin).
 * `npm run sample:angular` (repo root) installs and builds the app if needed, then runs this file.
 * (The NestJS sample can take this role later: it serves the same Socket.IO endpoint on its own HTTP server.)
 */
import 'reflect-metadata';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type AddressInfo } from 'node:net';
import { extname, join, normalize, resolve } from 'node:path';
import { Node, PermissiveAgent } from 'ankurah';
import { SocketServer, type SocketServerHandle } from 'ankurah/server';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from './models';

/** Where `ng build` puts the browser bundle. */
export const APP_DIR = join(__dirname, 'dist', 'angular-albums', 'browser');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.ico': 'image/x-icon',
  '.svg': 'image/svg+xml',
};

/** Options of startAlbumsServer. */
export interface AlbumsServerOptions {
  /** The SQLite file (kept across restarts). */
  readonly database: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The built app to serve (default APP_DIR). */
  readonly appDir?: string;
}

/** A running sample server. */
export interface AlbumsServer {
  readonly url: string;
  readonly port: number;
  readonly node: Node;
  /** Stops serving and closes the node; the SQLite file stays. */
  close(): Promise<void>;
}

/** Serves the single-page app: files under `root`, and index.html for every other path. */
function staticApp(root: string): (req: IncomingMessage, res: ServerResponse) => void {
  const base = resolve(root);
  return (req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    let file = normalize(join(base, path));
    if (!file.startsWith(base)) {
      res.writeHead(403).end();
      return;
    }
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(base, 'index.html');
    if (!existsSync(file)) {
      res
        .writeHead(404, { 'content-type': 'text/plain' })
        .end('The app is not built: npm run sample:angular');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  };
}

/** Starts the durable node, the Socket.IO endpoint and the static app on one port. */
export async function startAlbumsServer(options: AlbumsServerOptions): Promise<AlbumsServer> {
  const node = await Node.durable(await SqliteStorage.open(options.database), {
    models: [Album],
    policy: new PermissiveAgent(),
  });
  const http: Server = createServer(staticApp(options.appDir ?? APP_DIR));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((ok, fail) => {
    http.once('error', fail);
    http.listen(options.port ?? 0, host, ok);
  });
  const sockets: SocketServerHandle = await SocketServer.listen(node, { httpServer: http });
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    node,
    close: async () => {
      await sockets.close();
      http.closeAllConnections();
      await new Promise<void>((ok) => http.close(() => ok()));
      await node.close();
    },
  };
}

async function main(): Promise<void> {
  const database = process.env.ALBUMS_DB ?? join(__dirname, 'albums.db');
  const server = await startAlbumsServer({ database, port: Number(process.env.PORT ?? 4300) });
  console.log(`Angular albums sample on ${server.url} (SQLite: ${database}); Ctrl+C to stop.`);
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}

if (require.main === module) void main();
