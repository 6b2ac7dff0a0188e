import { CausalError, MemoryStorage, Node } from 'ankurah';
import { type Event } from 'ankurah/spi';
import { newId } from '../../src/event/ids';
import { Album, Artist } from '../fixtures/models';
import { addAlbum, Rig, request } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// An event could name as parent an event of another entity of the same collection: the server looked parents
// up by id in the collection, so the forged event was accepted, grafting another entity's history onto this
// one. Parents must be events of the same entity; anything else is refused with CausalError, whole.

function edit(entityId: string, parents: readonly string[], name: string): Event {
  return { id: newId(), entityId, collection: 'album', parents, operations: { lww: { name } } };
}

describe('regression: a parent from another entity', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('is refused over the protocol, alone, mixed with real parents, or from the same batch', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const a = await addAlbum(node, 'A');
    const b = await addAlbum(node, 'B');
    const ctx = node.context();
    const headA = [...(await ctx.get(Album, a)).head];
    const headB = [...(await ctx.get(Album, b)).head];
    const before = await ctx.history(Album, a);

    const foreign = edit(a, headB, 'Grafted');
    const mixed = edit(a, [...headA, ...headB].sort(), 'Grafted');
    const c = newId();
    const genesisC: Event = {
      id: c,
      entityId: c,
      collection: 'album',
      parents: [],
      operations: { lww: { name: 'C', artist: 'X', year: 2000 } },
    };
    const onC = edit(a, [c], 'Grafted');
    for (const [i, events] of [[foreign], [mixed], [genesisC, onC]].entries()) {
      const answer = await request(raw, { id: i, kind: 'commit', events });
      expect(answer.error?.code).toBe('CAUSAL');
      expect(answer.error?.message).toMatch(/is an event of album\/\w+, not of album\/\w+/);
    }
    expect((await ctx.get(Album, a)).name).toBe('A');
    expect(await ctx.history(Album, a)).toEqual(before);
    expect(await ctx.fetch(Album, "name = 'C'")).toEqual([]);
    expect(await internals(node).storage.getEvents('album', [foreign.id, mixed.id, onC.id, c])).toEqual([]);
    // The honest edit still goes through.
    const honest = edit(a, headA, 'Edited');
    expect((await request(raw, { id: 9, kind: 'commit', events: [honest] })).ok).toBe(true);
    expect((await ctx.get(Album, a)).name).toBe('Edited');
  });

  it('is refused by applyRemote on a durable node (events from a peer), nothing applied', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album, Artist] });
    try {
      const a = await addAlbum(node, 'A');
      const b = await addAlbum(node, 'B');
      const ctx = node.context();
      const headA = [...(await ctx.get(Album, a)).head];
      const headB = [...(await ctx.get(Album, b)).head];
      const ok = edit(a, headA, 'Fine');
      const grafted = edit(a, headB, 'Grafted');
      const err = await internals(node)
        .applyRemote([ok, grafted], {})
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CausalError);
      expect((err as Error).message).toMatch(/is an event of album\//);
      expect((await ctx.get(Album, a)).name).toBe('A');
      expect(internals(node).stagedCount).toBe(0);
      // A merge (parents not the head) that names another entity's event is refused too.
      await internals(node).applyRemote([ok], {});
      const late = edit(a, [...headA, ...headB].sort(), 'Late');
      await expect(internals(node).applyRemote([late], {})).rejects.toThrow(CausalError);
      expect((await ctx.get(Album, a)).name).toBe('Fine');
    } finally {
      await node.close();
    }
  });
});
