import { Subject } from 'rxjs';
import { type Entity } from '../../../src/entity/entity';
import { parseSelection } from '../../../src/query/parser';
import { type Predicate } from '../../../src/query/ast';
import { type ReactorBatch } from '../../../src/reactor/change';
import { Reactor } from '../../../src/reactor/reactor';

/** A stand-in for a live entity: what the reactor reads (id, collection, deleted, values). */
export class FakeEntity {
  readonly collection: string;
  readonly id: string;
  deleted = false;
  #values: Readonly<Record<string, unknown>>;

  constructor(id: string, values: Record<string, unknown>, collection = 'album') {
    this.id = id;
    this.collection = collection;
    this.#values = Object.freeze({ ...values });
  }

  values(): Readonly<Record<string, unknown>> {
    return this.#values;
  }

  set(values: Record<string, unknown>): this {
    this.#values = Object.freeze({ ...this.#values, ...values });
    return this;
  }

  asEntity(): Entity {
    // The reactor only reads id, collection, deleted and values().
    return this as unknown as Entity;
  }
}

export function predicate(text: string): Predicate {
  return parseSelection(text).predicate;
}

/** A reactor fed by a hand-driven change stream. */
export function testReactor(): {
  reactor: Reactor;
  emit: (...entities: FakeEntity[]) => void;
  errors: Error[];
} {
  const changes = new Subject<ReactorBatch>();
  const errors: Error[] = [];
  const reactor = new Reactor(changes, (e) => errors.push(e));
  const emit = (...entities: FakeEntity[]): void =>
    changes.next({ changes: entities.map((e) => ({ entity: e.asEntity(), before: null })) });
  return { reactor, emit, errors };
}
