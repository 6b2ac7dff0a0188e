/*
 * What bench/sync.ts and its clients' child process share: the echo's payload, album creation, and how a client
 * node connects.
 */
import 'reflect-metadata';
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { Album } from '../samples/albums/models';

/** What the echo carries: about the size of a one-field commit frame. */
export const ECHO_PAYLOAD = {
  id: 1,
  kind: 'commit',
  events: [{ id: 'x'.repeat(26), parents: [], operations: { lww: { year: 1 } } }],
};

/** Creates and commits one album by artist 'A'; returns its id. */
export async function addAlbum(node: Node, name: string, year: number): Promise<string> {
  const trx = node.context().begin();
  const id = (await trx.create(Album, { name, artist: 'A', year, notes: '' })).id;
  await trx.commit();
  return id;
}

/** An ephemeral node on MemoryStorage, connected to the durable node at `url` and ready. */
export async function client(url: string): Promise<{ node: Node; conn: SocketClient }> {
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
  const conn = await SocketClient.connect(node, url);
  await node.ready();
  return { node, conn };
}
