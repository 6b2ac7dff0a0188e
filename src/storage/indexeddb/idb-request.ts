/** Resolves with a request's result, rejects with its error. */
export function done<T>(request: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new DOMException('request failed', 'UnknownError'));
  });
}

/** Resolves when a transaction commits; rejects with its error (or the first failed request's) on abort. */
export function committed(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new DOMException('transaction aborted', 'AbortError'));
    tx.onerror = (ev) => {
      // The abort that follows reports tx.error; nothing to do here but not let it reach window.onerror.
      ev.stopPropagation();
    };
  });
}

/** Adds a value unless its key is taken (the first copy stays), without aborting the transaction. */
export function addIfAbsent(store: IDBObjectStore, value: unknown): void {
  const req = store.add(value);
  req.onerror = (ev) => {
    if (req.error?.name === 'ConstraintError') {
      ev.preventDefault();
      ev.stopPropagation();
    }
  };
}
