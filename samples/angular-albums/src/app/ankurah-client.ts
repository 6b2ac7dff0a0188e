import { Injectable, type OnDestroy } from '@angular/core';
import { type Observable } from 'rxjs';
import { type Context, MemoryStorage, Node, SocketClient } from 'ankurah';
import { Album } from '../../models';

/**
 * The token this app connects with: an editor of the Nest sample's TokenPolicy (samples/nest-albums), which serves
 * this app. A demo constant; a real app would take it from its sign-in.
 */
export const SERVER_TOKEN = 'alice-token';

/**
 * The browser's ankurah node: an ephemeral node (in memory) connected to the durable server over Socket.IO.
 * `start()` runs once, before the app renders (see `provideAppInitializer` in main.ts).
 */
@Injectable({ providedIn: 'root' })
export class AnkurahClient implements OnDestroy {
  #node: Node | undefined;
  #socket: SocketClient | undefined;

  /** Creates the node and connects to `url` (the page's own origin by default). */
  async start(url: string = location.origin): Promise<void> {
    const node = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    this.#socket = await SocketClient.connect(node, url, { auth: { token: SERVER_TOKEN } });
    await node.ready();
    this.#node = node;
  }

  get node(): Node {
    if (!this.#node) throw new TypeError('AnkurahClient.start() has not completed');
    return this.#node;
  }

  /** The context every read and write of this app goes through (the server checks each commit against the claims of SERVER_TOKEN). */
  get context(): Context {
    return this.node.context();
  }

  /** How many local commits wait for the server (they are kept and sent on reconnect). */
  get pending$(): Observable<number> {
    return this.node.pending$;
  }

  /** Whether the server is reachable now. */
  get connected$(): Observable<boolean> {
    if (!this.#socket) throw new TypeError('AnkurahClient.start() has not completed');
    return this.#socket.connected$;
  }

  ngOnDestroy(): void {
    this.#socket?.close();
    void this.#node?.close();
  }
}
