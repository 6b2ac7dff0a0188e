import { type Entity } from '../entity/entity';

/** How an entity took part in a change of a result. */
export type ChangeKind = 'initial' | 'add' | 'update' | 'remove';

/** One entity's part in a change of a result; `item` is what the result shows for it (the entity, or its view). */
export interface ItemDiff<T> {
  readonly kind: ChangeKind;
  readonly entity: Entity;
  readonly item: T;
}

/** One emission of a live result: the items now, and what changed since the previous emission. */
export interface ResultDiff<T = Entity> {
  readonly initial: boolean;
  readonly items: readonly T[];
  readonly changes: readonly ItemDiff<T>[];
}

/** What a result last emitted, by entity id. */
export type Emitted<T> = Map<string, { readonly entity: Entity; readonly item: T }>;

/**
 * Compares two results: removals in old order, then additions and updates (of `touched` entities present
 * in both) in new order. Rewrites `emitted` to describe `next`.
 */
export function fullDiff<T>(
  emitted: Emitted<T>,
  next: readonly { readonly entity: Entity; readonly item: T }[],
  touched: { has(id: string): boolean },
): ItemDiff<T>[] {
  const nextIds = new Set<string>();
  for (const e of next) nextIds.add(e.entity.id);
  const out: ItemDiff<T>[] = [];
  for (const [id, e] of emitted) if (!nextIds.has(id)) out.push({ kind: 'remove', ...e });
  for (const e of next) {
    if (!emitted.has(e.entity.id)) out.push({ kind: 'add', entity: e.entity, item: e.item });
    else if (touched.has(e.entity.id)) out.push({ kind: 'update', entity: e.entity, item: e.item });
  }
  emitted.clear();
  for (const e of next) emitted.set(e.entity.id, { entity: e.entity, item: e.item });
  return out;
}

/**
 * The diff of an unbounded result when only `touched` entities can have entered or left it (no window
 * edge moves): linear in the change, not in the result. Keeps `emitted` in step.
 */
export function touchedDiff<T>(
  emitted: Emitted<T>,
  touched: ReadonlyMap<string, Entity>,
  current: (id: string) => T | undefined,
): ItemDiff<T>[] {
  const removes: ItemDiff<T>[] = [];
  const rest: ItemDiff<T>[] = [];
  for (const [id, entity] of touched) {
    const was = emitted.get(id);
    const item = current(id);
    if (was && item === undefined) {
      removes.push({ kind: 'remove', ...was });
      emitted.delete(id);
    } else if (item !== undefined) {
      rest.push({ kind: was ? 'update' : 'add', entity, item });
      emitted.set(id, { entity, item });
    }
  }
  return removes.concat(rest);
}
