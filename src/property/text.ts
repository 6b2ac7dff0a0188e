import * as Y from 'yjs';

/** Serialised text state: per field, the Yjs document encoded as one update. */
export type TextState = Readonly<Record<string, Uint8Array>>;

const TEXT_KEY = 't';

/** A 32-bit FNV-1a hash, used to derive Yjs client ids deterministically from event ids. */
export function clientIdFor(seed: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < seed.length; i++) {
    h ^= seed.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Collaborative text registers: a Yjs document per field. Updates commute and re-applying one is a no-op. */
export class TextBackend {
  readonly #docs = new Map<string, Y.Doc>();

  constructor(state: TextState = {}) {
    for (const [field, update] of Object.entries(state)) this.doc(field, update);
  }

  #newDoc(): Y.Doc {
    return new Y.Doc({ gc: true });
  }

  /** The document of a field, created empty on first use. */
  doc(field: string, initial?: Uint8Array): Y.Doc {
    let d = this.#docs.get(field);
    if (!d) {
      d = this.#newDoc();
      if (initial) Y.applyUpdate(d, initial);
      this.#docs.set(field, d);
    }
    return d;
  }

  /** The current string of a field, or undefined when it has no document. */
  value(field: string): string | undefined {
    return this.#docs.get(field)?.getText(TEXT_KEY).toJSON();
  }

  /** Applies Yjs updates; returns the fields whose string changed. */
  apply(updates: Readonly<Record<string, Uint8Array>>): string[] {
    const changed: string[] = [];
    for (const field of Object.keys(updates)) {
      const before = this.value(field);
      Y.applyUpdate(this.doc(field), updates[field] as Uint8Array);
      if (this.value(field) !== before) changed.push(field);
    }
    return changed;
  }

  collect(out: Record<string, unknown>): void {
    for (const [field, d] of this.#docs) out[field] = d.getText(TEXT_KEY).toJSON();
  }

  state(): TextState {
    const out: Record<string, Uint8Array> = {};
    for (const [field, d] of this.#docs) out[field] = Y.encodeStateAsUpdate(d);
    return out;
  }

  clone(): TextBackend {
    return new TextBackend(this.state());
  }

  fields(): string[] {
    return [...this.#docs.keys()];
  }
}

/** A transaction's private copy of one text field; records its edits as one Yjs update. */
export class TextEditor {
  readonly #doc: Y.Doc;
  readonly #updates: Uint8Array[] = [];

  constructor(base: Y.Doc | undefined, clientId: number) {
    this.#doc = new Y.Doc({ gc: true });
    if (base) Y.applyUpdate(this.#doc, Y.encodeStateAsUpdate(base));
    this.#doc.clientID = clientId;
    this.#doc.on('update', (u: Uint8Array) => this.#updates.push(u));
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

  /** The merged update of every edit so far, or undefined when nothing was edited. */
  update(): Uint8Array | undefined {
    if (this.#updates.length === 0) return undefined;
    return this.#updates.length === 1 ? this.#updates[0] : Y.mergeUpdates(this.#updates);
  }
}

function clamp(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`text position ${n} is not a non-negative integer`);
  return Math.min(n, max);
}
