import * as Y from 'yjs';
import { UsageError } from '../errors/usage-error';
import { DocCell, TEXT_KEY, editorResults, emptyDoc, type CellOwner, type TextSnap } from './text-snapshot';

/** What an editor reports once a later change of its document took it away: its last figures, frozen. */
interface Gone {
  readonly text: string;
  readonly clock: number;
  readonly update: Uint8Array | undefined;
}

/**
 * A transaction's private copy of one text field; records its edits as one Yjs update. It edits the shared
 * document in place when that is still at the snapshot it starts from (the usual case: the previous commit's
 * document), so starting an edit and committing it cost the size of the edit, not of the document.
 */
export class TextEditor implements CellOwner {
  readonly #cell: DocCell;
  readonly #base: TextSnap | undefined;
  readonly #clientId: number;
  readonly #startClock: number;
  // The cell's version after this editor's last change; the document is this editor's while it is current.
  #version: number;
  readonly #updates: Uint8Array[] = [];
  #merged: { count: number; bytes: Uint8Array } | undefined;
  // The string, kept up to date edit by edit (undefined: read it from the document).
  #string: string | undefined;
  #gone: Gone | undefined;

  /** Edits a copy of `base` (none: the empty document) as Yjs client `clientId`. */
  constructor(base: TextSnap | undefined, clientId: number) {
    this.#base = base;
    this.#string = base ? base.text() : '';
    this.#cell = base ? base.take(this) : new DocCell(emptyDoc());
    if (!base) this.#cell.claim(this);
    this.#cell.doc.clientID = clientId;
    this.#clientId = clientId;
    this.#version = this.#cell.version;
    this.#startClock = clockOf(this.#cell.doc, clientId);
  }

  /** @internal The cell told of an update made to the document. */
  onUpdate(update: Uint8Array): void {
    this.#updates.push(update);
    this.#version = this.#cell.version;
  }

  /** @internal Another writer took the document: keep what was reported so far, refuse further edits. */
  evict(): void {
    this.#gone = { text: this.toString(), clock: this.clock, update: this.update() };
  }

  get #text(): Y.Text {
    if (this.#gone) throw UsageError.textSuperseded();
    return this.#cell.doc.getText(TEXT_KEY);
  }

  insert(index: number, content: string): void {
    const text = this.#text;
    const at = clamp(index, text.length);
    text.insert(at, content);
    const s = this.#string;
    if (s !== undefined)
      this.#string = splitsPair(s, at) ? undefined : s.slice(0, at) + content + s.slice(at);
  }

  delete(index: number, length: number): void {
    const text = this.#text;
    const at = clamp(index, text.length);
    const n = clamp(length, text.length - at);
    text.delete(at, n);
    const s = this.#string;
    if (s !== undefined)
      this.#string =
        splitsPair(s, at) || splitsPair(s, at + n) ? undefined : s.slice(0, at) + s.slice(at + n);
  }

  replace(content: string): void {
    this.#cell.doc.transact(() => {
      this.#text.delete(0, this.#text.length);
      this.#text.insert(0, content);
    });
    this.#string = content;
  }

  toString(): string {
    if (this.#gone) return this.#gone.text;
    this.#string ??= this.#text.toJSON();
    return this.#string;
  }

  get length(): number {
    return this.toString().length;
  }

  /** The Yjs client id the edits are made as. */
  get clientId(): number {
    return this.#clientId;
  }

  /** How many items the editing client had in the copied document (its Yjs clock when the copy was made). */
  get startClock(): number {
    return this.#startClock;
  }

  /** The editing client's Yjs clock now (after the edits). */
  get clock(): number {
    return this.#gone?.clock ?? clockOf(this.#cell.doc, this.#clientId);
  }

  /** One update holding every edit since the copy was made, or undefined when nothing was edited. */
  update(): Uint8Array | undefined {
    if (this.#gone) return this.#gone.update;
    const count = this.#updates.length;
    if (count === 0) return undefined;
    if (this.#merged?.count !== count) {
      const bytes = count === 1 ? (this.#updates[0] as Uint8Array) : Y.mergeUpdates(this.#updates);
      this.#merged = { count, bytes };
      editorResults.set(bytes, {
        base: this.#base,
        cell: this.#cell,
        version: this.#version,
        text: this.toString(),
      });
    }
    return this.#merged.bytes;
  }
}

/** A client's clock in a document: how many items it made there. */
function clockOf(doc: Y.Doc, client: number): number {
  const structs = doc.store.clients.get(client);
  const last = structs?.[structs.length - 1];
  return last ? last.id.clock + last.length : 0;
}

/** True when position `at` of `s` falls inside a surrogate pair (Yjs then replaces both halves). */
function splitsPair(s: string, at: number): boolean {
  const c = s.charCodeAt(at - 1);
  return c >= 0xd800 && c <= 0xdbff;
}

function clamp(n: number, max: number): number {
  if (!Number.isInteger(n) || n < 0) throw UsageError.textPosition(n);
  return Math.min(n, max);
}
