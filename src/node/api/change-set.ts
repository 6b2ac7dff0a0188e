import { type View } from '../../model/view';
import { type ChangeKind } from '../../reactor/result-diff';

export { type ChangeKind } from '../../reactor/result-diff';

/** One view's part in a ChangeSet. */
export interface Change<M> {
  readonly kind: ChangeKind;
  readonly view: View<M>;
}

const SYMBOLS: Record<ChangeKind, string> = { initial: '=', add: '+', update: '~', remove: '-' };

/**
 * What one commit (or remote batch) did to a live query's result: the items now, in query order, and one
 * change per entity that entered (`add`), changed within (`update`) or left (`remove`) the result. The
 * first ChangeSet of a subscription is `initial`, with one `initial` change per item.
 */
export class ChangeSet<M> {
  readonly initial: boolean;
  readonly items: readonly View<M>[];
  readonly changes: readonly Change<M>[];

  constructor(initial: boolean, items: readonly View<M>[], changes: readonly Change<M>[]) {
    this.initial = initial;
    this.items = items;
    this.changes = changes;
  }

  /** The views that changed in the given way. */
  of(kind: ChangeKind): View<M>[] {
    return this.changes.filter((c) => c.kind === kind).map((c) => c.view);
  }

  /** A readable summary: one line per change, e.g. `+ album 01J… {"name":"Absolution","year":2003}`. */
  toString(): string {
    const head = `ChangeSet(${this.initial ? 'initial, ' : ''}${this.changes.length} change${
      this.changes.length === 1 ? '' : 's'
    }, ${this.items.length} item${this.items.length === 1 ? '' : 's'})`;
    const lines = this.changes.map(
      (c) => `  ${SYMBOLS[c.kind]} ${c.view.collection} ${c.view.id} ${brief(c.view)}`,
    );
    return [head, ...lines].join('\n');
  }
}

function brief<M>(view: View<M>): string {
  const { id: _id, ...values } = view.toJSON();
  const text = JSON.stringify(values);
  return text.length > 100 ? `${text.slice(0, 99)}…` : text;
}
