import 'reflect-metadata';
import * as Y from 'yjs';
import { MemoryStorage, Node } from 'ankurah';
import { type Event } from 'ankurah/spi';
import { firstValueFrom, skip, take, toArray } from 'rxjs';
import { Album } from '../../fixtures/models';
import { TextBackend } from '../../../src/property/text';
import { internals } from '../../fixtures/internals';

const node = (): Promise<Node> => Node.durable(new MemoryStorage(), { models: [Album] });

async function create(n: Node, notes: string): Promise<string> {
  const trx = n.context().begin();
  const m = await trx.create(Album, { name: 'T', artist: 'A', year: 2000, notes });
  await trx.commit();
  return m.id;
}

async function sync(from: Node, to: Node, id: string): Promise<void> {
  await internals(to).applyRemote(await internals(from).entityEvents('album', id), {});
}

describe('@Text fields', () => {
  let a: Node;
  let b: Node;
  beforeEach(async () => {
    [a, b] = [await node(), await node()];
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('edits through Mutable.text: insert, delete, replace, toString', async () => {
    const id = await create(a, 'hello');
    const trx = a.context().begin();
    const t = (await trx.edit(Album, id)).text('notes');
    t.insert(5, ' world');
    t.delete(0, 1);
    expect(t.toString()).toBe('ello world');
    expect(t.length).toBe(10);
    await trx.commit();
    expect((await a.context().get(Album, id)).notes).toBe('ello world');
    const t2 = a.context().begin();
    (await t2.edit(Album, id)).text('notes').replace('new');
    await t2.commit();
    expect((await a.context().get(Album, id)).notes).toBe('new');
  });

  it('keeps both sides of concurrent edits from different nodes and converges', async () => {
    const id = await create(a, 'base');
    await sync(a, b, id);
    const ta = a.context().begin();
    (await ta.edit(Album, id)).text('notes').insert(0, 'A:');
    await ta.commit();
    const tb = b.context().begin();
    (await tb.edit(Album, id)).text('notes').insert(4, ':B');
    await tb.commit();
    await sync(a, b, id);
    await sync(b, a, id);
    const va = await a.context().get(Album, id);
    const vb = await b.context().get(Album, id);
    expect(va.notes).toBe('A:base:B');
    expect(vb.notes).toBe(va.notes);
    expect(vb.head).toEqual(va.head);
    expect(va.head).toHaveLength(2);
  });

  it('emits on observe when the text changes', async () => {
    const id = await create(a, 'one');
    const view = await a.context().get(Album, id);
    const next = firstValueFrom(view.observe('notes').pipe(skip(1), take(1), toArray()));
    const trx = a.context().begin();
    (await trx.edit(Album, id)).text('notes').insert(3, ' two');
    await trx.commit();
    expect(await next).toEqual(['one two']);
  });

  it('replays a history on a fresh node to byte-identical Yjs state and the same string', async () => {
    const id = await create(a, 'x');
    for (let i = 0; i < 5; i++) {
      const trx = a.context().begin();
      const t = (await trx.edit(Album, id)).text('notes');
      t.insert(i % 2 === 0 ? 0 : t.length, String(i));
      if (i === 3) t.delete(1, 1);
      await trx.commit();
    }
    const events: Event[] = await internals(a).entityEvents('album', id);
    const replayed = await node();
    await internals(replayed).applyRemote([...events].reverse(), {});
    const sa = await internals(a).storage.getState('album', id);
    const sr = await internals(replayed).storage.getState('album', id);
    expect(sr?.values.notes).toBe(sa?.values.notes);
    expect(Buffer.from(sr?.text.notes ?? new Uint8Array())).toEqual(
      Buffer.from(sa?.text.notes ?? new Uint8Array()),
    );
    await replayed.close();
  });

  it('reports which fields changed and ignores an update applied twice', () => {
    const doc = new Y.Doc();
    doc.clientID = 7;
    doc.getText('t').insert(0, 'hi');
    const update = Y.encodeStateAsUpdate(doc);
    const backend = new TextBackend();
    expect(backend.apply({ body: update })).toEqual(['body']);
    expect(backend.apply({ body: update })).toEqual([]);
    expect(backend.value('body')).toBe('hi');
  });
});
