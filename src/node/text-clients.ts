import { newId } from '../event/ids';
import { clientIdFor } from '../property/text';
import { TextEditor } from '../property/text-editor';
import { type TextSnap } from '../property/text-snapshot';

const MAX_DOCUMENTS = 10_000;

/** A transaction's hold on one document's Yjs client id; settled when the transaction ends. */
export interface TextLease {
  readonly editor: TextEditor;
  /** The transaction committed: its edits are now part of the document. */
  committed(): void;
  /** The transaction ended without keeping its edits (rollback, failure). */
  released(): void;
}

/**
 * Hands out Yjs client ids for local text edits. Each transaction editing a document as a fresh client would
 * grow the document by one client per commit (a thousand one-letter commits: a thousand clients, and every
 * copy of the document slower). So a node edits as one client of its own, per document, whenever that is
 * safe: no other open transaction holds it, and the copy being edited already holds every item this client
 * committed (else the same client and clock could name two different items). Otherwise: a fresh client.
 */
export class TextClients {
  readonly #own: number;
  readonly #held = new Set<string>();
  /** Per document, the own client's clock after its last committed edit. */
  readonly #clocks = new Map<string, number>();

  constructor(nodeId: string) {
    this.#own = clientIdFor(nodeId);
  }

  /** An editor over `base` for the document `doc` (collection, entity and field). */
  lease(doc: string, base: TextSnap | undefined): TextLease {
    if (!this.#held.has(doc)) {
      const editor = new TextEditor(base, this.#own);
      if (editor.startClock === (this.#clocks.get(doc) ?? 0)) {
        this.#held.add(doc);
        let open = true;
        const end = (keep: boolean): void => {
          if (!open) return;
          open = false;
          this.#held.delete(doc);
          if (!keep) return;
          // Forgetting is always safe (a mismatch only means a fresh client), so the map stays bounded.
          if (this.#clocks.size >= MAX_DOCUMENTS) this.#clocks.clear();
          this.#clocks.set(doc, editor.clock);
        };
        return { editor, committed: () => end(true), released: () => end(false) };
      }
    }
    const editor = new TextEditor(base, clientIdFor(newId()));
    return { editor, committed: () => undefined, released: () => undefined };
  }
}
