import { Entity } from '../../../src/entity/entity';
import { CausalError } from '../../../src/errors/errors';
import { type Event } from '../../../src/event/event';
import { COLLECTION, EventLog, event, idOf } from '../event/dag';

const G = idOf(0);

async function build(log: EventLog, events: readonly Event[]): Promise<Entity> {
  const e = new Entity({ id: G, collection: COLLECTION });
  for (const ev of events) await e.applyEvent(log.add(ev), log);
  return e;
}

describe('Entity.applyState', () => {
  const g = event(G, [], { lww: { a: 0 } });
  const e1 = event(idOf(1), [G], { lww: { a: 1 } });
  const e2 = event(idOf(2), [idOf(1)], { lww: { a: 2 } });
  const x = event(idOf(3), [idOf(1)], { lww: { a: 'x' } });

  it('adopts a state whose head descends from ours, and reports whether values changed', async () => {
    const log = new EventLog();
    const ours = await build(log, [g, e1]);
    const theirs = await build(log, [g, e1, e2]);
    expect(await ours.applyState(theirs.state(), log)).toEqual({ outcome: 'adopted', changed: true });
    expect(ours.state()).toEqual(theirs.state());
    expect(await ours.applyState(theirs.state(), log)).toEqual({ outcome: 'equal', changed: false });
  });

  it('keeps ours when it is newer, and reports divergence for the caller to fetch events', async () => {
    const log = new EventLog();
    const older = await build(log, [g, e1]);
    const ours = await build(log, [g, e1, e2]);
    expect(await ours.applyState(older.state(), log)).toEqual({ outcome: 'kept', changed: false });
    const other = await build(log, [g, e1, x]);
    expect(await ours.applyState(other.state(), log)).toEqual({ outcome: 'diverged', changed: false });
    expect(ours.value('a')).toBe(2);
  });

  it('adopts any state when it holds nothing, and refuses an unrelated history', async () => {
    const log = new EventLog();
    const source = await build(log, [g, e1]);
    const empty = new Entity({ id: G, collection: COLLECTION });
    expect((await empty.applyState(source.state(), log)).outcome).toBe('adopted');
    const stranger = event(idOf(9), [], { lww: { a: 'z' } });
    log.add(stranger);
    const state = { ...source.state(), head: [stranger.id] };
    await expect(source.applyState(state, log)).rejects.toBeInstanceOf(CausalError);
  });

  it('continues from an adopted state with the fast path, without the history', async () => {
    const log = new EventLog();
    const source = await build(log, [g, e1]);
    const holder = new Entity({ id: G, collection: COLLECTION });
    await holder.applyState(source.state(), new EventLog());
    const r = await holder.applyEvent(e2, new EventLog());
    expect(r).toEqual({ outcome: 'applied', changed: true });
    await expect(holder.applyEvent(x, new EventLog())).rejects.toBeInstanceOf(CausalError);
    expect((await holder.applyEvent(x, log)).outcome).toBe('merged');
  });
});
