/*
 * Child process of bench/sync.ts: client B in its own process. It subscribes to the benchmark album and reports
 * each emission's year with the time it was emitted (process.hrtime is system-wide monotonic on Linux, so the
 * parent can subtract its own timestamps).
 */
import 'reflect-metadata';
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { Album } from '../samples/albums/models';
import { now } from './stats';

async function main(url: string): Promise<void> {
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
  const conn = await SocketClient.connect(node, url);
  await node.ready();
  const q = node.context().query(Album, "name = 'bench'");
  q.items$.subscribe((items) => {
    const t = now();
    const year = items[0]?.year;
    if (year !== undefined) process.send?.({ year, t });
  });
  process.on('message', (msg: string) => {
    if (msg !== 'close') return;
    q.unsubscribe();
    conn.close();
    void node.close().then(() => process.exit(0));
  });
}

process.once('message', (msg: { url: string }) => void main(msg.url));
