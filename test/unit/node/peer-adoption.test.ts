import { type EntityState } from '../../../src/entity/entity-state';
import { type Event } from '../../../src/event/event';
import { newId } from '../../../src/event/ids';
import { PeerAdoption } from '../../../src/node/peers/adoption';
import { type EntityRef, type RemoteStates } from '../../../src/node/peers/peer';
import { type EventAdoption } from '../../../src/node/ports';

const ID = newId();
const REF: EntityRef = { collection: 'album', id: ID };

function state(year: number): EntityState {
  const head = [newId()];
  return { id: ID, collection: 'album', head, deleted: false, lww: {}, text: {}, values: { year } };
}

function event(): Event {
  return { id: newId(), entityId: ID, collection: 'album', parents: [newId()], operations: {} };
}

/**
 * The node side of an adoption, recording what it was told: states adopted (by year), and for pushed events
 * whether they were left alone, or found stale (as when the copy is not at their parents).
 */
class Replica {
  readonly adopted: number[] = [];
  readonly kept: number[] = [];
  stale = 0;

  adoptStates(
    update: RemoteStates,
    keep: (ref: EntityRef) => boolean,
    pushed?: EventAdoption,
  ): Promise<never[]> {
    for (const s of update.states) if (!keep(s)) this.adopted.push(s.values['year'] as number);
    for (const e of update.events ?? []) {
      const ref = { collection: e.collection, id: e.entityId };
      if (pushed?.keep(ref)) this.kept.push(update.seq ?? -1);
      else {
        this.stale++;
        pushed?.stale(ref);
      }
    }
    return Promise.resolve([]);
  }
}

interface Setup {
  replica: Replica;
  adoption: PeerAdoption;
  /** The answers the peer gives to reads, in order; each read takes the next. */
  answers: RemoteStates[];
  reads: EntityRef[];
  touched: { value: boolean };
  /** Resolves the pending reads (they wait until released). */
  release: () => void;
  settled: () => Promise<void>;
}

function setup(): Setup {
  const replica = new Replica();
  const answers: RemoteStates[] = [];
  const reads: EntityRef[] = [];
  const touched = { value: false };
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  const pending: Promise<unknown>[] = [];
  const adoption = new PeerAdoption({
    replica,
    touches: () => touched.value,
    read: (ref) => {
      reads.push(ref);
      const p = gate.then(() => answers.shift());
      pending.push(p);
      return p;
    },
    report: (e) => {
      throw e;
    },
  });
  return {
    replica,
    adoption,
    answers,
    reads,
    touched,
    release: () => open(),
    settled: async () => {
      // A read's answer may start another read: wait until no new one starts. Everything after an answer
      // runs in microtasks here, all done before the next macrotask.
      let seen = -1;
      while (seen !== pending.length) {
        seen = pending.length;
        await Promise.all(pending);
        await new Promise((r) => setImmediate(r));
      }
    },
  };
}

describe('PeerAdoption: pushed events', () => {
  it('reads the entity again when its events do not fit the copy, and adopts the answer', async () => {
    const s = setup();
    s.answers.push({ states: [state(2002)], gone: [], seq: 9 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 5 });
    expect(s.replica.stale).toBe(1);
    expect(s.reads).toEqual([REF]);
    s.release();
    await s.settled();
    expect(s.replica.adopted).toEqual([2002]);
  });

  it('leaves alone events older than a state already adopted', async () => {
    const s = setup();
    await s.adoption.adopt({ states: [state(2003)], gone: [], seq: 7 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 6 });
    expect(s.replica.kept).toEqual([6]);
    expect(s.reads).toEqual([]);
  });

  it('while a queued commit touches the entity, waits; then reads again unless something newer came', async () => {
    const s = setup();
    s.touched.value = true;
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 5 });
    expect(s.reads).toEqual([]);
    s.touched.value = false;
    await s.adoption.adoptDeferred();
    expect(s.reads).toEqual([REF]);

    const t = setup();
    t.touched.value = true;
    await t.adoption.adopt({ states: [], gone: [], events: [event()], seq: 5 });
    t.touched.value = false;
    // The commit's acknowledgement: read after the push, so it holds what the events brought.
    await t.adoption.adopt({ states: [state(2004)], gone: [], seq: 8 });
    await t.adoption.adoptDeferred();
    expect(t.reads).toEqual([]);
    expect(t.replica.adopted).toEqual([2004]);
  });

  it('stale again while being read: reads once more after the answer (which may predate the push)', async () => {
    const s = setup();
    s.answers.push({ states: [state(2005)], gone: [], seq: 6 }, { states: [state(2006)], gone: [], seq: 9 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 5 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 7 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 8 });
    expect(s.reads).toHaveLength(1);
    s.release();
    await s.settled();
    expect(s.reads).toHaveLength(2);
    // The first answer (seq 6) is older than the pushes it was read before: only the second is adopted.
    expect(s.replica.adopted).toEqual([2006]);
  });

  it('a new peer: reads of the old one are not adopted', async () => {
    const s = setup();
    s.answers.push({ states: [state(2007)], gone: [], seq: 9 });
    await s.adoption.adopt({ states: [], gone: [], events: [event()], seq: 5 });
    s.adoption.reset();
    s.release();
    await s.settled();
    expect(s.replica.adopted).toEqual([]);
  });
});
