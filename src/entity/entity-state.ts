import { type Clock } from '../event/clock';
import { type LwwState } from '../property/lww';
import { type TextState } from '../property/text';

/** The full persisted state of one entity: what a storage engine keeps in its state table. */
export interface EntityState {
  readonly id: string;
  readonly collection: string;
  readonly head: Clock;
  readonly deleted: boolean;
  /** The least tombstone event id, when deleted. */
  readonly deletedBy?: string;
  /** Every tombstone event id, sorted: an edit descending from any of them is rejected. */
  readonly tombstones?: readonly string[];
  readonly lww: LwwState;
  readonly text: TextState;
  /** Every field's current value (text as strings): the materialised columns and the query input. */
  readonly values: Readonly<Record<string, unknown>>;
}
