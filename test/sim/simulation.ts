import 'reflect-metadata';
import { NotFoundError } from '../../src/errors/errors';
import { type Context } from '../../src/node/api/context';
import { Node } from '../../src/node/node';
import { type Transaction } from '../../src/node/api/transaction';
import { useIdSource } from '../../src/event/ids';
import { SimNetwork } from './network';
import { Prng } from './prng';
import { SIM_QUERIES, SimDoc } from './sim-model';
import { TapStorage } from './tap-storage';
import { internals } from '../fixtures/internals';

/** Size of one simulated run. */
export interface SimOptions {
  readonly nodes: number;
  readonly steps: number;
}

/** What a run found: every divergence or unexpected error, and a few counters. */
export interface SimResult {
  readonly seed: number;
  readonly problems: string[];
  readonly stats: Record<string, number>;
}

const TITLES = ['a', 'b', 'c', 'd'];
const TAGS = ['a', 'b', null];

interface Peer {
  readonly node: Node;
  readonly storage: TapStorage;
  readonly ctx: Context;
  /** A transaction left open across steps, so that it commits on a stale base. */
  slow?: Transaction;
}

/** Runs one seeded simulation: random local work on several nodes over a faulty network, then a drain and a comparison. */
export async function simulate(seed: number, options: Partial<SimOptions> = {}): Promise<SimResult> {
  const rng = new Prng(seed);
  const idRng = new Prng(seed ^ 0x5eed);
  let clock = 1_600_000_000_000;
  const restore = useIdSource({ now: () => clock, random: () => idRng.next() });
  const run = new Run(rng, options.nodes ?? 3);
  try {
    await run.start();
    for (let step = 0; step < (options.steps ?? 40); step++) {
      clock += rng.int(3);
      await run.step();
    }
    await run.drain();
    await run.compare();
  } catch (e) {
    run.problems.push(`unexpected failure: ${(e as Error).stack ?? String(e)}`);
  } finally {
    await run.close();
    restore();
  }
  return { seed, problems: run.problems, stats: run.stats() };
}

class Run {
  readonly problems: string[] = [];
  readonly #rng: Prng;
  readonly #net: SimNetwork;
  readonly #count: number;
  readonly #peers: Peer[] = [];
  readonly #ids: string[] = [];
  #events = 0;
  #maxStaged = 0;

  constructor(rng: Prng, count: number) {
    this.#rng = rng;
    this.#net = new SimNetwork(rng);
    this.#count = count;
  }

  async start(): Promise<void> {
    for (let i = 0; i < this.#count; i++) {
      const storage = new TapStorage();
      const node = await Node.durable(storage, { models: [SimDoc] });
      node.errors$.subscribe((e) => this.problems.push(`node ${i} reported: ${e.message}`));
      this.#peers.push({ node, storage, ctx: node.context() });
    }
  }

  stats(): Record<string, number> {
    return {
      entities: this.#ids.length,
      events: this.#events,
      messages: this.#net.sent,
      dropped: this.#net.dropped,
      duplicated: this.#net.duplicated,
      maxStaged: this.#maxStaged,
    };
  }

