import { done } from './idb-request';

/** A state record as the walk sees it: its index entries, one per indexed field. */
interface Indexed {
  readonly ix: unknown[];
}

/**
 * Visits the records of an index range in key order until `visit` returns false. Ascending walks read in
 * batches with getAll (one round trip per batch instead of one per record, much cheaper in Chromium),
 * resuming after the last entry of `field`; descending walks use a cursor (getAll has no direction).
 */
export async function walkIndex<T extends Indexed>(
  index: IDBIndex,
  range: IDBKeyRange,
  field: string,
  desc: boolean,
  firstBatch: number,
  visit: (key: IDBValidKey[], record: T) => boolean,
): Promise<void> {
  if (desc) return walkCursor(index, range, visit);
  const entry = indexEntry<T>(field);
  return readBatches<T>(index, range, firstBatch, entry, (rec) => visit(entry(rec) as IDBValidKey[], rec));
}

/** A record's entry in the index for `field` (its key there). */
export function indexEntry<T extends Indexed>(field: string): (record: T) => IDBValidKey | undefined {
  return (rec) => rec.ix.find((e) => (e as unknown[])[1] === field) as IDBValidKey | undefined;
}

/**
 * Visits the records of a store or index range in key order, in getAll batches (from `firstBatch`, at
 * least 16, doubling up to `maxBatch`), until `visit` returns false. `keyOf` gives a record's key in
 * `source` (unique: an index entry ends with the id), the next batch starting after it.
 */
export async function readBatches<T>(
  source: IDBObjectStore | IDBIndex,
  range: IDBKeyRange,
  firstBatch: number,
  keyOf: (record: T) => IDBValidKey | undefined,
  visit: (record: T) => boolean,
  maxBatch = 2048,
): Promise<void> {
  let current = range;
  let size = Math.min(Math.max(16, firstBatch), maxBatch);
  for (;;) {
    const batch = (await done(source.getAll(current, size))) as T[];
    for (const rec of batch) if (!visit(rec)) return;
    const last = batch.length === size ? keyOf(batch[size - 1] as T) : undefined;
    if (last === undefined) return;
    current = IDBKeyRange.bound(last, range.upper, true, range.upperOpen);
    size = Math.min(size * 2, maxBatch);
  }
}

function walkCursor<T>(
  index: IDBIndex,
  range: IDBKeyRange,
  visit: (key: IDBValidKey[], record: T) => boolean,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const req = index.openCursor(range, 'prev');
    req.onerror = () => reject(req.error ?? new DOMException('cursor failed', 'UnknownError'));
    req.onsuccess = () => {
      const cursor = req.result;
      if (!cursor) return resolve();
      if (!visit(cursor.key as IDBValidKey[], cursor.value as T)) return resolve();
      cursor.continue();
    };
  });
}
