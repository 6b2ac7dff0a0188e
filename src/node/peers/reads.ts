import { type Entity } from '../../entity/entity';
import { UnavailableError } from '../../errors/errors';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';
import { compilePredicate } from '../../query/evaluate';
import { compareRecords } from '../../query/order';
import { rowOf, type Row } from '../../reactor/change';
import { type ReplicaPort } from '../ports';
import { type DurablePeer, type RemoteStates } from './peer';

const lost = (e: unknown): boolean => e instanceof UnavailableError;

/** How many held entities a fetch re-reads from the peer at once when its answer no longer names them. */
const REFRESH_BATCH = 16;
/** How many times a fetch looks again for held entities its answer no longer names (LIMIT windows). */
const REFRESH_ROUNDS = 8;

/** What the reads need from the peer hub. */
export interface ReadHost {
  readonly replica: Pick<ReplicaPort, 'loadLocal' | 'fetchLocal' | 'storage'>;
  peer(): DurablePeer | undefined;
  /** Adopts an answer (see PeerHub): resolves to the live entities of its states. */
  adopt(update: RemoteStates): Promise<Entity[]>;
  /** The ids of a collection's entities that queued commits touch. */
  queued(collection: string): Set<string>;
  /** True when a live query synced on the current peer holds the entity (see RemoteQueries.covers). */
  covered(collection: string, id: string): boolean;
}

/** An ephemeral node's reads: answered by the durable peer while connected (and adopted), else locally. */
export class PeerReads {
  readonly #host: ReadHost;

  constructor(host: ReadHost) {
    this.#host = host;
  }

  /**
   * One entity: from the peer while connected (adopted locally), else from what this node holds. While a live
   * query synced on the peer holds it, the copy here is read: the peer pushes its changes to that query.
   */
  async load(collection: string, id: string): Promise<Entity | undefined> {
    const peer = this.#host.peer();
    if (peer && this.#host.covered(collection, id)) {
      // The peer pushes this entity's changes to a live query that holds it: no round trip for the read.
      const held = await this.#host.replica.loadLocal(collection, id);
      if (held) return held;
    }
    if (peer) {
      try {
        const [entity] = await this.#host.adopt(await peer.get(collection, id));
        return entity ?? (await this.#host.replica.loadLocal(collection, id));
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#host.replica.loadLocal(collection, id);
  }

  /**
   * Entities matching a selection: the peer's answer while connected (adopted locally), else the local one.
   * Entities that queued commits touch (when the request was sent or answered) are evaluated on their local
   * state, since the peer may lack them or their changes yet (a LIMIT is widened by their number so the window
   * stays full). Held entities that match locally where the answer should have named them but did not (deleted
   * or changed on the peer meanwhile) are read again from the peer, so no stale copy outlives the answer.
   */
  async fetch(collection: string, selection: Selection): Promise<Entity[]> {
    const peer = this.#host.peer();
    if (peer) {
      try {
        const queued = this.#host.queued(collection);
        const wide =
          selection.limit === undefined || queued.size === 0
            ? selection
            : { ...selection, limit: selection.limit + queued.size };
        const answer = await peer.fetch(collection, wide);
        const adopted = await this.#host.adopt(answer);
        for (const id of this.#host.queued(collection)) queued.add(id);
        await this.#refreshUnnamed(peer, collection, wide, answer, queued);
        if (queued.size === 0) return adopted.filter((e) => !e.deleted);
        return await this.#withQueued(collection, selection, adopted, queued);
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#host.replica.fetchLocal(collection, selection);
  }

  /**
   * One entity's events: the durable peer's whole history while connected, else the events this node holds
   * (an ephemeral node keeps only the events of its own queued commits, not the rest of the history).
   */
  async history(collection: string, id: string): Promise<readonly Event[]> {
    const peer = this.#host.peer();
    if (peer) {
      try {
        return await peer.history(collection, id);
      } catch (e) {
        if (!lost(e)) throw e;
      }
    }
    return this.#host.replica.storage.entityEvents(collection, id);
  }

  /** A fetch's result with the entities queued commits touch evaluated on their local state, in order. */
  async #withQueued(
    collection: string,
    selection: Selection,
    adopted: readonly Entity[],
    queued: ReadonlySet<string>,
  ): Promise<Entity[]> {
    const match = compilePredicate(selection.predicate);
    const out: { entity: Entity; row: Row }[] = [];
    const add = (entity: Entity | undefined): void => {
      const row = entity?.exists ? rowOf(entity) : undefined;
      if (entity && row && match(row)) out.push({ entity, row });
    };
    for (const e of adopted) if (!queued.has(e.id)) add(e);
    for (const id of queued) add(await this.#host.replica.loadLocal(collection, id));
    const order = compareRecords(selection.orderBy);
    out.sort((a, b) => order(a.row, b.row));
    const entities = out.map((e) => e.entity);
    return selection.limit === undefined ? entities : entities.slice(0, selection.limit);
  }

  /**
   * Reads again from the peer the held entities a fetch answer should have named but did not: those matching
   * the selection locally, touched by no queued commit, and (for a full LIMIT answer) sorting before its last
   * row. The peer's answer for each (its state, or gone) is adopted like any other.
   */
  async #refreshUnnamed(
    peer: DurablePeer,
    collection: string,
    selection: Selection,
    answer: RemoteStates,
    queued: ReadonlySet<string>,
  ): Promise<void> {
    const named = new Set([...answer.states.map((s) => s.id), ...answer.gone.map((g) => g.id)]);
    const last = answer.states[answer.states.length - 1];
    const full = selection.limit !== undefined && answer.states.length >= selection.limit && last;
    const boundary: Row | undefined = full ? { ...last.values, id: last.id } : undefined;
    const order = compareRecords(selection.orderBy);
    const refreshed = new Set<string>();
    for (let round = 0; round < REFRESH_ROUNDS; round++) {
      const unnamed: string[] = [];
      for (const e of await this.#host.replica.fetchLocal(collection, selection)) {
        if (named.has(e.id) || queued.has(e.id) || refreshed.has(e.id)) continue;
        const row = rowOf(e);
        if (boundary && row && order(row, boundary) >= 0) continue;
        unnamed.push(e.id);
      }
      if (unnamed.length === 0) return;
      for (let i = 0; i < unnamed.length; i += REFRESH_BATCH) {
        const answers = await Promise.all(
          unnamed.slice(i, i + REFRESH_BATCH).map((id) => peer.get(collection, id)),
        );
        for (const a of answers) await this.#host.adopt(a);
      }
      for (const id of unnamed) refreshed.add(id);
      if (selection.limit === undefined) return;
    }
  }
}
