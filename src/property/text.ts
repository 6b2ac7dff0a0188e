import { TextSnap, applied } from './text-snapshot';

/** Serialised text state: per field, the Yjs document encoded as one update. */
export type TextState = Readonly<Record<string, Uint8Array>>;

const NO_TEXT: TextState = Object.freeze({});

/** A 32-bit FNV-1a hash, used to derive Yjs client ids deterministically from event ids. */
export function clientIdFor(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * The snapshots behind the text states this module made: a state's encodings are computed on first read, and
 * an entity built from such a state takes its snapshots instead of decoding them.
 */
const snapshotsOf = new WeakMap<TextState, ReadonlyMap<string, TextSnap>>();

/**
 * Collaborative text registers: a Yjs document per field. Updates commute and re-applying one is a no-op.
 * Each field is an immutable snapshot (see text-snapshot.ts), so clones share them, a commit applies its
 * update in place of the whole document, and the encoding is computed only when a state is read.
 */
export class TextBackend {
  /** The state of a backend with no text field. */
  static readonly EMPTY: TextState = NO_TEXT;

  // Created with the first field: most entities of most models have no text document.
  #map: Map<string, TextSnap> | undefined;
  #state: TextState | undefined;

  /** From a persisted state; `strings` (the state's values) spares decoding documents only read. */
  constructor(state: TextState = NO_TEXT, strings: Readonly<Record<string, unknown>> = NO_TEXT) {
    const known = snapshotsOf.get(state);
    if (known) {
      if (known.size > 0) this.#map = new Map(known);
      this.#state = state;
      return;
    }
    for (const field in state) {
      if (!Object.prototype.hasOwnProperty.call(state, field)) continue;
      const text = strings[field];
      const snap = TextSnap.encoded(state[field] as Uint8Array, typeof text === 'string' ? text : undefined);
      (this.#map ??= new Map()).set(field, snap);
    }
  }

  /** A field's current snapshot (what a transaction's editor starts from), or undefined when it has none. */
  snapshot(field: string): TextSnap | undefined {
    return this.#map?.get(field);
  }

  /** The current string of a field, or undefined when it has no document. */
  value(field: string): string | undefined {
    return this.#map?.get(field)?.text();
  }

  /** Applies Yjs updates; returns the fields whose string changed. Throws on a malformed update. */
  apply(updates: Readonly<Record<string, Uint8Array>>): string[] {
    const changed: string[] = [];
    for (const field of Object.keys(updates)) {
      const prev = this.#map?.get(field);
      const next = applied(prev, updates[field] as Uint8Array);
      (this.#map ??= new Map()).set(field, next);
      this.#state = undefined;
      if (next.text() !== prev?.text()) changed.push(field);
    }
    return changed;
  }

  /** Writes every field's string into `out`, fields in name order. */
  collect(out: Record<string, unknown>): void {
    if (!this.#map) return;
    for (const field of this.fields()) out[field] = this.value(field);
  }

  /**
   * The serialisable state: per field (in name order) the document encoded as one update. Each encoding is
   * computed when first read, from the snapshot the field was at when this was called.
   */
  state(): TextState {
    if (!this.#map) return NO_TEXT;
    if (this.#state) return this.#state;
    const out: Record<string, Uint8Array> = {};
    const snaps = new Map<string, TextSnap>();
    for (const field of this.fields()) {
      const snap = this.#map.get(field) as TextSnap;
      snaps.set(field, snap);
      Object.defineProperty(out, field, { enumerable: true, get: () => snap.encoding() });
    }
    const state = Object.freeze(out);
    snapshotsOf.set(state, snaps);
    this.#state = state;
    return state;
  }

  /** The fields that have a document, in name order. */
  fields(): string[] {
    return this.#map ? [...this.#map.keys()].sort() : [];
  }
}
