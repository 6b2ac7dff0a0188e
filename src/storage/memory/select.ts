import { type EntityState } from '../../entity/entity-state';
import { selectionPaths } from '../../query/analyze';
import { type Selection } from '../../query/ast';
import { compareStrings } from '../../query/collation';
import { compilePredicate } from '../../query/evaluate';
import { compareKeys } from '../../query/order';

type Row = Readonly<Record<string, unknown>>;

/** Above this LIMIT a full sort is cheaper than keeping a sorted window by insertion. */
const TOP_K_MAX = 1024;

interface Plan {
  /** Whether the selection reads `id` (then rows must carry it; otherwise the values alone are the row). */
  readonly readsId: boolean;
  readonly match: (r: Row) => boolean;
  /** ORDER BY keys without the id tie-break; ties are broken on the state's id. */
  readonly keys: (a: Row, b: Row) => number;
}

const plans = new WeakMap<Selection, Plan>();

function planOf(sel: Selection): Plan {
  let p = plans.get(sel);
  if (!p) {
    p = {
      readsId: selectionPaths(sel).some((path) => path[0] === 'id'),
      match: compilePredicate(sel.predicate),
      keys: compareKeys(sel.orderBy),
    };
    plans.set(sel, p);
  }
  return p;
}

interface Hit {
  readonly row: Row;
  readonly state: EntityState;
}

/**
 * The live states of `records` matching a selection, in its order (ORDER BY, then id), cut at its LIMIT.
 * Rows are the stored values themselves unless the selection reads `id` (no copy per entity), and a LIMIT
 * keeps only a sorted window of that many (one pass, no sort of every match).
 */
export function selectStates(
  records: Iterable<{ readonly state: EntityState | undefined }>,
  sel: Selection,
): EntityState[] {
  const { readsId, match, keys } = planOf(sel);
  const order = (a: Hit, b: Hit): number => keys(a.row, b.row) || compareStrings(a.state.id, b.state.id);
  const limit = sel.limit;
  const bounded = limit !== undefined && limit <= TOP_K_MAX;
  const hits: Hit[] = [];
  if (limit === 0) return [];
  for (const { state } of records) {
    if (!state || state.deleted) continue;
    const row: Row = readsId ? { ...state.values, id: state.id } : state.values;
    if (!match(row)) continue;
    const hit = { row, state };
    if (!bounded) {
      hits.push(hit);
      continue;
    }
    if (hits.length === limit && order(hit, hits[limit - 1] as Hit) >= 0) continue;
    let lo = 0;
    let hi = hits.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (order(hits[mid] as Hit, hit) <= 0) lo = mid + 1;
      else hi = mid;
    }
    hits.splice(lo, 0, hit);
    if (hits.length > limit) hits.pop();
  }
  if (!bounded) {
    hits.sort(order);
    if (limit !== undefined && hits.length > limit) hits.length = limit;
  }
  return hits.map((h) => h.state);
}
