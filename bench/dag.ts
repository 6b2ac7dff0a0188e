/* DAG benchmark: applying remote events (fast path and merges), walk cost vs depth, text edits. */
import 'reflect-metadata';
import * as Y from 'yjs';
import { Entity } from '../src/entity/entity';
import { clockOf } from '../src/event/clock';
import { type Event } from '../src/event/event';
import { newIdAfter } from '../src/event/ids';
import { reachableTargets, type EventRetriever } from '../src/event/lineage';
import { Node } from '../src/node/node';
import { MemoryStorage } from '../src/storage/memory-storage';
import { Field, Model, Text } from '../src/model/decorators';
import { rate, row, time } from './stats';
import { internals } from '../test/fixtures/internals';

const N = 10_000;
const BRANCHES = 10;
const FIELDS = ['name', 'artist', 'year'];
const COLLECTION = 'bench_dag';

@Model('bench_note')
class Note {
  @Field() title!: string;
  @Text() notes!: string;
}

class Log implements EventRetriever {
  readonly events = new Map<string, Event>();
  async getEvents(_c: string, ids: readonly string[]): Promise<ReadonlyMap<string, Event>> {
    const out = new Map<string, Event>();
    for (const id of ids) {
      const e = this.events.get(id);
      if (e) out.set(id, e);
    }
    return out;
  }
}

function ev(id: string, entityId: string, parents: readonly string[], i: number): Event {
  return {
    id,
    entityId,
    collection: COLLECTION,
    parents: clockOf(parents),
    operations: { lww: { [FIELDS[i % FIELDS.length] as string]: i } },
  };
}

/** A linear history of n events. */
function linear(n: number): Event[] {
  const g = newIdAfter([]);
  const out = [ev(g, g, [], 0)];
  for (let i = 1; i < n; i++) out.push(ev(newIdAfter([]), g, [(out[i - 1] as Event).id], i));
  return out;
}

/** `branches` concurrent branches from one genesis, minted round-robin (delivered in that order). */
function branched(n: number, branches: number): Event[] {
  const g = newIdAfter([]);
  const out = [ev(g, g, [], 0)];
  const tips = Array.from({ length: branches }, () => g);
  for (let i = 1; i < n; i++) {
    const b = i % branches;
    const e = ev(newIdAfter([]), g, [tips[b] as string], i);
    tips[b] = e.id;
    out.push(e);
  }
  return out;
}

/** Same shape, but each branch is minted (and delivered) whole before the next one. */
function branchedSequential(n: number, branches: number): Event[] {
  const g = newIdAfter([]);
  const out = [ev(g, g, [], 0)];
  const per = Math.ceil((n - 1) / branches);
  for (let b = 0; b < branches; b++) {
    let tip = g;
    for (let k = 0; k < per && out.length < n; k++) {
      const e = ev(newIdAfter([]), g, [tip], out.length);
      tip = e.id;
      out.push(e);
    }
  }
  return out;
}

async function applyToEntity(events: readonly Event[]): Promise<{ ms: number; entity: Entity }> {
  const log = new Log();
  const first = events[0] as Event;
  const entity = new Entity({ id: first.entityId, collection: COLLECTION });
  const ms = await time(async () => {
    for (const e of events) {
      log.events.set(e.id, e);
      await entity.applyEvent(e, log);
    }
  });
  return { ms, entity };
}

async function applyToNode(events: readonly Event[], batch: number): Promise<number> {
  const node = await Node.durable(new MemoryStorage());
  const ms = await time(async () => {
    for (let i = 0; i < events.length; i += batch)
      await internals(node).applyRemote(events.slice(i, i + batch), {});
  });
  await node.close();
  return ms;
}

function plainObjects(events: readonly Event[]): number {
  const t0 = performance.now();
  const obj: Record<string, unknown> = {};
  for (const e of events) Object.assign(obj, e.operations.lww);
  if (Object.keys(obj).length === 0) throw new Error('unreachable');
  return performance.now() - t0;
}

