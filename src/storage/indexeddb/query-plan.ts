import { type EntityState } from '../../entity/entity-state';
import { analyzePredicate } from '../../query/analyze';
import { type Selection } from '../../query/ast';
import { compiledSelection, queryRow } from '../memory-storage';
import { done } from './idb-request';
import { boundRange, equalRange, tagOf, tagRange, type IndexTag } from './index-keys';
import { indexEntry, readBatches, walkIndex } from './index-walk';
import { TopK } from '../top-k';
import { IX, STORES } from './open-db';

/** A kept state record: the key parts, the state, and its index entries. */
export interface StateRecord {
  readonly c: string;
  readonly id: string;
  readonly s: EntityState;
  readonly ix: unknown[];
}

/** How a fetch reads its candidates: every state, some index ranges, or an ordered walk of one field's index. */
type Plan =
  | { readonly kind: 'scan' }
  | { readonly kind: 'ranges'; readonly field: string; readonly ranges: readonly IDBKeyRange[] }
  | {
      readonly kind: 'ordered';
      readonly field: string;
      readonly tag: 'n' | 's';
      readonly limit: number;
      /** A conjunct's range on the walked field: only values inside it (and 'x' values) can match. */
      readonly within?: IDBKeyRange;
    };

/**
 * Chooses a plan from the top-level conjuncts and ORDER BY of a selection: an equality or IN on an indexed
 * field reads just those entries; with LIMIT and an indexed first ORDER BY field, the index is walked in
 * order (inside the range of a conjunct on that field, if any) and the walk stops once the window is full;
 * otherwise a range conjunct on an indexed field narrows the candidates; else every state is read.
 */
export function planFetch(sel: Selection, collection: string, indexed: ReadonlyMap<string, 'n' | 's'>): Plan {
  const first = sel.orderBy[0];
  const orderField = first?.path.length === 1 ? first.path[0] : undefined;
  const orderTag = orderField === undefined ? undefined : indexed.get(orderField);
  let range: { field: string; range: IDBKeyRange; tag: 'n' | 's' | undefined } | undefined;
  for (const c of analyzePredicate(sel.predicate)) {
    const field = c.path.length === 1 ? c.path[0] : undefined;
    if (field === undefined || !indexed.has(field)) continue;
    if (c.kind === 'eq') {
      const r = equalRange(collection, field, c.value);
      if (r) return { kind: 'ranges', field, ranges: [r] };
    } else if (c.kind === 'in') {
      const rs = c.values.map((v) => equalRange(collection, field, v));
      if (rs.every((r) => r !== undefined)) return { kind: 'ranges', field, ranges: rs };
    } else if (!range || field === orderField) {
      const r = boundRange(collection, field, c.low, c.high);
      if (r) range = { field, range: r, tag: tagOf((c.low ?? c.high)?.value ?? null) };
    }
  }
  if (orderField !== undefined && orderTag && sel.limit !== undefined) {
    const within = range?.field === orderField && range.tag === orderTag ? range.range : undefined;
    return {
      kind: 'ordered',
      field: orderField,
      tag: orderTag,
      limit: sel.limit,
      ...(within ? { within } : {}),
    };
  }
  return range ? { kind: 'ranges', field: range.field, ranges: [range.range] } : { kind: 'scan' };
}

/** Every state record of a collection (keys are [collection, id]; arrays sort after every string id). */
export function allOf(collection: string): IDBKeyRange {
  return IDBKeyRange.bound([collection], [collection, []]);
}

/**
 * Walks one field's index in ORDER BY direction over the values of its main type, stopping once `limit`
 * records match and the key moved past the last match (ties are kept for the exact sort). Entries of the
 * other tags are read whole: their order against the walked type is left to the exact sort.
 */
