import { type EntityState } from '../../entity/entity-state';
import { selectionPaths } from '../../query/analyze';
import { type Selection } from '../../query/ast';
import { compareStrings } from '../../query/collation';
import { compilePredicate } from '../../query/evaluate';
import { compareKeys } from '../../query/order';
import { TopK } from '../top-k';
import { type PackedRows } from './packed-rows';

type Row = Readonly<Record<string, unknown>>;

/** Above this LIMIT a full sort is cheaper than keeping a sorted window by insertion. */
const TOP_K_MAX = 1024;

interface Plan {
  /** Whether the selection reads `id` (then rows must carry it; otherwise the values alone are the row). */
  readonly readsId: boolean;
  readonly match: (r: Row) => boolean;
  /** ORDER BY keys without the id tie-break; ties are broken on the entity id. */
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

interface Hit<T> {
  readonly row: Row;
  readonly id: string;
  readonly ref: T;
}

/** The matches of one selection in its order (ORDER BY, then id), cut at its LIMIT: a sorted window when bounded. */
class Window<T> {
  readonly #keys: (a: Row, b: Row) => number;
  readonly #limit: number | undefined;
  /** The bounded window (LIMIT up to TOP_K_MAX); otherwise every hit, sorted at the end. */
  readonly #top: TopK<Hit<T>> | undefined;
  readonly #all: Hit<T>[] = [];

  constructor(sel: Selection, plan: Plan) {
    this.#keys = plan.keys;
    this.#limit = sel.limit;
    this.#top =
      sel.limit !== undefined && sel.limit <= TOP_K_MAX ? new TopK(sel.limit, this.#order) : undefined;
  }

  #order = (a: Hit<T>, b: Hit<T>): number => this.#keys(a.row, b.row) || compareStrings(a.id, b.id);

  /** False when a matching row would fall outside a full window (it need not be copied or offered). */
  admits(row: Row, id: string): boolean {
    const last = this.#top?.lastOfFull;
    return last === undefined || (this.#keys(row, last.row) || compareStrings(id, last.id)) < 0;
  }

  /** Adds a matching row (admitted, when bounded). */
  add(row: Row, id: string, ref: T): void {
    if (this.#top) this.#top.add({ row, id, ref });
    else this.#all.push({ row, id, ref });
  }

  result(): T[] {
    if (this.#top) return this.#top.sorted().map((h) => h.ref);
    const hits = this.#all.sort(this.#order);
    if (this.#limit !== undefined && hits.length > this.#limit) hits.length = this.#limit;
    return hits.map((h) => h.ref);
  }
}

/** Offers the live states of `records` to a window; rows are the stored values unless `id` is read. */
function offerStates(
  records: Iterable<{ readonly state: EntityState | undefined }>,
  plan: Plan,
  win: Window<EntityState>,
): void {
  const { readsId, match } = plan;
  for (const { state } of records) {
    if (!state || state.deleted) continue;
    const row: Row = readsId ? { ...state.values, id: state.id } : state.values;
    if (match(row) && win.admits(row, state.id)) win.add(row, state.id, state);
  }
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
  if (sel.limit === 0) return [];
  const plan = planOf(sel);
  const win = new Window<EntityState>(sel, plan);
  offerStates(records, plan, win);
  return win.result();
}

/**
 * `selectStates` over full records and packed rows together: a packed row's stored values are its query row
 * (sequential arrays, no record to walk through), and its state is rebuilt only when it is part of the answer.
 */
export function selectTable(
  records: Iterable<{ readonly state: EntityState | undefined }>,
  packed: PackedRows,
  sel: Selection,
): EntityState[] {
  if (sel.limit === 0) return [];
  const plan = planOf(sel);
  const win = new Window<EntityState | number>(sel, plan);
  offerStates(records, plan, win as Window<EntityState>);
  const { ids, values } = packed;
  const { readsId, match } = plan;
  for (let i = 0; i < ids.length; i++) {
    const v = values[i];
    if (v === undefined) continue;
    const id = ids[i] as string;
    const row: Row = readsId ? { ...v, id } : v;
    if (match(row) && win.admits(row, id)) win.add(row, id, i);
  }
  return win.result().map((ref) => (typeof ref === 'number' ? packed.state(ref) : ref));
}