async function applyFigures(): Promise<void> {
  console.log(
    `\nApplying ${N.toLocaleString('en-US')} remote events (events/s; baseline: same writes to a plain object)`,
  );
  row('', 'Entity', 'Node, 1/call', 'Node, 500/call', 'plain object', 'ratio');
  const shapes: [string, Event[]][] = [
    ['linear history (fast path)', linear(N)],
    [`${BRANCHES} branches, round-robin (merge path)`, branched(N, BRANCHES)],
    [`${BRANCHES} branches, one after another (merge)`, branchedSequential(N, BRANCHES)],
  ];
  for (const [label, events] of shapes) {
    await applyToEntity(events.slice(0, 1000)); // warm-up
    const { ms, entity } = await applyToEntity(events);
    const one = await applyToNode(events, 1);
    const many = await applyToNode(events, 500);
    const base = plainObjects(events);
    row(label, rate(N, ms), rate(N, one), rate(N, many), rate(N, base), `${(ms / base).toFixed(0)}x`);
    if (entity.head.length !== (label.startsWith('linear') ? 1 : BRANCHES)) throw new Error('bad head');
  }
}

async function depthFigures(): Promise<void> {
  console.log('\nWalk cost vs depth: finding an event k events behind the head of a linear history');
  row('depth k', 'walk ms', 'µs per event', 'applyEvent ms');
  const events = linear(10_001);
  const log = new Log();
  for (const e of events) log.events.set(e.id, e);
  const head = [(events.at(-1) as Event).id];
  const reach = async (id: string): Promise<boolean> =>
    (await reachableTargets(COLLECTION, head, new Set([id]), log)).has(id);
  for (let r = 0; r < 50; r++) await reach((events[9_000] as Event).id); // warm-up
  for (const k of [100, 1_000, 10_000]) {
    const behind = (events[events.length - 1 - k] as Event).id;
    let found = false;
    const reps = 20;
    const ms =
      (await time(async () => {
        for (let r = 0; r < reps; r++) found = await reach(behind);
      })) / reps;
    if (!found) throw new Error('the walk missed an ancestor');
    // An event whose parent is k behind, writing a field last written k events ago: its merge must walk back.
    const { entity } = await applyToEntity(events);
    const stale: Event = {
      id: newIdAfter(head),
      entityId: entity.id,
      collection: COLLECTION,
      parents: [behind],
      operations: { lww: { [FIELDS[(events.length - 1 - k) % FIELDS.length] as string]: 'stale' } },
    };
    log.events.set(stale.id, stale);
    const fresh = new Entity(entity.state());
    const applyMs = await time(() => fresh.applyEvent(stale, log));
    row(`${k.toLocaleString('en-US')}`, ms.toFixed(3), ((ms * 1000) / k).toFixed(2), applyMs.toFixed(3));
  }
}

async function textFigures(): Promise<void> {
  console.log(`\nText: ${N.toLocaleString('en-US')} single-character inserts`);
  row('', 'total ms', 'inserts/s', 'raw Yjs ms', 'ratio');
  const node = await Node.durable(new MemoryStorage(), { models: [Note] });
  const ctx = node.context();
  const trx0 = ctx.begin();
  const album = await trx0.create(Note, { title: 'T', notes: '' });
  await trx0.commit();
  const raw = await time(() => {
    const d = new Y.Doc();
    const t = d.getText('t');
    for (let i = 0; i < N; i++) t.insert(i, 'x');
  });
  const oneTrx = await time(async () => {
    const trx = ctx.begin();
    const t = (await trx.edit(Note, album.id)).text('notes');
    for (let i = 0; i < N; i++) t.insert(i, 'x');
    await trx.commit();
  });
  row(
    'one transaction, Mutable.text',
    oneTrx.toFixed(1),
    rate(N, oneTrx),
    raw.toFixed(1),
    `${(oneTrx / raw).toFixed(1)}x`,
  );
  const COMMITS = 1_000;
  const rawUpdates = await time(() => {
    const src = new Y.Doc();
    const dst = new Y.Doc();
    src.on('update', (u: Uint8Array) => Y.applyUpdate(dst, u));
    for (let i = 0; i < COMMITS; i++) src.getText('t').insert(i, 'y');
  });
  const perCommit = await time(async () => {
    for (let i = 0; i < COMMITS; i++) {
      const trx = ctx.begin();
      (await trx.edit(Note, album.id)).text('notes').insert(0, 'y');
      await trx.commit();
    }
  });
  row(
    `${COMMITS.toLocaleString('en-US')} commits of one insert each`,
    perCommit.toFixed(1),
    rate(COMMITS, perCommit),
    rawUpdates.toFixed(1),
    `${(perCommit / rawUpdates).toFixed(0)}x`,
  );
  const view = await ctx.get(Note, album.id);
  if (view.notes.length !== N + COMMITS) throw new Error('text length');
  await node.close();
}

/** Runs the DAG benchmark. */
export async function run(): Promise<void> {
  await applyFigures();
  await depthFigures();
  await textFigures();
}
