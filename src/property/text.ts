import * as Y from 'yjs';
import { UsageError } from '../errors/usage-error';

/** Serialised text state: per field, the Yjs document encoded as one update. */
export type TextState = Readonly<Record<string, Uint8Array>>;

const TEXT_KEY = 't';
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

interface Slot {
  /** The decoded document, once something needed it. */
  doc?: Y.Doc;
  /** The document encoded as one update, until it changes. */
  encoded?: Uint8Array;
  /** The current string, until it changes. */
  text?: string;
  /** False while the document may be shared with a clone: it is copied before its first change. */
  owned: boolean;
}

/**
 * Collaborative text registers: a Yjs document per field. Updates commute and re-applying one is a no-op.
 * Documents are decoded only when needed and shared copy-on-write between clones, because entities are
 * cloned for every transaction and batch and re-encoding a large document each time would dominate.
 */
export class TextBackend {
  /** The state of a backend with no text field. */
  static readonly EMPTY: TextState = NO_TEXT;

  // Created with the first field: most entities of most models have no text document.
  #map: Map<string, Slot> | undefined;

  get #slots(): Map<string, Slot> {
    return (this.#map ??= new Map());
  }

  /** From a persisted state; `strings` (the state's values) spares decoding documents only read. */
  constructor(state: TextState = NO_TEXT, strings: Readonly<Record<string, unknown>> = NO_TEXT) {
    for (const field in state) {
      if (!Object.prototype.hasOwnProperty.call(state, field)) continue;
      const encoded = state[field] as Uint8Array;
      const text = strings[field];
      this.#slots.set(field, { encoded, owned: false, ...(typeof text === 'string' ? { text } : {}) });
    }
  }

  #doc(slot: Slot): Y.Doc {
    if (!slot.doc) {
      slot.doc = new Y.Doc({ gc: true });
      if (slot.encoded) Y.applyUpdate(slot.doc, slot.encoded);
      slot.owned = true;
    }
    return slot.doc;
  }

  #encoded(slot: Slot): Uint8Array {
    slot.encoded ??= Y.encodeStateAsUpdate(this.#doc(slot));
    return slot.encoded;
  }

  /** The encoded document of a field (what a transaction copies to edit), or undefined when it has none. */
  encoded(field: string): Uint8Array | undefined {
    const slot = this.#map?.get(field);
    return slot ? this.#encoded(slot) : undefined;
  }

  /** The current string of a field, or undefined when it has no document. */
  value(field: string): string | undefined {
    const slot = this.#map?.get(field);
    if (!slot) return undefined;
    slot.text ??= this.#doc(slot).getText(TEXT_KEY).toJSON();
    return slot.text;
  }

  /** Applies Yjs updates; returns the fields whose string changed. */
  apply(updates: Readonly<Record<string, Uint8Array>>): string[] {
    const changed: string[] = [];
    for (const field of Object.keys(updates)) {
      const before = this.value(field);
      let slot = this.#slots.get(field);
      if (!slot || !slot.owned) {
        const doc = new Y.Doc({ gc: true });
        if (slot) Y.applyUpdate(doc, this.#encoded(slot));
        slot = { doc, owned: true };
        this.#slots.set(field, slot);
      }
      Y.applyUpdate(this.#doc(slot), updates[field] as Uint8Array);
      delete slot.encoded;
      delete slot.text;
      if (this.value(field) !== before) changed.push(field);
    }
    return changed;
  }

  /** Writes every field's string into `out`, fields in name order. */
  collect(out: Record<string, unknown>): void {
    if (!this.#map) return;
    for (const field of this.fields()) out[field] = this.value(field);
  }

  /** The serialisable state: per field (in name order) the document encoded as one update. */
  state(): TextState {
    if (!this.#map) return NO_TEXT;
    const out: Record<string, Uint8Array> = {};
    for (const field of this.fields()) out[field] = this.encoded(field) as Uint8Array;
    return out;
  }

  /** An independent copy; documents are shared until either side changes one. */
  clone(): TextBackend {
    const copy = new TextBackend();
    for (const [field, slot] of this.#map ?? []) {
      slot.owned = false;
      copy.#slots.set(field, { ...slot });
    }
    return copy;
  }

  /** The fields that have a document, in name order. */
  fields(): string[] {
    return this.#map ? [...this.#map.keys()].sort() : [];
  }
}

/** A transaction's private copy of one text field; records its edits as one Yjs update. */
export class TextEditor {
  readonly #doc: Y.Doc;
  readonly #base: Uint8Array;
  #dirty = false;

  /** Edits a copy of `base` (a document or its encoding; none: empty) as Yjs client `clientId`. */
  constructor(base: Y.Doc | Uint8Array | undefined, clientId: number) {
    this.#doc = new Y.Doc({ gc: true });
    if (base) Y.applyUpdate(this.#doc, base instanceof Uint8Array ? base : Y.encodeStateAsUpdate(base));
    this.#doc.clientID = clientId;
    this.#base = Y.encodeStateVector(this.#doc);
    this.#doc.on('afterTransaction', (tr: Y.Transaction) => {
      if (tr.changed.size > 0) this.#dirty = true;
    });
  }

  get #text(): Y.Text {
    return this.#doc.getText(TEXT_KEY);
  }

  insert(index: number, content: string): void {
    this.#text.insert(clamp(index, this.#text.length), content);
  }

  delete(index: number, length: number): void {
    const at = clamp(index, this.#text.length);
    this.#text.delete(at, clamp(length, this.#text.length - at));
  }

  replace(content: string): void {
    this.#doc.transact(() => {
      this.#text.delete(0, this.#text.length);
      this.#text.insert(0, content);
    });
  }

  toString(): string {
    return this.#text.toJSON();
  }

  get length(): number {
    return this.#text.length;
  }

  /** The Yjs client id the edits are made as. */
  get clientId(): number {
    return this.#doc.clientID;
  }

  /** How many items the editing client had in the copied document (its Yjs clock when the copy was made). */
  get startClock(): number {
    return Y.decodeStateVector(this.#base).get(this.#doc.clientID) ?? 0;
  }

  /** The editing client's Yjs clock now (after the edits). */
  get clock(): number {
    return Y.decodeStateVector(Y.encodeStateVector(this.#doc)).get(this.#doc.clientID) ?? 0;
  }

  /** One update holding every edit since the copy was made, or undefined when nothing was edited. */
  update(): Uint8Array | undefined {
    return this.#dirty ? Y.encodeStateAsUpdate(this.#doc, this.#base) : undefined;
  }
}

function clamp(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0) throw UsageError.textPosition(n);
  return Math.min(n, max);
}
