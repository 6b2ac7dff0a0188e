/* Child process of bench/sync.ts: a durable node served over Socket.IO, reporting its heap on request. */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { SocketServer } from 'ankurah/server';
import { Album } from '../samples/albums/models';

async function main(): Promise<void> {
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const srv = await SocketServer.listen(node, { port: 0, host: '127.0.0.1' });
  const gc = (globalThis as { gc?: () => void }).gc;
  process.on('message', (msg: string) => {
    if (msg === 'memory') {
      gc?.();
      gc?.();
      process.send?.({
        heap: process.memoryUsage().heapUsed,
        rss: process.memoryUsage().rss,
        connections: srv.connections,
      });
    } else if (msg === 'close') {
      void srv
        .close()
        .then(() => node.close())
        .then(() => process.exit(0));
    }
  });
  process.send?.({ url: srv.url });
}

void main();
