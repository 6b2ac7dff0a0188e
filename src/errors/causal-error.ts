import { AnkurahError } from './ankurah-error';

/** An event as the causal checks name it. */
interface EventRef {
  readonly id: string;
  readonly collection: string;
  readonly entityId: string;
}

/** Causal history could not be reconciled; each message comes from one factory below. */
export class CausalError extends AnkurahError {
  /** An event was offered to an entity it does not belong to. */
  static wrongEntity(event: EventRef): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} belongs to ${event.collection}/${event.entityId}, not here`,
    );
  }

  /** A non-creation event reached a node that holds none of the entity's history. */
  static needsHistory(event: EventRef): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} of ${event.collection}/${event.entityId} needs history this node does not hold`,
    );
  }

  /** A second creation event for an entity that exists. */
  static unrelatedCreation(event: EventRef): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} claims to create ${event.collection}/${event.entityId}, which already exists: unrelated history`,
    );
  }

  /** An edit that descends from a delete. */
  static editAfterDelete(event: EventRef): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} edits ${event.collection}/${event.entityId} after it was deleted; the edit is rejected`,
    );
  }

  /** A parent of an event is not stored here. */
  static missingParent(parent: string, eventId: string): CausalError {
    return new CausalError(
      'CAUSAL',
      `parent ${parent} of event ${eventId} is not known here; its history is incomplete`,
    );
  }

  /** A parent id does not sort before its child's id. */
  static parentOrder(event: EventRef, parent: string): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} of ${event.collection}/${event.entityId} has parent ${parent}, which does not sort before it`,
    );
  }

  /** A parent is an event of another entity (`child` names the event, or its entity when it has no id yet). */
  static foreignParent(child: string, parent: EventRef, own: Omit<EventRef, 'id'>): CausalError {
    return new CausalError(
      'CAUSAL',
      `${child} names parent ${parent.id}, which is an event of ${parent.collection}/${parent.entityId}, ` +
        `not of ${own.collection}/${own.entityId}: parents must be events of the same entity; nothing was applied`,
    );
  }

  /** A causal walk visited more events than its budget allows. */
  static budgetExceeded(collection: string, budget: number): CausalError {
    return new CausalError(
      'CAUSAL',
      `causal walk over ${collection} exceeded its budget of ${budget} events`,
    );
  }

  /** A walk needed an event this node does not hold. */
  static unknownEvent(id: string, collection: string): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${id} of ${collection} is not known here; its history is incomplete (an ephemeral node needs a durable peer)`,
    );
  }

  /** No id sorts after an entity's newest event, so it cannot be edited. */
  static noIdAfter(floor: string): CausalError {
    return new CausalError(
      'CAUSAL',
      `no event id sorts after ${floor}, the entity's newest event: it cannot be edited. Fix: the event ` +
        'was forged or minted by a broken clock; remove the entity from storage or restore it from a backup',
    );
  }

  /** An event is dated too far ahead of this node's clock (`lead` describes by how much). */
  static clockSkew(event: EventRef, lead: string, maxSkewMs: number): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} of ${event.collection}/${event.entityId} is dated ${lead} of this node's ` +
        `clock (the limit is maxClockSkewMs = ${maxSkewMs} ms); nothing was applied. Fix: synchronise the ` +
        "writer's clock (NTP); a forged id is refused for good",
    );
  }

  /** A local event's parents are not held by this node. */
  static localParentsMissing(event: {
    readonly id: string;
    readonly parents: readonly string[];
  }): CausalError {
    return new CausalError(
      'CAUSAL',
      `local event ${event.id} has parents ${event.parents.join(', ')} this node does not hold`,
    );
  }

  /** An event was dropped by the apply pipeline (`why` completes "it ..."). */
  static dropped(event: EventRef, why: string): CausalError {
    return new CausalError(
      'CAUSAL',
      `event ${event.id} of ${event.collection}/${event.entityId} was dropped: it ${why}`,
    );
  }

  /** A local batch held two events of one entity. */
  static twoLocalEvents(event: EventRef): CausalError {
    return new CausalError(
      'CAUSAL',
      `a local batch holds two events of ${event.collection}/${event.entityId}; one transaction makes one`,
    );
  }

  /** A commit names parents the durable node does not hold. */
  static commitParentsMissing(missing: readonly string[]): CausalError {
    return new CausalError(
      'CAUSAL',
      `the commit refers to parent events this node does not hold (${missing.slice(0, 3).join(', ')}); nothing was applied`,
    );
  }
}
