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
  /** True once `doc` is this backend's own decoded copy (documents are never shared between clones). */
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
      const prior = slot?.encoded;
      const update = updates[field] as Uint8Array;
      const left = byUpdate.get(update);
      const edited = left && prior && left.base === prior ? left.peek() : undefined;
      if (edited && left) {
        // The editor's document is exactly the result: read it, keep no document here, offer it onwards.
        const encoded = Y.encodeStateAsUpdate(edited);
        byEncoding.set(encoded, left.take);
        this.#slots.set(field, { encoded, text: edited.getText(TEXT_KEY).toJSON(), owned: false });
      } else {
        if (!slot || !slot.owned) {
          const doc = new Y.Doc({ gc: true });
          if (slot) Y.applyUpdate(doc, this.#encoded(slot));
          slot = { doc, owned: true };
          this.#slots.set(field, slot);
        }
        Y.applyUpdate(this.#doc(slot), update);
        delete slot.encoded;
        delete slot.text;
      }
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

  /**
   * An independent copy. A decoded document stays with this backend (which may go on changing it in place);
   * the copy takes the encoding and string, which never change, and decodes its own document only if it
   * needs one. So the usual sequence (clone for a transaction, then apply its update here) copies nothing.
   */
  clone(): TextBackend {
    const copy = new TextBackend();
    for (const [field, slot] of this.#map ?? []) {
      const encoded = this.#encoded(slot);
      const text = slot.doc ? this.value(field) : slot.text;
      copy.#slots.set(field, { encoded, owned: false, ...(text !== undefined ? { text } : {}) });
    }
    return copy;
  }

  /** The fields that have a document, in name order. */
  fields(): string[] {
    return this.#map ? [...this.#map.keys()].sort() : [];
  }
}

/** Takes an editor's document for a new editor, or undefined when it changed since it was registered. */
type Take = () => Y.Doc | undefined;

/**
 * Reuse of decoded documents between consecutive transactions, so a commit does not decode the whole document
 * again. An editor's update, once applied by the backend whose encoding the editor started from, leaves that
 * backend's document equal to the editor's; the next editor starting from the backend's new encoding may then
 * take the previous editor's document (once) instead of decoding a copy. Keys are the immutable byte arrays.
 */
const byUpdate = new WeakMap<Uint8Array, Left>();

/** What an editor leaves behind with its update: its document, readable while unchanged, and takeable once. */
interface Left {
  readonly base: Uint8Array;
  /** The editor's document if it is still exactly base + update, else undefined. */
  readonly peek: () => Y.Doc | undefined;
  readonly take: Take;
}
const byEncoding = new WeakMap<Uint8Array, Take>();

/** A transaction's private copy of one text field; records its edits as one Yjs update. */
export class TextEditor {
  #doc: Y.Doc;
  readonly #base: Uint8Array;
  readonly #baseBytes: Uint8Array | undefined;
  readonly #onChange = (tr: Y.Transaction): void => {
    if (tr.changed.size > 0) this.#version++;
  };
  #version = 0;
  #update: { version: number; bytes: Uint8Array } | undefined;
  #string: { version: number; text: string } | undefined;
  /** Set when a later editor took this one's document: its last figures, frozen. */
  #gone: { text: string; clock: number; startClock: number; update: Uint8Array | undefined } | undefined;

  /** Edits a copy of `base` (a document or its encoding; none: empty) as Yjs client `clientId`. */
  constructor(base: Y.Doc | Uint8Array | undefined, clientId: number) {
    this.#baseBytes = base instanceof Uint8Array ? base : undefined;
    const taken = this.#baseBytes && byEncoding.get(this.#baseBytes)?.();
    if (this.#baseBytes) byEncoding.delete(this.#baseBytes);
    this.#doc = taken ?? new Y.Doc({ gc: true });
    if (base && !taken)
      Y.applyUpdate(this.#doc, base instanceof Uint8Array ? base : Y.encodeStateAsUpdate(base));
    this.#doc.clientID = clientId;
    this.#base = Y.encodeStateVector(this.#doc);
    this.#doc.on('afterTransaction', this.#onChange);
  }

  get #text(): Y.Text {
    if (this.#gone) throw UsageError.textSuperseded();
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
    if (this.#gone) return this.#gone.text;
    if (this.#string?.version !== this.#version)
      this.#string = { version: this.#version, text: this.#text.toJSON() };
    return this.#string.text;
  }

  get length(): number {
    return this.#gone ? this.#gone.text.length : this.#text.length;
  }

  /** The Yjs client id the edits are made as. */
  get clientId(): number {
    return this.#doc.clientID;
  }

  /** How many items the editing client had in the copied document (its Yjs clock when the copy was made). */
  get startClock(): number {
    return this.#gone?.startClock ?? Y.decodeStateVector(this.#base).get(this.#doc.clientID) ?? 0;
  }

  /** The editing client's Yjs clock now (after the edits). */
  get clock(): number {
    return (
      this.#gone?.clock ?? Y.decodeStateVector(Y.encodeStateVector(this.#doc)).get(this.#doc.clientID) ?? 0
    );
  }

  /** One update holding every edit since the copy was made, or undefined when nothing was edited. */
  update(): Uint8Array | undefined {
    if (this.#gone) return this.#gone.update;
    if (this.#version === 0) return undefined;
    if (this.#update?.version === this.#version) return this.#update.bytes;
    const bytes = Y.encodeStateAsUpdate(this.#doc, this.#base);
    const version = this.#version;
    this.#update = { version, bytes };
    if (this.#baseBytes)
      byUpdate.set(bytes, {
        base: this.#baseBytes,
        peek: () => (this.#gone || this.#version !== version ? undefined : this.#doc),
        take: () => this.#handOver(version),
      });
    return bytes;
  }

  /** Gives this editor's document away if it is still as it was at `version`, freezing what it reports. */
  #handOver(version: number): Y.Doc | undefined {
    if (this.#gone || this.#version !== version) return undefined;
    const doc = this.#doc;
    const text = this.toString();
    this.#gone = { text, clock: this.clock, startClock: this.startClock, update: this.#update?.bytes };
    doc.off('afterTransaction', this.#onChange);
    this.#doc = new Y.Doc({ gc: true });
    this.#doc.clientID = doc.clientID;
    return doc;
  }
}

function clamp(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0) throw UsageError.textPosition(n);
  return Math.min(n, max);
}