async function orderedCandidates(
  index: IDBIndex,
  collection: string,
  sel: Selection,
  plan: Extract<Plan, { kind: 'ordered' }>,
): Promise<StateRecord[]> {
  const { match } = compiledSelection(sel);
  const desc = sel.orderBy[0]?.direction === 'desc';
  // Ascending by one key, equal values come in id order (the evaluator's tie-break): stop at the limit.
  // Otherwise the whole group of values equal to the last match is read, for the exact sort to order.
  const exact = !desc && sel.orderBy.length === 1;
  const out: StateRecord[] = [];
  let found = 0;
  let lastValue: IDBValidKey | undefined;
  const walked = plan.within ?? tagRange(collection, plan.field, plan.tag);
  await walkIndex<StateRecord>(index, walked, plan.field, desc, plan.limit + 1, (key, rec) => {
    const value = key[3] as IDBValidKey;
    if (found >= plan.limit && (exact || indexedDB.cmp(value, lastValue as IDBValidKey) !== 0)) return false;
    if (match(queryRow(rec.s))) {
      out.push(rec);
      found++;
      lastValue = value;
    }
    return true;
  });
  // Inside a conjunct's range only arrays and JSON ('x') can match besides the walked type.
  const others: IndexTag[] = plan.within ? ['x'] : [plan.tag === 'n' ? 's' : 'n', 'x'];
  // Nulls sort last ascending: needed only when the walk did not fill the window.
  if (!plan.within && (desc || found < plan.limit)) others.push('z');
  for (const tag of others) {
    out.push(...((await done(index.getAll(tagRange(collection, plan.field, tag)))) as StateRecord[]));
  }
  return out;
}

/** The largest batch of a read into a top-k window (records held at once). */
const BIG_BATCH = 8192;

type Match = { readonly row: Record<string, unknown>; readonly state: EntityState };

/**
 * Runs a fetch inside a read transaction: candidates by plan, then the exact filter, order and limit. With
 * a LIMIT, scans and ranges are read in batches into a top-k buffer of the window (the exact order, id
 * tie-break included), so neither every candidate nor every match is held or sorted at once.
 */
export async function runFetch(
  tx: IDBTransaction,
  collection: string,
  sel: Selection,
  indexed: ReadonlyMap<string, 'n' | 's'>,
): Promise<EntityState[]> {
  const store = tx.objectStore(STORES.states);
  const plan = planFetch(sel, collection, indexed);
  const { match, order } = compiledSelection(sel);
  const byRow = (a: Match, b: Match): number => order(a.row, b.row);
  const top = sel.limit === undefined ? undefined : new TopK<Match>(sel.limit, byRow);
  const all: Match[] = [];
  // A record comes once from a scan (keyed by id) or one range (one entry per field); IN's ranges may repeat.
  const seen =
    plan.kind === 'scan' || (plan.kind === 'ranges' && plan.ranges.length === 1)
      ? undefined
      : new Set<string>();
  const take = (rec: StateRecord): boolean => {
    if (rec.s.deleted) return true;
    if (seen) {
      if (seen.has(rec.id)) return true;
      seen.add(rec.id);
    }
    const row = queryRow(rec.s);
    if (match(row)) {
      if (top) top.add({ row, state: rec.s });
      else all.push({ row, state: rec.s });
    }
    return true;
  };
  if (plan.kind === 'ordered') {
    for (const rec of await orderedCandidates(store.index(IX), collection, sel, plan)) take(rec);
  } else if (top) {
    // Every candidate is read: large batches (few round trips), each dropped once it went through the window.
    const first = Math.max(1024, (sel.limit ?? 0) + 1);
    const index = store.index(IX);
    if (plan.kind === 'scan') {
      const id = (rec: StateRecord): IDBValidKey => [collection, rec.id];
      await readBatches(store, allOf(collection), first, id, take, BIG_BATCH);
    } else {
      const entry = indexEntry<StateRecord>(plan.field);
      for (const r of plan.ranges) await readBatches(index, r, first, entry, take, BIG_BATCH);
    }
  } else {
    const reads =
      plan.kind === 'scan'
        ? [done(store.getAll(allOf(collection)))]
        : plan.ranges.map((r) => done(store.index(IX).getAll(r)));
    for (const part of await Promise.all(reads)) for (const rec of part as StateRecord[]) take(rec);
  }
  if (top) return top.sorted().map((m) => m.state);
  return all.sort(byRow).map((m) => m.state);
}
