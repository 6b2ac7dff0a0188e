import * as Y from 'yjs';
import { Entity } from '../../../src/entity/entity';
import { CausalError } from '../../../src/errors/errors';
import { type Event } from '../../../src/event/event';
import { COLLECTION, EventLog, event, idOf } from '../event/dag';

const G = idOf(0);

function fresh(): Entity {
  return new Entity({ id: G, collection: COLLECTION });
}

/** Applies events in order, logging each so later walks can read it. */
async function applyAll(entity: Entity, log: EventLog, events: readonly Event[]): Promise<void> {
  for (const e of events) {
    log.add(e);
    await entity.applyEvent(e, log);
  }
}

function snapshot(e: Entity): unknown {
  return { head: e.head, values: e.values(), deleted: e.deleted };
}

describe('Entity.applyEvent', () => {
  it('creates from genesis and takes the fast path when parents equal the head', async () => {
    const log = new EventLog();
    const e = fresh();
    const g = log.add(event(G, [], { lww: { a: 1 } }));
    expect(await e.applyEvent(g, log)).toEqual({ outcome: 'applied', changed: true });
    const e1 = log.add(event(idOf(1), [G], { lww: { a: 2 } }));
    log.reads = 0;
    expect(await e.applyEvent(e1, log)).toEqual({ outcome: 'applied', changed: true });
    expect(log.reads).toBe(0);
    expect(e.head).toEqual([idOf(1)]);
    expect(e.value('a')).toBe(2);
  });

  it('merges concurrent writes to the greater event id in either order, keeping the head an antichain', async () => {
    const g = event(G, [], { lww: { a: 0 } });
    const x = event(idOf(1), [G], { lww: { a: 'x' } });
    const y = event(idOf(2), [G], { lww: { a: 'y' } });
    const states = [];
    for (const order of [
      [g, x, y],
      [g, y, x],
    ]) {
      const e = fresh();
      await applyAll(e, new EventLog(), order);
      states.push(snapshot(e));
      expect(e.head).toEqual([idOf(1), idOf(2)]);
      expect(e.value('a')).toBe('y');
    }
    expect(states[0]).toEqual(states[1]);
  });

  it('lets a descendant write beat a concurrent write with a smaller id, and a pre-meet value lose', async () => {
    const g = event(G, [], { lww: { a: 'genesis', b: 'genesis' } });
    const a1 = event(idOf(1), [G], { lww: { a: 'a1' } });
    const b1 = event(idOf(2), [G], { lww: { b: 'b1' } });
    const a2 = event(idOf(3), [idOf(1)], { lww: { a: 'a2' } });
    for (const order of [
      [g, a1, b1, a2],
      [g, b1, a1, a2],
      [g, a1, a2, b1],
    ]) {
      const e = fresh();
      await applyAll(e, new EventLog(), order);
      expect(e.values()).toEqual({ a: 'a2', b: 'b1' });
      expect(e.head).toEqual([idOf(2), idOf(3)]);
    }
  });

  it('reports no change when the merge winner is already the current value', async () => {
    const log = new EventLog();
    const e = fresh();
    await applyAll(e, log, [event(G, [], { lww: { a: 0 } }), event(idOf(2), [G], { lww: { a: 'win' } })]);
    const loser = log.add(event(idOf(1), [G], { lww: { a: 'lose' } }));
    expect(await e.applyEvent(loser, log)).toEqual({ outcome: 'merged', changed: false });
    const same = log.add(event(idOf(3), [G], { lww: { a: 'win' } }));
    expect(await e.applyEvent(same, log)).toEqual({ outcome: 'merged', changed: false });
    expect(e.head).toEqual([idOf(1), idOf(2), idOf(3)]);
  });

  it('treats re-delivery as a no-op that never grows the head', async () => {
    const log = new EventLog();
    const e = fresh();
    const g = event(G, [], { lww: { a: 0 } });
    const e1 = event(idOf(1), [G], { lww: { a: 1 } });
    const e2 = event(idOf(2), [idOf(1)], { lww: { a: 2 } });
    await applyAll(e, log, [g, e1, e2]);
    expect((await e.applyEvent(e2, log)).outcome).toBe('noop');
    expect((await e.applyEvent(g, log)).outcome).toBe('noop');
    expect(await e.applyEvent(e1, log, { verifyUnseen: true })).toEqual({ outcome: 'noop', changed: false });
    expect(e.head).toEqual([idOf(2)]);
    expect(e.value('a')).toBe(2);
  });

  it('rejects unrelated histories, missing parents and misordered ids, leaving the entity unchanged', async () => {
    const log = new EventLog();
    const e = fresh();
    await applyAll(e, log, [event(G, [], { lww: { a: 0 } }), event(idOf(1), [G], { lww: { a: 1 } })]);
    const before = snapshot(e);
    const other = event(idOf(7), [], { lww: { a: 'other' } });
    await expect(e.applyEvent(other, log)).rejects.toBeInstanceOf(CausalError);
    await expect(e.applyEvent(event(idOf(9), [idOf(8)], { lww: { a: 9 } }), log)).rejects.toBeInstanceOf(
      CausalError,
    );
    await expect(e.applyEvent(event(idOf(0) + 'A', [idOf(1)], {}), log)).rejects.toThrow(/does not sort/);
    await expect(fresh().applyEvent(event(idOf(3), [G]), log)).rejects.toBeInstanceOf(CausalError);
    expect(snapshot(e)).toEqual(before);
  });

  it('fails with CausalError, not a hang, when a walk exceeds its budget', async () => {
    const log = new EventLog();
    const e = fresh();
    const chain = [event(G, [], { lww: { a: 'deep' } })];
    for (let i = 1; i <= 50; i++) chain.push(event(idOf(i), [idOf(i - 1)], { lww: { b: i } }));
    await applyAll(e, log, chain);
    const stale = log.add(event(idOf(60), [idOf(49)], { lww: { a: 'stale' } }));
    const before = snapshot(e);
    await expect(e.applyEvent(stale, log, { budget: 10 })).rejects.toThrow(/budget/);
    expect(snapshot(e)).toEqual(before);
    expect((await e.applyEvent(stale, log, { budget: 100 })).outcome).toBe('merged');
    expect(e.value('a')).toBe('stale');
    expect(e.head).toEqual([idOf(50), idOf(60)]);
  });

  it('lets a delete win over concurrent edits in any order and rejects edits made after it', async () => {
    const g = event(G, [], { lww: { a: 0 } });
    const del = event(idOf(1), [G], { delete: true });
    const edit = event(idOf(2), [G], { lww: { a: 1 } });
    for (const order of [
      [g, del, edit],
      [g, edit, del],
    ]) {
      const e = fresh();
      const log = new EventLog();
      await applyAll(e, log, order);
      expect(e.deleted).toBe(true);
      const after = log.add(event(idOf(3), [idOf(1), idOf(2)], { lww: { a: 2 } }));
      await expect(e.applyEvent(after, log)).rejects.toThrow(/after it was deleted/);
      expect(e.head).toEqual([idOf(1), idOf(2)]);
    }
  });

  it('rejects an edit descending from any of several concurrent tombstones', async () => {
    const g = event(G, [], { lww: { a: 0 } });
    const d1 = event(idOf(1), [G], { delete: true });
    const d2 = event(idOf(2), [G], { delete: true });
    const editAfterD2 = event(idOf(3), [idOf(2)], { lww: { a: 3 } });
    for (const order of [
      [g, d1, d2],
      [g, d2, d1],
    ]) {
      const e = fresh();
      const log = new EventLog();
      await applyAll(e, log, order);
      log.add(editAfterD2);
      await expect(e.applyEvent(editAfterD2, log)).rejects.toBeInstanceOf(CausalError);
      expect(e.state().deletedBy).toBe(idOf(1));
    }
  });

  it('refuses a parent that is an event of another entity, leaving the entity unchanged', async () => {
    const log = new EventLog();
    const e = fresh();
    await applyAll(e, log, [event(G, [], { lww: { a: 0 } }), event(idOf(1), [G], { lww: { a: 1 } })]);
    const other = log.add(event(idOf(2), [], { lww: { a: 'other' } }, idOf(2)));
    const before = snapshot(e);
    const grafted = event(idOf(3), [idOf(1), other.id], { lww: { a: 'grafted' } });
    await expect(e.applyEvent(grafted, log)).rejects.toThrow(/is an event of dag_test\/E00002, not of/);
    expect(snapshot(e)).toEqual(before);
  });

  it('merges concurrent text edits so both survive, in either order', async () => {
    const base = new Y.Doc();
    base.clientID = 1;
    base.getText('t').insert(0, 'hello');
    const g = event(G, [], { text: { body: Y.encodeStateAsUpdate(base) } });
    const edit = (client: number, at: number, s: string): Uint8Array => {
      const d = new Y.Doc();
      Y.applyUpdate(d, Y.encodeStateAsUpdate(base));
      d.clientID = client;
      const before = Y.encodeStateVector(d);
      d.getText('t').insert(at, s);
      return Y.encodeStateAsUpdate(d, before);
    };
    const x = event(idOf(1), [G], { text: { body: edit(2, 0, '>> ') } });
    const y = event(idOf(2), [G], { text: { body: edit(3, 5, ' world') } });
    const texts = [];
    for (const order of [
      [g, x, y],
      [g, y, x],
    ]) {
      const e = fresh();
      await applyAll(e, new EventLog(), order);
      texts.push(e.value('body'));
    }
    expect(texts).toEqual(['>> hello world', '>> hello world']);
  });
});
