/*
 * The Angular sample's server is the NestJS sample (samples/nest-albums): a durable node on SQLite, REST under
 * /api/albums, the Socket.IO endpoint and the built app, all on one HTTP server on 127.0.0.1. The browser app talks
 * to it through ankurah's SocketClient (same origin), with the editor token `alice-token` of the Nest sample.
 * `npm run sample:angular` (repo root) installs and builds the app if needed, then runs this file.
 */
import 'reflect-metadata';
import { join } from 'node:path';
import { type Node } from 'ankurah';
import { ANKURAH_NODE } from 'ankurah/nest';
import { SqliteStorage } from 'ankurah/typeorm';
import { startNestAlbums, type NestAlbums } from '../nest-albums/main';

/** Where `ng build` puts the browser bundle. */
export const APP_DIR = join(__dirname, 'dist', 'angular-albums', 'browser');

/** Options of startAlbumsServer. */
export interface AlbumsServerOptions {
  /** The SQLite file (kept across restarts). */
  readonly database: string;
  /** 0 picks a free port. */
  readonly port?: number;
  readonly host?: string;
  /** The built app to serve (default APP_DIR). */
  readonly appDir?: string;
  /** Adds three sample albums when the store is empty (default false). */
  readonly seed?: boolean;
}

/** A running sample server. */
export interface AlbumsServer {
  readonly url: string;
  readonly port: number;
  /** The durable node (its policy is the Nest sample's TokenPolicy: pass claims to `node.context(...)`). */
  readonly node: Node;
  /** The Nest application. */
  readonly app: NestAlbums['app'];
  /** Stops serving and closes the node; the SQLite file stays. */
  close(): Promise<void>;
}

/** Starts the Nest albums sample on SQLite at `database`, serving the built Angular app on the same port. */
export async function startAlbumsServer(options: AlbumsServerOptions): Promise<AlbumsServer> {
  const nest = await startNestAlbums({
    port: options.port ?? 0,
    host: options.host ?? '127.0.0.1',
    storage: () => SqliteStorage.open(options.database),
    staticDir: options.appDir ?? APP_DIR,
    seed: options.seed ?? false,
  });
  const node = nest.app.get<Node>(ANKURAH_NODE);
  return { url: nest.url, port: nest.port, node, app: nest.app, close: () => nest.close() };
}

async function main(): Promise<void> {
  const database = process.env.ALBUMS_DB ?? join(__dirname, 'albums.db');
  const server = await startAlbumsServer({ database, port: Number(process.env.PORT ?? 4300), seed: true });
  console.log(
    `Angular albums sample (served by the Nest sample) on ${server.url}, REST ${server.url}/api/albums ` +
      `(SQLite: ${database}); Ctrl+C to stop.`,
  );
  process.once('SIGINT', () => void server.close().then(() => process.exit(0)));
}

if (require.main === module) void main();
