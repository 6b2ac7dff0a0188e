import { type Entity } from '../../entity/entity';
import { type EntityState } from '../../entity/entity-state';
import { type ReplicaPort } from '../ports';
import { type EntityRef, type RemoteStates } from './peer';
import { entityKey } from '../../event/entity-key';

const refKey = (r: EntityRef): string => entityKey(r.collection, r.id);

/** A remote state (or drop, without `state`) left out while a queued commit touched its entity. */
interface Deferred {
  readonly ref: EntityRef;
  readonly state: EntityState | undefined;
  readonly seq: number | undefined;
}

/**
 * Which states from the current durable peer an ephemeral node adopts: never one older than a state already
 * adopted (sequence numbers), never over an entity a queued commit touches (that state is deferred, and the
 * newest deferred one is adopted once no queued commit touches the entity, unless something newer came).
 */
export class PeerAdoption {
  readonly #replica: Pick<ReplicaPort, 'adoptStates'>;
  readonly #touches: (ref: EntityRef) => boolean;
  /** Per entity, the sequence number of the newest state adopted from the current peer. */
  #seqs = new Map<string, number>();
  /** Per entity, the newest remote state left out while a queued commit touched it (from the current peer). */
  #deferred = new Map<string, Deferred>();

  constructor(replica: Pick<ReplicaPort, 'adoptStates'>, touches: (ref: EntityRef) => boolean) {
    this.#replica = replica;
    this.#touches = touches;
  }

  /** A new peer: its sequence numbers start afresh. */
  reset(): void {
    this.#seqs = new Map();
    this.#deferred = new Map();
  }

  /** Adopts an update (`force`: even over entities queued commits touch, to undo a refused commit). */
  adopt(update: RemoteStates, force = false): Promise<Entity[]> {
    const seqs = this.#seqs;
    const deferred = this.#deferred;
    const seq = update.seq;
    const states = new Set<EntityRef>(update.states);
    return this.#replica.adoptStates(update, (r: EntityRef) => {
      const key = refKey(r);
      if (seq !== undefined && (seqs.get(key) ?? -1) > seq) return true;
      // A newer state left out while a queued commit touched the entity is still to be adopted (between the
      // acknowledgement and adoptDeferred): an older answer arriving meanwhile must not overwrite it.
      const newer = deferred.get(key)?.seq;
      if (seq !== undefined && newer !== undefined && newer > seq) return true;
      if (!force && this.#touches(r)) {
        // Left out for now: adopted once no queued commit touches the entity, if still the newest then.
        const was = deferred.get(key);
        if (!was || seq === undefined || (was.seq ?? -1) <= seq) {
          deferred.set(key, { ref: r, state: states.has(r) ? (r as EntityState) : undefined, seq });
        }
        return true;
      }
      if (seq !== undefined) seqs.set(key, seq);
      return false;
    });
  }

  /** Adopts the states left out while queued commits touched their entities, once none does. */
  async adoptDeferred(): Promise<void> {
    const deferred = this.#deferred;
    for (const [key, d] of [...deferred]) {
      if (this.#touches(d.ref) || deferred.get(key) !== d) continue;
      deferred.delete(key);
      const update: RemoteStates = d.state
        ? { states: [d.state], gone: [] }
        : { states: [], gone: [{ collection: d.ref.collection, id: d.ref.id }] };
      await this.adopt(d.seq === undefined ? update : { ...update, seq: d.seq });
    }
  }
}