  async step(): Promise<void> {
    const r = this.#rng.next();
    const i = this.#rng.int(this.#count);
    if (r < 0.25) await this.#local(i, (trx) => this.#create(trx));
    else if (r < 0.45) await this.#local(i, (trx) => this.#edit(i, trx));
    else if (r < 0.55) await this.#local(i, (trx) => this.#text(i, trx));
    else if (r < 0.57) await this.#local(i, (trx) => this.#delete(i, trx));
    else if (r < 0.62) await this.#slow(i);
    else if (r < 0.9) await this.#deliver(this.#rng.int(3) + 1, true);
    else if (r < 0.95) this.#net.resend();
    else if (this.#net.partitioned) this.#net.heal();
    else this.#net.partition(this.#count);
  }

  async drain(): Promise<void> {
    for (let i = 0; i < this.#count; i++) await this.#commitSlow(i);
    this.#net.heal();
    while (this.#net.inFlight > 0) {
      this.#net.resend();
      while (await this.#deliver(4, false));
    }
  }

  async close(): Promise<void> {
    for (const p of this.#peers) await p.node.close();
  }

  async #local(i: number, work: (trx: Transaction) => Promise<void>): Promise<void> {
    const peer = this.#peers[i] as Peer;
    const trx = peer.ctx.begin();
    try {
      await work(trx);
      await this.#commit(i, trx);
    } catch (e) {
      if (!(e instanceof NotFoundError)) this.problems.push(`local work on node ${i} failed: ${String(e)}`);
    }
  }

  async #commit(i: number, trx: Transaction): Promise<void> {
    const peer = this.#peers[i] as Peer;
    peer.storage.capturing = true;
    try {
      await trx.commit();
    } finally {
      peer.storage.capturing = false;
    }
    const events = peer.storage.take();
    this.#events += events.length;
    for (let j = 0; j < this.#count; j++) if (j !== i && events.length > 0) this.#net.send(i, j, events);
  }

  async #slow(i: number): Promise<void> {
    const peer = this.#peers[i] as Peer;
    if (peer.slow) return this.#commitSlow(i);
    const trx = peer.ctx.begin();
    try {
      await this.#edit(i, trx);
      peer.slow = trx;
    } catch (e) {
      if (!(e instanceof NotFoundError)) this.problems.push(`slow work on node ${i} failed: ${String(e)}`);
    }
  }

  async #commitSlow(i: number): Promise<void> {
    const peer = this.#peers[i] as Peer;
    const trx = peer.slow;
    if (!trx) return;
    delete peer.slow;
    try {
      await this.#commit(i, trx);
    } catch (e) {
      this.problems.push(`slow commit on node ${i} failed: ${String(e)}`);
    }
  }

  async #create(trx: Transaction): Promise<void> {
    const m = await trx.create(SimDoc, {
      title: this.#rng.pick(TITLES),
      ...(this.#rng.chance(0.7) ? { rank: this.#rng.int(4) } : {}),
      body: this.#rng.chance(0.5) ? 'x' : '',
    });
    this.#ids.push(m.id);
  }

  /** An entity node i holds and has not seen deleted, or undefined. */
  async #target(i: number): Promise<string | undefined> {
    if (this.#ids.length === 0) return undefined;
    const id = this.#rng.pick(this.#ids);
    const e = await internals((this.#peers[i] as Peer).node).loadEntity('sim_doc', id);
    return e?.exists && !e.deleted ? id : undefined;
  }

  async #edit(i: number, trx: Transaction): Promise<void> {
    for (let n = this.#rng.int(2) + 1; n > 0; n--) {
      const id = await this.#target(i);
      if (!id) continue;
      const m = await trx.edit(SimDoc, id);
      if (this.#rng.chance(0.6)) m.title = this.#rng.pick(TITLES);
      if (this.#rng.chance(0.5)) m.rank = this.#rng.int(4);
      if (this.#rng.chance(0.3)) m.set('tag', this.#rng.pick(TAGS));
    }
  }

  async #text(i: number, trx: Transaction): Promise<void> {
    const id = await this.#target(i);
    if (!id) return;
    const t = (await trx.edit(SimDoc, id)).text('body');
    for (let n = this.#rng.int(3) + 1; n > 0; n--) {
      if (t.length > 0 && this.#rng.chance(0.3)) t.delete(this.#rng.int(t.length), this.#rng.int(3) + 1);
      else t.insert(this.#rng.int(t.length + 1), this.#rng.pick(['q', 'rs', 'tuv']));
    }
  }

  async #delete(i: number, trx: Transaction): Promise<void> {
    const id = await this.#target(i);
    if (id) await trx.delete(SimDoc, id);
  }

  /** Delivers one batch; false when nothing could move. */
  async #deliver(max: number, lossy: boolean): Promise<boolean> {
    const batch = this.#net.take(max, lossy);
    if (!batch) return false;
    const peer = this.#peers[batch.to] as Peer;
    try {
      await internals(peer.node).applyRemote(batch.events, {});
    } catch (e) {
      this.problems.push(`delivery to node ${batch.to} failed: ${String(e)}`);
    }
    this.#maxStaged = Math.max(this.#maxStaged, internals(peer.node).stagedCount);
    return true;
  }

  async compare(): Promise<void> {
    const views = await Promise.all(this.#peers.map((p) => this.#observe(p)));
    const first = views[0] as string[];
    views.forEach((v, n) => {
      if (internals((this.#peers[n] as Peer).node).stagedCount > 0)
        this.problems.push(`node ${n} still has staged events`);
      v.forEach((line, k) => {
        if (line !== first[k])
          this.problems.push(`node ${n} differs from node 0:\n  0: ${first[k]}\n  ${n}: ${line}`);
      });
    });
  }

  /** Everything a node shows, one comparable line per item. */
  async #observe(peer: Peer): Promise<string[]> {
    const out: string[] = [];
    for (const id of this.#ids) {
      const s = await peer.storage.getState('sim_doc', id);
      const history = s ? (await peer.ctx.history(SimDoc, id)).map((e) => e.id) : [];
      out.push(
        JSON.stringify({ id, head: s?.head, deleted: s?.deleted, values: s?.values, lww: s?.lww, history }),
      );
    }
    for (const q of SIM_QUERIES)
      out.push(`${q}: ${(await peer.ctx.fetch(SimDoc, q)).map((v) => v.id).join(',')}`);
    return out;
  }
}
