import { UnavailableError, asError } from '../../errors/errors';
import { type Selection } from '../../query/ast';
import { type DurablePeer, type Holding, type RemoteQuery, type RemoteStates } from './peer';

/** What the relayed live queries need from the peer hub. */
export interface QueryHost {
  peer(): DurablePeer | undefined;
  adopt(update: RemoteStates): Promise<unknown>;
  report(error: unknown): void;
}

class Tracked implements RemoteQuery {
  readonly sub: string;
  readonly collection: string;
  selection: Selection;
  readonly held: Holding;
  synced: Promise<void> = Promise.resolve();
  /**
   * The peer whose subscription matches this query's selection and result now: set once its answer to the
   * subscription (or to the last selection change) is adopted, cleared while a change is on its way.
   */
  liveOn: DurablePeer | undefined;
  /** Told when a peer refuses the query after a reconnect (the first answer is `synced`'s). */
  readonly failed: ((error: Error) => void) | undefined;
  readonly #owner: RemoteQueries;
  readonly #host: QueryHost;
  #closed = false;

  constructor(
    owner: RemoteQueries,
    host: QueryHost,
    sub: string,
    collection: string,
    selection: Selection,
    held: Holding,
    failed: ((error: Error) => void) | undefined,
  ) {
    this.failed = failed;
    this.#owner = owner;
    this.#host = host;
    this.sub = sub;
    this.collection = collection;
    this.selection = selection;
    this.held = held;
  }

  /**
   * Registers the query on a peer; the states it answers with go into the node like any other update. A lost
   * connection is not an error: the query is registered again on the next peer. Neither is a refusal of a
   * query closed meanwhile (the peer answers an unsubscribe that overtook the setup that way).
   */
  async establish(peer: DurablePeer): Promise<void> {
    this.liveOn = undefined;
    try {
      const selection = this.selection;
      const update = await peer.subscribe(this.sub, this.collection, selection, this.held.list());
      await this.#answered(peer, selection, update);
    } catch (e) {
      if (!(e instanceof UnavailableError) && !this.#closed) throw e;
    }
  }

  /**
   * Replaces the selection; on the peer once its registration (after a reconnect, say) has been answered, since
   * an update overtaking it would find no subscription there.
   */
  async update(selection: Selection): Promise<void> {
    this.selection = selection;
    this.liveOn = undefined;
    let synced: Promise<void>;
    do {
      synced = this.synced;
      await synced.catch(() => undefined);
    } while (synced !== this.synced);
    const peer = this.#host.peer();
    if (!peer || this.#closed) return;
    try {
      const update = await peer.update(this.sub, selection, this.held.list());
      await this.#answered(peer, selection, update);
    } catch (e) {
      if (!(e instanceof UnavailableError) && !this.#closed) throw e;
    }
  }

  /**
   * Adopts `peer`'s answer for `selection` while that peer is current; the query is then live on it, unless
   * the selection changed meanwhile (that change is still to be answered).
   */
  async #answered(peer: DurablePeer, selection: Selection, update: RemoteStates): Promise<void> {
    if (this.#host.peer() !== peer || this.#closed) return;
    await this.#host.adopt(update);
    if (this.selection === selection && this.#host.peer() === peer) this.liveOn = peer;
  }

  close(): void {
    this.#closed = true;
    if (!this.#owner.forget(this)) return;
    this.#host
      .peer()
      ?.unsubscribe(this.sub)
      .catch(() => {
        // The connection is gone, and the peer dropped the subscription with it.
      });
  }
}

/**
 * The live queries an ephemeral node relays to its durable peer. Each is registered on every peer that
 * attaches, with the ids and heads the node holds, so a reconnect resends only what changed meanwhile.
 */
export class RemoteQueries {
  readonly #host: QueryHost;
  readonly #queries = new Map<string, Tracked>();
  #seq = 0;

  constructor(host: QueryHost) {
    this.#host = host;
  }

  get size(): number {
    return this.#queries.size;
  }

  /**
   * Starts relaying a query; `synced` resolves once the current peer answered (at once while offline) and
   * rejects when it refused the query; a refusal by a later peer goes to `failed` and is reported.
   */
  track(
    collection: string,
    selection: Selection,
    held: Holding,
    failed?: (error: Error) => void,
  ): RemoteQuery {
    const q = new Tracked(this, this.#host, `q${++this.#seq}`, collection, selection, held, failed);
    this.#queries.set(q.sub, q);
    const peer = this.#host.peer();
    if (peer) q.synced = q.establish(peer);
    return q;
  }

  /** Re-establishes every query on a newly attached peer. */
  attach(peer: DurablePeer): void {
    for (const q of this.#queries.values()) {
      q.synced = q.establish(peer).catch((e: unknown) => {
        // Refused by the new peer (a limit, access): the query ends with the error, which is also reported,
        // since nobody awaits anything after a reconnect.
        q.failed?.(asError(e));
        this.#host.report(e);
      });
    }
  }

  /**
   * True when a live query synced on the current peer holds the entity: the peer pushes every change to it
   * (or its removal from the result) for as long as the subscription lasts, so the local copy is as current
   * as a read would make it, short of a push still on its way.
   */
  covers(collection: string, id: string): boolean {
    const peer = this.#host.peer();
    if (!peer) return false;
    for (const q of this.#queries.values()) {
      if (q.liveOn === peer && q.collection === collection && q.held.has(id)) return true;
    }
    return false;
  }

  forget(q: Tracked): boolean {
    return this.#queries.delete(q.sub);
  }

  clear(): void {
    this.#queries.clear();
  }
}
