import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Server as HttpServer } from 'node:http';
import { type Node } from '../../node/node';
import { SocketServer, type SocketServerHandle } from '../../transport/socket-server';
import { type AnkurahModuleOptions } from './options';
import { ANKURAH_NODE, ANKURAH_OPTIONS } from './tokens';

/**
 * Starts the Socket.IO server once the application is bootstrapped (on Nest's own HTTP server unless
 * `socket.port` is given), closes it before Nest closes its HTTP server (open WebSockets would hold that
 * close), and closes the node, with its storage, on application shutdown.
 */
@Injectable()
export class AnkurahLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  #socket: SocketServerHandle | undefined;

  constructor(
    @Inject(ANKURAH_NODE) private readonly node: Node,
    @Inject(ANKURAH_OPTIONS) private readonly options: AnkurahModuleOptions,
    @Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost,
  ) {}

  /** The Socket.IO server, once the application is bootstrapped (undefined when none is served). */
  get socketServer(): SocketServerHandle | undefined {
    return this.#socket;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { socket, server } = this.options;
    if (socket) {
      this.#socket = await SocketServer.listen(this.node, socket);
      return;
    }
    if (server === false) return;
    // A standalone application context (no HTTP adapter) has no server to attach to.
    const http = this.adapterHost.httpAdapter?.getHttpServer() as HttpServer | undefined;
    if (http) this.#socket = await SocketServer.listen(this.node, { ...server, httpServer: http });
  }

  async beforeApplicationShutdown(): Promise<void> {
    const socket = this.#socket;
    this.#socket = undefined;
    await socket?.close();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.beforeApplicationShutdown();
    if (!this.node.closed) await this.node.close();
  }
}
