import { addAlbum, Rig, request } from './harness';
import { Album } from '../../fixtures/models';

describe('Yjs payloads on the wire', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('travel as binary attachments, not base64 strings', async () => {
    const { srv } = await rig.server();
    const { node: writer } = await rig.client(srv.url);
    const id = await addAlbum(writer, 'Text', 2001);
    await writer
      .context()
      .collection(Album)
      .edit(id, (m) => m.text('notes').insert(0, 'binary please'));
    const raw = await rig.raw(srv.url);
    const answer = await request(raw, { id: 1, kind: 'get', collection: 'album', entityId: id });
    expect(answer.ok).toBe(true);
    const states = (answer.result as { states: { text: Record<string, unknown> }[] }).states;
    const notes = states[0]?.text.notes;
    expect(typeof notes).not.toBe('string');
    expect(Buffer.isBuffer(notes) || notes instanceof ArrayBuffer || notes instanceof Uint8Array).toBe(true);
  });
});
