import 'reflect-metadata';
import { CausalError, MemoryStorage, Node } from 'ankurah';
import { type ChangeBatch, type Event } from 'ankurah/spi';
import { Album } from '../../fixtures/models';
import { newIdAfter } from '../../../src/event/ids';
import { StagingArea } from '../../../src/event/staging-area';
import { internals } from '../../fixtures/internals';

// Kernel.applyRemote: batch ordering, staging of events with unknown parents, duplicates and quiet merges.

const node = (): Promise<Node> => Node.durable(new MemoryStorage(), { models: [Album] });

async function eventsOf(n: Node, id: string): Promise<Event[]> {
  return internals(n).entityEvents('album', id);
}

async function seed(n: Node): Promise<string> {
  const trx = n.context().begin();
  const m = await trx.create(Album, { name: 'Seed', artist: 'A', year: 2000 });
  await trx.commit();
  return m.id;
}

async function edit(n: Node, id: string, fn: (m: Album) => void): Promise<void> {
  const trx = n.context().begin();
  fn(await trx.edit(Album, id));
  await trx.commit();
}

function batches(n: Node): ChangeBatch[] {
  const out: ChangeBatch[] = [];
  internals(n).changes$.subscribe((b) => out.push(b));
  return out;
}

describe('Kernel.applyRemote', () => {
  let a: Node;
  let b: Node;
  beforeEach(async () => {
    [a, b] = [await node(), await node()];
  });
  afterEach(async () => {
    await a.close();
    await b.close();
  });

  it('applies a batch parents-first whatever order it arrived in, and re-delivery is a no-op', async () => {
    const id = await seed(a);
    for (let y = 2001; y <= 2005; y++) await edit(a, id, (m) => (m.year = y));
    const events = await eventsOf(a, id);
    const seen = batches(b);
    const changes = await internals(b).applyRemote([...events].reverse(), {});
    expect(changes).toHaveLength(1);
    expect(seen).toHaveLength(1);
    expect((await b.context().get(Album, id)).year).toBe(2005);
    expect((await internals(b).storage.getState('album', id))?.head).toEqual(
      (await internals(a).storage.getState('album', id))?.head,
    );
    expect(await internals(b).applyRemote(events, {})).toEqual([]);
    expect(seen).toHaveLength(1);
  });

  it('stages events whose parents are unknown and applies them when the parents arrive', async () => {
    const id = await seed(a);
    await edit(a, id, (m) => (m.year = 2001));
    await edit(a, id, (m) => (m.year = 2002));
    const [genesis, e1, e2] = await eventsOf(a, id);
    const seen = batches(b);
    expect(await internals(b).applyRemote([e2 as Event, e1 as Event], {})).toEqual([]);
    expect(internals(b).stagedCount).toBe(2);
    expect(await internals(b).storage.getState('album', id)).toBeUndefined();
    expect(seen).toHaveLength(0);
    await internals(b).applyRemote([genesis as Event], {});
    expect(internals(b).stagedCount).toBe(0);
    expect(seen).toHaveLength(1);
    expect((await b.context().get(Album, id)).year).toBe(2002);
    expect(await internals(b).storage.entityEvents('album', id)).toHaveLength(3);
  });

  it('persists a merge whose winner is already the current value but notifies no one', async () => {
    const id = await seed(a);
    await internals(b).applyRemote(await eventsOf(a, id), {});
    await edit(a, id, (m) => (m.year = 2010));
    await edit(b, id, (m) => (m.year = 2020)); // minted later: the greater id wins everywhere
    const fromA = (await eventsOf(a, id)).at(-1) as Event;
    const fromB = (await eventsOf(b, id)).at(-1) as Event;
    const view = await b.context().get(Album, id);
    const viewChanges: unknown[] = [];
    view.changes$.subscribe((v) => viewChanges.push(v));
    const seen = batches(b);
    expect(await internals(b).applyRemote([fromA], {})).toEqual([]);
    // Not announced: the batch lists it as quiet only, with the event that moved its head.
    expect(seen.flatMap((batch) => batch.changes)).toEqual([]);
    expect(seen.flatMap((batch) => batch.quiet ?? []).map((c) => c.events)).toEqual([[fromA]]);
    expect(viewChanges).toHaveLength(0);
    expect(view.year).toBe(2020);
    expect(view.head).toEqual([fromA.id, fromB.id].sort());
    expect((await internals(b).storage.getState('album', id))?.head).toEqual([fromA.id, fromB.id].sort());
    const seenA = batches(a);
    await internals(a).applyRemote([fromB], {});
    expect(seenA).toHaveLength(1);
    expect((await a.context().get(Album, id)).year).toBe(2020);
  });

  it('applies an event that follows the live head without reading storage; a repeat is a no-op', async () => {
    const id = await seed(a);
    await internals(b).applyRemote(await eventsOf(a, id), {});
    await b.context().get(Album, id); // live on b, so its head is known without a read
    await edit(a, id, (m) => (m.year = 2001));
    await edit(a, id, (m) => (m.year = 2002));
    const [, e1, e2] = await eventsOf(a, id);
    const reads = jest.spyOn(internals(b).storage, 'getEvents');
    const seen = batches(b);
    expect(await internals(b).applyRemote([e1 as Event], {})).toHaveLength(1);
    expect(reads).not.toHaveBeenCalled();
    // Now in the head, then behind it: both are read and found stored.
    expect(await internals(b).applyRemote([e1 as Event], {})).toEqual([]);
    expect(await internals(b).applyRemote([e2 as Event], {})).toHaveLength(1);
    expect(await internals(b).applyRemote([e1 as Event], {})).toEqual([]);
    expect(reads).toHaveBeenCalledTimes(2);
    expect(seen).toHaveLength(2);
    expect(await eventsOf(b, id)).toHaveLength(3);
    expect((await b.context().get(Album, id)).year).toBe(2002);
  });

  it('rejects a local edit that descends from a delete and persists nothing', async () => {
    const id = await seed(a);
    const trx = a.context().begin();
    await trx.delete(Album, id);
    await trx.commit();
    const [, tomb] = await eventsOf(a, id);
    const edit: Event = {
      id: newIdAfter([(tomb as Event).id]),
      entityId: id,
      collection: 'album',
      parents: [(tomb as Event).id],
      operations: { lww: { year: 2030 } },
    };
    await expect(internals(a).commitLocal([edit], {})).rejects.toBeInstanceOf(CausalError);
    expect(await eventsOf(a, id)).toHaveLength(2);
    expect((await internals(a).storage.getState('album', id))?.head).toEqual([(tomb as Event).id]);
  });

  it('refuses a local event whose parents are unknown instead of staging it', async () => {
    const id = await seed(a);
    await edit(a, id, (m) => (m.year = 2001));
    const [, e1] = await eventsOf(a, id);
    await expect(internals(b).commitLocal([e1 as Event], {})).rejects.toBeInstanceOf(CausalError);
    expect(internals(b).stagedCount).toBe(0);
  });

  it('gives every node the same history, merged branches included, parents first', async () => {
    const id = await seed(a);
    await internals(b).applyRemote(await eventsOf(a, id), {});
    await edit(a, id, (m) => (m.name = 'A'));
    await edit(b, id, (m) => (m.artist = 'B'));
    await internals(b).applyRemote(await eventsOf(a, id), {});
    await internals(a).applyRemote(await eventsOf(b, id), {});
    const ha = (await a.context().history(Album, id)).map((e) => e.id);
    const hb = (await b.context().history(Album, id)).map((e) => e.id);
    expect(ha).toHaveLength(3);
    expect(hb).toEqual(ha);
    expect(ha[0]).toBe(id);
  });
});

