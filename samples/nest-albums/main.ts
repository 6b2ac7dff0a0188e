/* The NestJS albums server: `PORT=3000 npm run nest-albums` (REST under /api/albums, Socket.IO on the same port). */
import 'reflect-metadata';
import { readFile } from 'node:fs/promises';
import { type IncomingMessage, type ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { MemoryStorage } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { type StorageSource } from 'ankurah/nest';
import { AlbumsService } from './albums.service';
import { AppModule } from './app.module';

export { Album } from './album.model';
export { DEMO_TOKENS, TokenPolicy, type Claims } from './token-policy';

/** Options of startNestAlbums. */
export interface NestAlbumsOptions {
  /** The port (0: a free one). Default 3000. */
  readonly port?: number;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** The durable node's storage (closed with the app). Default: in memory. */
  readonly storage?: StorageSource;
  /** Adds three sample albums when the store is empty (default false). */
  readonly seed?: boolean;
  /** Nest's logger (default off). */
  readonly logger?: boolean;
  /**
   * A built single-page app (e.g. the Angular sample's `ng build` output) served on the same port: its files, and
   * its index.html for any other GET outside /api and /socket.io (client-side routes). Default: none.
   */
  readonly staticDir?: string;
}

/** A running albums server. */
export interface NestAlbums {
  readonly app: INestApplication;
  readonly port: number;
  /** `http://host:port`: REST under `${url}/api/albums`, Socket.IO at `url`. */
  readonly url: string;
  /** Closes the app: the Socket.IO server, the HTTP server, then the node and its storage. */
  close(): Promise<void>;
}

/** Starts the albums server; resolves once it listens. */
export async function startNestAlbums(options: NestAlbumsOptions = {}): Promise<NestAlbums> {
  const host = options.host ?? '127.0.0.1';
  const app = await NestFactory.create<NestExpressApplication>(
    AppModule.register(options.storage ?? new MemoryStorage()),
    { ...(options.logger ? {} : { logger: false }) },
  );
  app.enableCors();
  if (options.staticDir !== undefined) serveApp(app, options.staticDir);
  if (options.seed) await app.get(AlbumsService).seed();
  await app.listen(options.port ?? 3000, host);
  const address = app.getHttpServer().address() as { port: number };
  return { app, port: address.port, url: `http://${host}:${address.port}`, close: () => app.close() };
}

/** Serves `dir` (static files, then index.html as the fallback of every other page path) before Nest's routes. */
function serveApp(app: NestExpressApplication, dir: string): void {
  const root = resolve(dir);
  app.useStaticAssets(root);
  app.use((req: IncomingMessage, res: ServerResponse, next: () => void) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const api = path === '/api' || path.startsWith('/api/') || path.startsWith('/socket.io/');
    if (api || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    readFile(join(root, 'index.html')).then(
      (html) => {
        res
          .writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
          .end(req.method === 'HEAD' ? '' : html);
      },
      () => {
        res.writeHead(404, { 'content-type': 'text/plain' }).end(`The app is not built (${root}/index.html)`);
      },
    );
  });
}

if (require.main === module) {
  const db = process.env.ALBUMS_DB;
  const app = process.env.APP_DIR;
  startNestAlbums({
    ...(app ? { staticDir: app } : {}),
    port: Number(process.env.PORT ?? 3000),
    host: process.env.HOST ?? '127.0.0.1',
    storage: db ? () => SqliteStorage.open(db) : new MemoryStorage(),
    seed: true,
    logger: true,
  })
    .then((s) => {
      console.log(
        `nest-albums: REST ${s.url}/api/albums, Socket.IO ${s.url}; tokens alice-token (editor), bob-token (viewer)`,
      );
      const stop = (): void => void s.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    })
    .catch((e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    });
}
