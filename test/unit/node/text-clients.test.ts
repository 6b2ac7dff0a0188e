import 'reflect-metadata';
import * as Y from 'yjs';
import { MemoryStorage, Node } from 'ankurah';
import { Album } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';

async function setup(): Promise<{ node: Node; id: string }> {
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const trx = node.context().begin();
  const id = (await trx.create(Album, { name: 'A', artist: 'B', year: 2000, notes: '' })).id;
  await trx.commit();
  return { node, id };
}

async function clients(node: Node, id: string): Promise<number> {
  const state = await internals(node).storage.getState('album', id);
  const doc = state?.text.notes as Uint8Array;
  return Y.decodeStateVector(Y.encodeStateVectorFromUpdate(doc)).size;
}

describe('Yjs client ids of local text edits', () => {
  it('reuses one client for sequential transactions on a document', async () => {
    const { node, id } = await setup();
    const albums = node.context().collection(Album);
    for (let i = 0; i < 20; i++) await albums.edit(id, (m) => m.text('notes').insert(0, String(i % 10)));
    expect((await node.context().get(Album, id)).notes).toBe('98765432109876543210');
    expect(await clients(node, id)).toBe(1);
    await node.close();
  });

  it('gives concurrent transactions their own clients, so both edits survive', async () => {
    const { node, id } = await setup();
    const ctx = node.context();
    const t1 = ctx.begin();
    const t2 = ctx.begin();
    const m1 = await t1.edit(Album, id);
    const m2 = await t2.edit(Album, id); // forked before t1 commits
    m1.text('notes').insert(0, 'one ');
    await t1.commit();
    m2.text('notes').insert(0, 'two '); // its copy lacks t1's items: the node's own client is not safe here
    await t2.commit();
    const notes = (await ctx.get(Album, id)).notes ?? '';
    expect(notes.split(' ').sort()).toEqual(['', 'one', 'two']);
    expect(await clients(node, id)).toBe(2);
    await node.close();
  });

  it('does not reuse the client of a rolled-back edit whose items were never kept', async () => {
    const { node, id } = await setup();
    const ctx = node.context();
    const lost = ctx.begin();
    (await lost.edit(Album, id)).text('notes').insert(0, 'lost ');
    lost.rollback();
    await ctx.collection(Album).edit(id, (m) => m.text('notes').insert(0, 'kept'));
    await ctx.collection(Album).edit(id, (m) => m.text('notes').insert(4, '!'));
    expect((await ctx.get(Album, id)).notes).toBe('kept!');
    await node.close();
  });
});