describe('an ephemeral node holding a state without its history', () => {
  it('stages a remote event whose parents it cannot place (it adopts states from its peer instead)', async () => {
    const a = await node();
    const b = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
    const id = await seed(a);
    await edit(a, id, (m) => (m.year = 2001));
    await edit(a, id, (m) => (m.year = 2002));
    const [, e1] = await eventsOf(a, id);
    await internals(b).storage.commit({
      events: [],
      states: [(await internals(a).storage.getState('album', id))!],
    });
    const stale: Event = {
      id: newIdAfter([(e1 as Event).id, ...((await internals(a).storage.getState('album', id))?.head ?? [])]),
      entityId: id,
      collection: 'album',
      parents: [(e1 as Event).id],
      operations: { lww: { name: 'Stale branch' } },
    };
    expect(await internals(b).applyRemote([stale], {})).toEqual([]);
    expect(internals(b).stagedCount).toBe(1);
    expect((await internals(b).storage.getState('album', id))?.values.name).not.toBe('Stale branch');
    await a.close();
    await b.close();
  });
});

describe('StagingArea', () => {
  const ev = (id: string, parents: string[]): Event => ({
    id,
    entityId: 'X',
    collection: 'c',
    parents,
    operations: {},
  });

  it('drops the oldest past its count bound and expired events past its age bound', () => {
    let now = 0;
    const s = new StagingArea(2, 100, () => now);
    expect(s.add(ev('b', ['a']))).toEqual([]);
    now = 50;
    s.add(ev('c', ['b']));
    now = 80;
    expect(s.add(ev('d', ['c'])).map((e) => e.id)).toEqual(['b']);
    expect(s.size).toBe(2);
    now = 160;
    expect(s.expire().map((e) => e.id)).toEqual(['c']);
    expect(s.dependents(['c']).map((e) => e.id)).toEqual(['d']);
  });

  it('finds staged events waiting on an id directly or through other staged events', () => {
    const s = new StagingArea();
    s.add(ev('c', ['b']));
    s.add(ev('d', ['c', 'x']));
    s.add(ev('e', ['y']));
    expect(
      s
        .dependents(['b'])
        .map((e) => e.id)
        .sort(),
    ).toEqual(['c', 'd']);
  });
});
