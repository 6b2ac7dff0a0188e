/*
 * What one live-query push weighs on the wire: an edit pushed to a connection that holds the entity, against
 * the entity's whole state (what every push carried before pushes carried events) and the edit's own bytes.
 */
import { io } from 'socket.io-client';
import { type Node } from 'ankurah';
import { PROTOCOL_VERSION } from 'ankurah/spi';
import { Album } from '../samples/albums/models';
import { newId } from '../src/event/ids';
import { replicaOf } from '../src/node/node';
import { packFrame } from '../src/transport/frame-codec';
import { addAlbum, client } from './sync-shared';
import { percentile } from './stats';

const EDITS = 100;

/** The p50 sizes in bytes (JSON frame plus binary attachment) of the pushes, states and edits measured. */
export interface PushBytes {
  readonly label: string;
  readonly push: number;
  readonly state: number;
  readonly edit: number;
}

/** Measures pushes of one-field edits and of one-character inserts into a text of `textChars` characters. */
export async function pushBytes(url: string, server: Node, textChars: number): Promise<PushBytes[]> {
  const { node: writer, conn } = await client(url);
  const id = await addAlbum(writer, 'Bytes', 2001);
  const albums = writer.context().collection(Album);
  const socket = io(url, {
    transports: ['websocket'],
    auth: { hello: { v: PROTOCOL_VERSION, nodeId: newId(), durable: false } },
  });
  await new Promise<void>((r) => socket.once('ankurah:hello', () => r()));
  await socket.emitWithAck('ankurah:req', {
    id: 1,
    kind: 'subscribe',
    sub: 's',
    collection: 'album',
    selection: 'true',
    held: [],
  });
  let arrived: ((bytes: number) => void) | undefined;
  socket.on(
    'ankurah:push',
    (frame: unknown, attachment?: { at: unknown; len: unknown; bytes: ArrayBuffer }) => {
      const binary = attachment
        ? JSON.stringify([attachment.at, attachment.len]).length + attachment.bytes.byteLength
        : 0;
      arrived?.(JSON.stringify(frame).length + binary);
    },
  );
  const measure = async (
    label: string,
    edit: (i: number) => Promise<unknown>,
    ownBytes: () => Promise<number>,
  ): Promise<PushBytes> => {
    const pushes: number[] = [];
    const states: number[] = [];
    const edits: number[] = [];
    for (let i = 0; i < EDITS; i++) {
      const pushed = new Promise<number>((r) => (arrived = r));
      await edit(i);
      pushes.push(await pushed);
      const entity = await replicaOf(server).loadLocal('album', id);
      states.push(packFrame({ seq: 1, states: [entity?.state()], gone: [] }).bytes);
      edits.push(await ownBytes());
    }
    return {
      label,
      push: percentile(pushes, 50),
      state: percentile(states, 50),
      edit: percentile(edits, 50),
    };
  };
  // The edit's own bytes: its last event as the server stored it, packed alone.
  const lastEvent = async (): Promise<number> => {
    const entity = await replicaOf(server).loadLocal('album', id);
    const [event] = await replicaOf(server).storage.getEvents('album', entity?.head ?? []);
    return packFrame(event).bytes;
  };
  const out = [
    await measure(
      'edit of one field (year) of an album',
      (i) => albums.edit(id, (m) => void (m.year = 1950 + (i % 100))),
      lastEvent,
    ),
  ];
  await albums.edit(id, (m) => m.text('notes').insert(0, 'x'.repeat(textChars)));
  out.push(
    await measure(
      `insert of one character into a ${textChars.toLocaleString('en')}-character @Text`,
      (i) => albums.edit(id, (m) => m.text('notes').insert((i * 997) % textChars, 'y')),
      lastEvent,
    ),
  );
  socket.close();
  conn.close();
  await writer.close();
  return out;
}
