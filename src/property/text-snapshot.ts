import * as Y from 'yjs';

/** The name of the Y.Text inside each field's document. */
export const TEXT_KEY = 't';

// Per link of a snapshot chain, besides its update: what keeping it costs, for the compaction rule.
const LINK_COST = 64;
// Updates kept since the last encoding may reach that encoding's size plus this, then the chain is compacted.
const SLACK = 4096;

/** Whoever edits a cell's document in place: told of each update, and evicted when someone else takes over. */
export interface CellOwner {
  onUpdate(update: Uint8Array): void;
  evict(): void;
}

/**
 * One Yjs document shared, copy-on-write, by the snapshots and the editor that descend from one another.
 * `version` counts its changes: a snapshot may read the document only while the version is the one it was
 * taken at. Whoever changes the document takes it first (claim), which moves the version on.
 */
export class DocCell {
  readonly doc: Y.Doc;
  version = 0;
  owner: CellOwner | undefined;

  constructor(doc: Y.Doc) {
    this.doc = doc;
    doc.on('update', (u: Uint8Array) => {
      this.version++;
      this.owner?.onUpdate(u);
    });
  }

  /** Makes the document this caller's to change: the previous owner stops, every snapshot stops reading it. */
  claim(owner: CellOwner | undefined): void {
    const previous = this.owner;
    this.owner = undefined;
    previous?.evict();
    this.owner = owner;
    this.version++;
  }
}

/** A new empty document (garbage-collected, as every text document here). */
export function emptyDoc(): Y.Doc {
  return new Y.Doc({ gc: true });
}

/**
 * How to rebuild one snapshot's document without the shared one: its encoding, or the update that made it from
 * the previous link (none: from the empty document). Kept apart from the snapshots so that a chain holds
 * updates alone, not the strings and documents of the snapshots along it.
 */
interface Link {
  prev: Link | undefined;
  update: Uint8Array | undefined;
  encoded: Uint8Array | undefined;
  // Bytes held by the chain since the nearest encoding, and that encoding's size.
  pending: number;
  baseSize: number;
}

/**
 * One field's document at one point: immutable in what it denotes. The shared document serves its reads while
 * still at this point; otherwise it is rebuilt from its link chain. So a commit costs the size of its update,
 * and the whole document is encoded only when storage or the wire asks for it (or when the chain of updates
 * grows as large as the document, to bound memory).
 */
export class TextSnap {
  #cell: DocCell | undefined;
  #version = 0;
  readonly #link: Link;
  #text: string | undefined;

  private constructor(link: Link, text: string | undefined) {
    this.#link = link;
    this.#text = text;
  }

  /** A snapshot of a persisted encoding; `text` is its string when known. */
  static encoded(encoded: Uint8Array, text?: string): TextSnap {
    const link = { prev: undefined, update: undefined, encoded, pending: 0, baseSize: encoded.length };
    return new TextSnap(link, text);
  }

  /** The snapshot `update` made from `prev` (none: the empty document) in `cell`, which is now at it. */
  static after(prev: TextSnap | undefined, update: Uint8Array, cell: DocCell, text?: string): TextSnap {
    const p = prev ? prev.#link : undefined;
    const pending = (p ? p.pending : 0) + update.length + LINK_COST;
    const baseSize = p ? p.baseSize : 0;
    const s = new TextSnap({ prev: p, update, encoded: undefined, pending, baseSize }, text);
    s.#cell = cell;
    s.#version = cell.version;
    if (pending > baseSize + SLACK) s.encoding();
    return s;
  }

  /** The shared document if it is still at this snapshot. */
  current(): DocCell | undefined {
    const c = this.#cell;
    return c && c.version === this.#version ? c : undefined;
  }

  /** The cell at this snapshot, decoding one when the shared document moved on. */
  #ensureCell(): DocCell {
    const current = this.current();
    if (current) return current;
    const doc = emptyDoc();
    const updates: Uint8Array[] = [];
    let l: Link | undefined = this.#link;
    for (; l && !l.encoded; l = l.prev) updates.push(l.update as Uint8Array);
    if (l) Y.applyUpdate(doc, l.encoded as Uint8Array);
    for (let i = updates.length - 1; i >= 0; i--) Y.applyUpdate(doc, updates[i] as Uint8Array);
    const cell = new DocCell(doc);
    this.#cell = cell;
    this.#version = cell.version;
    return cell;
  }

  /** The document encoded as one update (computed once, then the chain behind it is dropped). */
  encoding(): Uint8Array {
    const l = this.#link;
    if (!l.encoded) {
      l.encoded = Y.encodeStateAsUpdate(this.#ensureCell().doc);
      l.prev = undefined;
      l.update = undefined;
      l.pending = 0;
      l.baseSize = l.encoded.length;
    }
    return l.encoded;
  }

  /** The string. */
  text(): string {
    this.#text ??= this.#ensureCell().doc.getText(TEXT_KEY).toJSON();
    return this.#text;
  }

  /** A cell at this snapshot for `owner` to change: the shared one when still here, else a decoded copy. */
  take(owner: CellOwner | undefined): DocCell {
    this.text();
    const cell = this.#ensureCell();
    cell.claim(owner);
    return cell;
  }
}

/** What an editor leaves with its update: the snapshot it started from, its cell and string at that point. */
export interface EditorResult {
  readonly base: TextSnap | undefined;
  readonly cell: DocCell;
  readonly version: number;
  readonly text: string;
}

/** Editors' results by update (the immutable bytes): applying one where it was made reuses its document. */
export const editorResults = new WeakMap<Uint8Array, EditorResult>();

/**
 * The snapshot `update` makes from `prev`. An editor's own update applied to the snapshot it started from,
 * with its document unchanged since, reuses that document as is; otherwise the update is applied in place
 * when the shared document is at `prev`, else to a decoded copy. A malformed update throws and leaves `prev`
 * as it was (the shared document, possibly half-changed, is given up).
 */
export function applied(prev: TextSnap | undefined, update: Uint8Array): TextSnap {
  const left = editorResults.get(update);
  // Used once: an event's update outlives the editor (storage keeps it), the editor's document should not.
  editorResults.delete(update);
  if (left && left.base === prev && left.cell.version === left.version) {
    return TextSnap.after(prev, update, left.cell, left.text);
  }
  const cell = prev ? prev.take(undefined) : new DocCell(emptyDoc());
  try {
    Y.applyUpdate(cell.doc, update);
  } catch (e) {
    cell.version++;
    throw e;
  }
  return TextSnap.after(prev, update, cell);
}
