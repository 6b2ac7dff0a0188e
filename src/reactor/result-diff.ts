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
 * Compares two results: removals in old order (`previous`, the items last emitted), then additions and
 * updates (of `touched` entities present in both) in new order. Rewrites `emitted` to describe `next`.
 */
export function fullDiff<T>(
  emitted: Emitted<T>,
  previous: readonly T[],
  next: readonly { readonly entity: Entity; readonly item: T }[],
  touched: { has(id: string): boolean },
): ItemDiff<T>[] {
  const nextIds = new Set<string>();
  for (const e of next) nextIds.add(e.entity.id);
  const out: ItemDiff<T>[] = [];
  for (const [id, e] of emitted) if (!nextIds.has(id)) out.push({ kind: 'remove', ...e });
  if (out.length > 1) byPosition(out, previous);
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
  // Usually one entity per emission: lists are made at their first element, at its size.
  let removes: ItemDiff<T>[] | undefined;
  let rest: ItemDiff<T>[] | undefined;
  touched.forEach((entity, id) => {
    const was = emitted.get(id);
    const item = current(id);
    if (was && item === undefined) {
      const c: ItemDiff<T> = { kind: 'remove', entity: was.entity, item: was.item };
      if (removes) removes.push(c);
      else removes = [c];
      emitted.delete(id);
    } else if (item !== undefined) {
      const c: ItemDiff<T> = { kind: was ? 'update' : 'add', entity, item };
      if (rest) rest.push(c);
      else rest = [c];
      emitted.set(id, { entity, item });
    }
  });
  if (!removes) return rest ?? [];
  return rest ? removes.concat(rest) : removes;
}

/**
 * The diff of a LIMIT window when only `touched` entities and those that crossed the limit edge (`edge`)
 * can have entered or left it: the same changes and order as fullDiff (removals in old order, then additions
 * and updates in new order) at a cost linear in the change. Keeps `emitted` in step.
 */
export function edgeDiff<T>(
  emitted: Emitted<T>,
  previous: readonly T[],
  touched: ReadonlyMap<string, Entity>,
  edge: ReadonlyMap<string, Entity>,
  shown: (id: string) => { readonly at: number; readonly item: T } | undefined,
): ItemDiff<T>[] {
  const removes: ItemDiff<T>[] = [];
  const rest: (ItemDiff<T> & { at: number })[] = [];
  const visit = (id: string, entity: Entity, isTouched: boolean): void => {
    const was = emitted.get(id);
    const now = shown(id);
    if (was && !now) {
      removes.push({ kind: 'remove', entity: was.entity, item: was.item });
      emitted.delete(id);
    } else if (now && (!was || isTouched)) {
      rest.push({ kind: was ? 'update' : 'add', entity, item: now.item, at: now.at });
      emitted.set(id, { entity, item: now.item });
    }
  };
  touched.forEach((entity, id) => visit(id, entity, true));
  edge.forEach((entity, id) => touched.has(id) || visit(id, entity, false));
  if (removes.length > 1) byPosition(removes, previous);
  if (rest.length > 1) rest.sort((a, b) => a.at - b.at);
  for (const r of rest) removes.push({ kind: r.kind, entity: r.entity, item: r.item });
  return removes;
}

/** Sorts changes by the position of their items in `items`. */
function byPosition<T>(changes: ItemDiff<T>[], items: readonly T[]): void {
  const at = new Map<T, number>();
  items.forEach((item, i) => at.set(item, i));
  changes.sort((a, b) => (at.get(a.item) ?? 0) - (at.get(b.item) ?? 0));
}
