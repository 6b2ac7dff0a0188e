import { type Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { UnavailableError } from '../../errors/errors';
import { type EventAdoption, type ReplicaPort } from '../ports';
import { type EntityRef, type RemoteStates } from './peer';
import { entityKey } from '../../event/entity-key';

const refKey = (r: EntityRef): string => entityKey(r.collection, r.id);

/**
 * A remote state (or drop, without `state`) left out while a queued commit touched its entity; or, with
 * `refetch`, pushed events that did not fit the copy then, so the entity is to be read again.
 */
interface Deferred {
  readonly ref: EntityRef;
  readonly state: EntityState | undefined;
  readonly seq: number | undefined;
  readonly refetch?: true;
}

/**
 * True when something newer than `seq` was adopted for the entity, or is deferred for it: a newer state left
 * out while a queued commit touched the entity is still to be adopted (between the acknowledgement and
 * adoptDeferred), and an older answer arriving meanwhile must not overwrite it.
 */
function olderThanHeld(
  seqs: ReadonlyMap<string, number>,
  deferred: ReadonlyMap<string, Deferred>,
  key: string,
  seq: number | undefined,
): boolean {
  if (seq === undefined) return false;
  if ((seqs.get(key) ?? -1) > seq) return true;
  if (deferred.size === 0) return false;
  const newer = deferred.get(key)?.seq;
  return newer !== undefined && newer > seq;
}

/** Defers `d` for the entity unless what is deferred for it already is newer. */
function deferNewest(deferred: Map<string, Deferred>, key: string, d: Deferred): void {
  const was = deferred.get(key);
  if (!was || d.seq === undefined || (was.seq ?? -1) <= d.seq) deferred.set(key, d);
}

/** What PeerAdoption needs besides the node. */
export interface AdoptionHost {
  readonly replica: Pick<ReplicaPort, 'adoptStates'>;
  /** True while a queued commit touches the entity. */
  touches(ref: EntityRef): boolean;
  /** One entity read from the current peer (undefined while none is attached). */
  read(ref: EntityRef): Promise<RemoteStates | undefined>;
  report(error: unknown): void;
}

/**
 * Which states from the current durable peer an ephemeral node adopts: never one older than a state already
 * adopted (sequence numbers), never over an entity a queued commit touches (that state is deferred, and the
 * newest deferred one is adopted once no queued commit touches the entity, unless something newer came).
 * Pushed events are applied where the copy is at their parents (they only move it forward, so they are also
 * applied over an entity a queued commit touches); where it is not, the entity is read again from the peer,
 * at once, or once no queued commit touches it.
 */
export class PeerAdoption {
  readonly #host: AdoptionHost;
  /** Per entity, the sequence number of the newest state adopted from the current peer. */
  #seqs = new Map<string, number>();
  /** Per entity, the newest remote state left out while a queued commit touched it (from the current peer). */
  #deferred = new Map<string, Deferred>();
  /** Entities being read again, each true when it is to be read once more (stale again meanwhile). */
  #rereading = new Map<string, boolean>();

  constructor(host: AdoptionHost) {
    this.#host = host;
  }

  /** A new peer: its sequence numbers start afresh. */
  reset(): void {
    this.#seqs = new Map();
    this.#deferred = new Map();
    this.#rereading = new Map();
  }

  /** Adopts an update (`force`: even over entities queued commits touch, to undo a refused commit). */
  adopt(update: RemoteStates, force = false): Promise<Entity[]> {
    const seqs = this.#seqs;
    const deferred = this.#deferred;
    const seq = update.seq;
    const states = new Set<EntityRef>(update.states);
    const pushed = update.events && update.events.length > 0 ? this.#pushed(seq, force) : undefined;
    return this.#host.replica.adoptStates(
      update,
      (r: EntityRef) => {
        const key = refKey(r);
        if (olderThanHeld(seqs, deferred, key, seq)) return true;
        if (!force && this.#host.touches(r)) {
          // Left out for now: adopted once no queued commit touches the entity, if still the newest then.
          deferNewest(deferred, key, {
            ref: r,
            state: states.has(r) ? (r as EntityState) : undefined,
            seq,
          });
          return true;
        }
        if (seq !== undefined) seqs.set(key, seq);
        return false;
      },
      pushed,
    );
  }

  /** How one push's events are adopted (see the class comment). */
  #pushed(seq: number | undefined, force: boolean): EventAdoption {
    const seqs = this.#seqs;
    const deferred = this.#deferred;
    return {
      keep: (r) => {
        const key = refKey(r);
        if (olderThanHeld(seqs, deferred, key, seq)) return true;
        if (seq !== undefined) seqs.set(key, seq);
        return false;
      },
      stale: (r) => {
        if (seqs !== this.#seqs) return; // from a peer that left: the next one resends what changed
        if (!force && this.#host.touches(r)) {
          deferNewest(deferred, refKey(r), { ref: r, state: undefined, seq, refetch: true });
          return;
        }
        this.#reread(r);
      },
    };
  }

  /**
   * Reads an entity again from the peer and adopts the answer. Stale again while being read: read once more,
   * since the answer may have been read before the push that found the copy stale.
   */
  #reread(ref: EntityRef): void {
    const key = refKey(ref);
    const rereading = this.#rereading;
    if (rereading.has(key)) {
      rereading.set(key, true);
      return;
    }
    rereading.set(key, false);
    const run = async (): Promise<void> => {
      for (;;) {
        const answer = await this.#host.read(ref);
        if (!answer || rereading !== this.#rereading) return;
        await this.adopt(answer);
        if (!rereading.get(key)) return;
        rereading.set(key, false);
      }
    };
    run()
      .catch((e: unknown) => {
        // A lost connection is no error: the next peer's subscriptions resend what the node lacks.
        if (!(e instanceof UnavailableError)) this.#host.report(e);
      })
      .finally(() => {
        if (rereading === this.#rereading) rereading.delete(key);
      });
  }

  /** Adopts the states left out while queued commits touched their entities, once none does. */
  async adoptDeferred(): Promise<void> {
    const deferred = this.#deferred;
    for (const [key, d] of [...deferred]) {
      if (this.#host.touches(d.ref) || deferred.get(key) !== d) continue;
      deferred.delete(key);
      if (d.refetch) {
        // Unless a newer state came meanwhile (the acknowledgement, usually).
        if (d.seq === undefined || (this.#seqs.get(key) ?? -1) <= d.seq) this.#reread(d.ref);
        continue;
      }
      const update: RemoteStates = d.state
        ? { states: [d.state], gone: [] }
        : { states: [], gone: [{ collection: d.ref.collection, id: d.ref.id }] };
      await this.adopt(d.seq === undefined ? update : { ...update, seq: d.seq });
    }
  }
}
