import { type Conjunct } from '../query/analyze';
import { type Path } from '../query/ast';
import { type Row } from './change';
import { forEachLeaf } from './leaves';
import { type Interval, RangeIndex } from './range-index';

/** Beyond this many value combinations an IN conjunct is left out of a watch's composite key. */
const MAX_KEYS = 64;

/** Watches keyed by the values of a fixed list of paths (one "shape" of equality predicates). */
interface EqShape<W> {
  readonly paths: readonly Path[];
  readonly buckets: Map<unknown, Set<W>>;
}

interface CollectionIndex<W> {
  readonly eq: Map<string, EqShape<W>>;
  readonly ranges: Map<string, { readonly path: Path; readonly index: RangeIndex<W> }>;
  /** Watches with no indexable conjunct: every change of the collection is a candidate. */
  readonly scan: Set<W>;
}

type Placement =
  | {
      readonly kind: 'eq';
      readonly collection: string;
      readonly shape: string;
      readonly keys: readonly unknown[];
    }
  | { readonly kind: 'range'; readonly collection: string; readonly key: string; readonly interval: Interval }
  | { readonly kind: 'scan'; readonly collection: string };

/**
 * Indexes watches by collection and by the conjuncts of their predicate, so a changed row is tested only
 * against watches it could satisfy. A row can only be selected if it satisfies every top-level conjunct, so
 * a watch with equality/IN conjuncts is keyed by the combination of their values (`year = 2001 AND
 * artist = 'A'` under ("2001", "A") of the shape (year, artist)): a change costs one lookup per shape,
 * however many watches there are. Watches with only ranges go to a per-path range index, the rest to the
 * collection's scan list.
 */
export class SubscriptionIndex<W> {
  readonly #collections = new Map<string, CollectionIndex<W>>();
  readonly #placed = new Map<W, Placement>();

  add(collection: string, conjuncts: readonly Conjunct[], watch: W): void {
    this.remove(watch);
    const c = this.#collection(collection);
    const placement = this.#place(collection, c, conjuncts);
    this.#placed.set(watch, placement);
    if (placement.kind === 'scan') c.scan.add(watch);
    else if (placement.kind === 'range') c.ranges.get(placement.key)?.index.add(placement.interval, watch);
    else {
      const buckets = c.eq.get(placement.shape)?.buckets as Map<unknown, Set<W>>;
      for (const k of placement.keys) {
        let bucket = buckets.get(k);
        if (!bucket) buckets.set(k, (bucket = new Set()));
        bucket.add(watch);
      }
    }
  }

  remove(watch: W): void {
    const p = this.#placed.get(watch);
    if (!p) return;
    this.#placed.delete(watch);
    const c = this.#collections.get(p.collection);
    if (!c) return;
    if (p.kind === 'scan') c.scan.delete(watch);
    else if (p.kind === 'range') {
      const field = c.ranges.get(p.key);
      field?.index.remove(watch);
      if (field?.index.size === 0) c.ranges.delete(p.key);
    } else {
      const shape = c.eq.get(p.shape);
      for (const k of p.keys) {
        const bucket = shape?.buckets.get(k);
        bucket?.delete(watch);
        if (bucket?.size === 0) shape?.buckets.delete(k);
      }
      if (shape?.buckets.size === 0) c.eq.delete(p.shape);
    }
  }

  /** Calls `fn` for every watch of the collection the row might satisfy (a superset; may repeat a watch). */
  candidates(collection: string, row: Row, fn: (watch: W) => void): void {
    const c = this.#collections.get(collection);
    if (!c) return;
    for (const w of c.scan) fn(w);
    for (const { paths, buckets } of c.eq.values()) {
      if (paths.length === 1) forEachLeaf(row, paths[0] as Path, (v) => buckets.get(v)?.forEach(fn));
      else for (const k of rowKeys(row, paths)) buckets.get(k)?.forEach(fn);
    }
    for (const { path, index } of c.ranges.values()) forEachLeaf(row, path, (v) => index.collect(v, fn));
  }

  /** How a watch is indexed (for tests and diagnostics). */
  placement(watch: W): 'eq' | 'range' | 'scan' | undefined {
    return this.#placed.get(watch)?.kind;
  }

  #collection(name: string): CollectionIndex<W> {
    let c = this.#collections.get(name);
    if (!c) this.#collections.set(name, (c = { eq: new Map(), ranges: new Map(), scan: new Set() }));
    return c;
  }

  #place(collection: string, c: CollectionIndex<W>, conjuncts: readonly Conjunct[]): Placement {
    const chosen = new Map<string, { path: Path; values: readonly unknown[] }>();
    let combos = 1;
    // Equalities first: they never multiply the number of keys.
    for (const x of [...conjuncts].sort((a, b) => rank(a) - rank(b))) {
      if (x.kind === 'range') continue;
      const k = pathKey(x.path);
      if (chosen.has(k)) continue;
      const values = x.kind === 'eq' ? [x.value] : [...new Set(x.values)];
      if (chosen.size > 0 && combos * values.length > MAX_KEYS) continue;
      chosen.set(k, { path: x.path, values });
      combos *= values.length;
    }
    if (chosen.size > 0) {
      const parts = [...chosen.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const shape = parts.map(([k]) => k).join('\u0001');
      if (!c.eq.has(shape)) c.eq.set(shape, { paths: parts.map(([, p]) => p.path), buckets: new Map() });
      const lists = parts.map(([, p]) => p.values);
      const keys = lists.length === 1 ? (lists[0] as readonly unknown[]) : product(lists).map(compositeKey);
      return { kind: 'eq', collection, shape, keys };
    }
    for (const x of conjuncts) {
      if (x.kind !== 'range' || RangeIndex.typeOf(x) === undefined) continue;
      const key = pathKey(x.path);
      if (!c.ranges.has(key)) c.ranges.set(key, { path: x.path, index: new RangeIndex() });
      return { kind: 'range', collection, key, interval: x };
    }
    return { kind: 'scan', collection };
  }
}

function rank(c: Conjunct): number {
  return c.kind === 'eq' ? 0 : c.kind === 'in' ? 1 : 2;
}

function pathKey(path: Path): string {
  return path.join('\u0000');
}

/** The composite key of one combination of values (JSON keeps 1 and '1' apart). */
function compositeKey(values: readonly unknown[]): string {
  return JSON.stringify(values);
}

function product(lists: readonly (readonly unknown[])[]): unknown[][] {
  let out: unknown[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((v) => [...prefix, v]));
  return out;
}

/** The composite keys a row can match: one per combination of its scalar leaves on the shape's paths. */
function rowKeys(row: Row, paths: readonly Path[]): string[] {
  const lists: unknown[][] = [];
  for (const path of paths) {
    const leaves: unknown[] = [];
    forEachLeaf(row, path, (v) => {
      if (typeof v !== 'object') leaves.push(v);
    });
    if (leaves.length === 0) return [];
    lists.push(leaves);
  }
  return product(lists).map(compositeKey);
}
