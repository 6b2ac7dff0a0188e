import { firstValueFrom, filter, timeout, type Observable } from 'rxjs';
import { io, type Socket } from 'socket.io-client';
import { MemoryStorage, Node, SocketClient, type NodeOptions, type View } from 'ankurah';
import { PROTOCOL_VERSION } from 'ankurah/spi';
import { SocketServer, type SocketServerHandle, type SocketServerOptions } from 'ankurah/server';
import { newId } from '../../../src/event/ids';
import { unpackFrame } from '../../../src/transport/frame-codec';
import { Album, Artist } from '../../fixtures/models';

/** Everything a test opened, closed in reverse order by `closeAll`. */
export class Rig {
  readonly #closers: (() => unknown)[] = [];

  track<T>(value: T, close: (v: T) => unknown): T {
    this.#closers.push(() => close(value));
    return value;
  }

  async server(
    options: NodeOptions = {},
    listen: Partial<SocketServerOptions> = {},
  ): Promise<{ node: Node; srv: SocketServerHandle }> {
    const node = this.track(
      await Node.durable(new MemoryStorage(), { models: [Album, Artist], ...options }),
      (n) => n.close(),
    );
    const srv = this.track(
      await SocketServer.listen(node, { port: 0, host: '127.0.0.1', ...listen } as SocketServerOptions),
      (s) => s.close(),
    );
    return { node, srv };
  }

  async client(url: string, auth?: unknown): Promise<{ node: Node; conn: SocketClient }> {
    const node = this.track(await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] }), (n) =>
      n.close(),
    );
    const conn = this.track(
      await SocketClient.connect(node, url, { auth, reconnectionDelay: 20, reconnectionDelayMax: 100 }),
      (c) => c.close(),
    );
    await node.ready();
    return { node, conn };
  }

  /** A raw socket.io client that said a valid hello: for adversarial frames. */
  async raw(url: string, hello: object = {}): Promise<Socket> {
    const socket = this.track(
      io(url, {
        transports: ['websocket'],
        reconnection: false,
        auth: { hello: { v: PROTOCOL_VERSION, nodeId: newId(), durable: false, ...hello } },
      }),
      (s) => s.close(),
    );
    await new Promise<void>((resolve, reject) => {
      socket.once('ankurah:hello', () => resolve());
      socket.once('connect_error', reject);
    });
    return socket;
  }

  async closeAll(): Promise<void> {
    for (const close of this.#closers.splice(0).reverse()) await close();
  }
}

/** The first value of an observable that passes `pred`, failing after `ms`. */
export function until<T>(source: Observable<T>, pred: (v: T) => boolean, ms = 5_000): Promise<T> {
  return firstValueFrom(source.pipe(filter(pred), timeout(ms)));
}

/** Sends one request frame and resolves to its acknowledgement (binary values put back from their attachment). */
export function request(
  socket: Socket,
  frame: unknown,
): Promise<{ id: number; ok: boolean; result?: unknown; error?: { code: string; message: string } }> {
  return new Promise((resolve, reject) => {
    socket
      .timeout(5_000)
      .emit('ankurah:req', frame, (err: Error | null, answer: unknown, attachment?: unknown) => {
        if (err) reject(err);
        else resolve((attachment === undefined ? answer : unpackFrame(answer, attachment, 64)) as never);
      });
  });
}

/** Names of album views, sorted. */
export function names(views: readonly View<Album>[]): string[] {
  return views.map((v) => v.name).sort();
}

/** Creates and commits one album. */
export async function addAlbum(node: Node, name: string, year = 2001, artist = 'Muse'): Promise<string> {
  const trx = node.context().begin();
  const m = await trx.create(Album, { name, artist, year });
  await trx.commit();
  return m.id;
}
