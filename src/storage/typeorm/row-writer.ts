import { type EntityState } from '../../entity/entity-state';
import { encodeOperations } from '../../event/codec';
import { type Event } from '../../event/event';
import { type ColumnSpec } from '../engine';
import { EVENT_COLUMNS, SYSTEM_COLUMNS, fitValue } from './columns';
import { type Dialect } from './dialect';
import { encodeState } from './state-codec';

/** Stays under SQLite's default limit of 32766 bound parameters per statement (Postgres allows 65535). */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 500;

/** A statement and its bound values. */
export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
}

/**
 * Builds the multi-row INSERT statements of a commit for one collection: events are inserted with
 * ON CONFLICT DO NOTHING (re-applying a known event is a no-op), states are upserted. The SQL text depends
 * only on the table and the row count, so full chunks reuse one prepared statement.
 */
export class RowWriter {
  readonly #d: Dialect;
  readonly #stateTable: string;
  readonly #eventTable: string;
  readonly #columns: readonly ColumnSpec[];
  readonly #sql = new Map<string, string>();

  constructor(d: Dialect, stateTable: string, eventTable: string, columns: readonly ColumnSpec[]) {
    this.#d = d;
    this.#stateTable = stateTable;
    this.#eventTable = eventTable;
    this.#columns = columns;
  }

  /** The event rows' statements. */
  events(events: readonly Event[]): Statement[] {
    const rows = events.map((e) => [
      e.id,
      e.entityId,
      JSON.stringify(e.parents),
      encodeOperations(e.operations),
    ]);
    return this.#chunks('e', rows, EVENT_COLUMNS.length, (n) =>
      this.#insert(this.#eventTable, EVENT_COLUMNS, n, 'DO NOTHING'),
    );
  }

  /** The state rows' statements (upserts). */
  states(states: readonly EntityState[]): Statement[] {
    const names = [...SYSTEM_COLUMNS, ...this.#columns.map((c) => c.name)];
    const update = names
      .filter((n) => n !== 'id')
      .map((n) => `${this.#d.quote(n)} = EXCLUDED.${this.#d.quote(n)}`)
      .join(', ');
    const rows = states.map((s) => this.stateRow(s));
    return this.#chunks('s', rows, names.length, (n) =>
      this.#insert(this.#stateTable, names, n, `DO UPDATE SET ${update}`),
    );
  }

  /** One state row: id, head, deleted, mismatch, state, values, then the materialised columns. */
  stateRow(s: EntityState): unknown[] {
    const enc = encodeState(s);
    const row: unknown[] = [s.id, enc.head, s.deleted ? 1 : 0, 0, enc.state, enc.values];
    let mismatch = false;
    for (const c of this.#columns) {
      const fitted = fitValue(c.type, s.values[c.name], this.#d);
      if (!fitted.fits) mismatch = true;
      row.push(fitted.value);
    }
    // A lone surrogate (escaped by JSON.stringify) does not survive SQL's JSON functions, and Postgres cannot
    // turn it or a NUL into text: such rows are checked in memory (on Postgres their values live in `_state` only).
    const pg = this.#d.kind === 'postgres';
    if (pg ? /\\ud[89a-f]|\\u0000/i.test(enc.values) : /\\ud[89a-f]/i.test(enc.values)) {
      if (pg) row[5] = null;
      mismatch = true;
    }
    if (mismatch) row[3] = 1;
    return row;
  }

  #chunks(tag: string, rows: unknown[][], width: number, sql: (n: number) => string): Statement[] {
    const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / width)));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += size) {
      const chunk = rows.slice(i, i + size);
      const key = `${tag}${chunk.length}`;
      let text = this.#sql.get(key);
      if (text === undefined) {
        text = sql(chunk.length);
        this.#sql.set(key, text);
      }
      out.push({ sql: text, params: chunk.flat() });
    }
    return out;
  }

  #insert(table: string, names: readonly string[], rows: number, onConflict: string): string {
    const width = names.length;
    const tuples: string[] = [];
    for (let r = 0; r < rows; r++) {
      const ph: string[] = [];
      for (let c = 0; c < width; c++) ph.push(this.#d.placeholder(r * width + c));
      tuples.push(`(${ph.join(', ')})`);
    }
    const cols = names.map((n) => this.#d.quote(n)).join(', ');
    return `INSERT INTO ${table} (${cols}) VALUES ${tuples.join(', ')} ON CONFLICT (${this.#d.quote('id')}) ${onConflict}`;
  }
}
