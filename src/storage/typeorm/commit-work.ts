import { type EntityState } from '../../entity/entity-state';
import { decodeOperations } from '../../event/codec';
import { type Clock } from '../../event/clock';
import { type Event } from '../../event/event';
import { type CommitBatch } from '../engine';
import { type RowWriter, type Statement } from './row-writer';

/** What one commit writes into one collection's tables. */
export interface CollectionWork {
  readonly collection: string;
  readonly writer: RowWriter;
  readonly events: Event[];
  readonly states: EntityState[];
  /** The expected stored head of each state (see CommitBatch.heads); undefined: unconditional. */
  readonly heads: (Clock | null | undefined)[];
}

/** A statement that must change exactly one row, or its entity is in conflict. */
export interface CheckedStatement extends Statement {
  readonly check?: { readonly collection: string; readonly id: string };
}

/** The batch by collection, in first-appearance order. */
export function collectWork(batch: CommitBatch, writer: (collection: string) => RowWriter): CollectionWork[] {
  const out = new Map<string, CollectionWork>();
  const group = (name: string): CollectionWork => {
    let g = out.get(name);
    if (!g)
      out.set(name, (g = { collection: name, writer: writer(name), events: [], states: [], heads: [] }));
    return g;
  };
  for (const e of batch.events) group(e.collection).events.push(e);
  batch.states.forEach((s, i) => {
    const g = group(s.collection);
    g.states.push(s);
    g.heads.push(batch.heads?.[i]);
  });
  return [...out.values()];
}

/** The collections a batch touches. */
export function batchCollections(batch: CommitBatch): Set<string> {
  const out = new Set<string>();
  for (const e of batch.events) out.add(e.collection);
  for (const s of batch.states) out.add(s.collection);
  return out;
}

/**
 * The statements of a commit for engines that take multi-row statements: events first (the first copy of an
 * id stays), then states (the last copy wins). With `cas`, states with an expected head get one checked
 * statement each.
 */
export function commitStatements(work: readonly CollectionWork[], cas: boolean): CheckedStatement[] {
  const out: CheckedStatement[] = [];
  // A multi-row statement must not name one id twice.
  for (const w of work) out.push(...w.writer.events(dedupe(w.events, 'first')));
  for (const w of work) {
    const plain = cas ? w.states.filter((_, i) => w.heads[i] === undefined) : w.states;
    out.push(...w.writer.states(dedupe(plain, 'last')));
    if (!cas) continue;
    w.states.forEach((s, i) => {
      const head = w.heads[i];
      if (head !== undefined)
        out.push({ ...w.writer.casState(s, head), check: { collection: w.collection, id: s.id } });
    });
  }
  return out;
}

function dedupe<T extends { readonly id: string }>(items: readonly T[], keep: 'first' | 'last'): T[] {
  const byId = new Map<string, T>();
  for (const item of items) if (keep === 'last' || !byId.has(item.id)) byId.set(item.id, item);
  return byId.size === items.length ? [...items] : [...byId.values()];
}

/** An event table row as read back. */
export interface EventRow {
  readonly id: string;
  readonly entity_id: string;
  readonly parents: string;
  readonly operations: string;
}

/** Decodes an event row. */
export function toEvent(collection: string, r: EventRow): Event {
  return {
    id: r.id,
    entityId: r.entity_id,
    collection,
    parents: JSON.parse(r.parents) as Clock,
    operations: decodeOperations(r.operations),
  };
}
