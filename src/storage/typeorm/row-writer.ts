import { createHash } from 'node:crypto';
import type Database from 'better-sqlite3';
import { type EntityState } from '../../entity/entity-state';
import { type Clock } from '../../event/clock';
import { type Event, type Operations } from '../../event/event';
import { type ColumnSpec } from '../engine';
import { EVENT_COLUMNS, MISFIT, SYSTEM_COLUMNS, columnValue } from './columns';
import { type Dialect, type OnConflict } from './dialect';
import { clockJson, encodeState, textJson } from './state-codec';

/** Stays under SQLite's default limit of 32766 bound parameters per statement (Postgres and MySQL allow 65535). */
const MAX_PARAMS = 30_000;
const MAX_ROWS = 500;
/** Statements of up to this many rows are prepared by name too (the usual small commits). */
const NAMED_UP_TO = 4;

/** A statement and its bound values. */
export interface Statement {
  readonly sql: string;
  readonly params: unknown[];
  /** A name to prepare the statement under (once per connection), for statements that recur. */
  readonly name?: string;
}

/** The prepared insert statements of one collection on one SQLite connection. */
export interface SqliteInserts {
  /** Binds an event row (see RowWriter.eventRow). */
  readonly event: Database.Statement<unknown[]>;
  /** Binds a state row (see RowWriter.stateRow). */
  readonly state: Database.Statement<unknown[]>;
  /** Binds `rows` event rows one after another. */
  readonly events: ManyRows;
  /** Binds `rows` state rows one after another. */
  readonly states: ManyRows;
}

/** A multi-row insert statement, prepared on first use (small commits never need it). */
export interface ManyRows {
  readonly rows: number;
  insert(): Database.Statement<unknown[]>;
}

/**
 * Rows per multi-row SQLite statement: one statement step per row costs about as much as binding the row, so
 * bulk commits bind 128 rows at a time (measured: about a fifth less insert time than single rows).
 */
const SQLITE_ROWS = 128;

/**
 * Builds the rows and INSERT statements of a commit for one collection: events are inserted if absent
 * (re-applying a known event is a no-op), states are upserted, or compare-and-set on their head (`casState`).
 *
 * Postgres and MySQL get multi-row statements (`events`, `states`) whose text depends only on the table and
 * the row count, so full chunks reuse one statement text. SQLite gets statements prepared once on its
 * connection (`sqlite`), of one row and of SQLITE_ROWS rows: better-sqlite3 binds and steps them synchronously.
 */
export class RowWriter {
  readonly #d: Dialect;
  readonly #stateTable: string;
  readonly #eventTable: string;
  readonly #columns: readonly ColumnSpec[];
  readonly #stateNames: readonly string[];
  readonly #sql = new Map<string, { readonly text: string; readonly name: string | undefined }>();
  #sqlite: { readonly db: Database.Database; readonly inserts: SqliteInserts } | undefined;

  constructor(d: Dialect, stateTable: string, eventTable: string, columns: readonly ColumnSpec[]) {
    this.#d = d;
    this.#stateTable = stateTable;
    this.#eventTable = eventTable;
    this.#columns = columns;
    this.#stateNames = [...SYSTEM_COLUMNS, ...columns.map((c) => c.name)];
  }

  /**
   * One event row: id, entity id, parents, operations (written into `into` from index `at` when given, for
   * reuse and for multi-row statements).
   */
  eventRow(e: Event, into: unknown[] = new Array<unknown>(EVENT_COLUMNS.length), at = 0): unknown[] {
    into[at] = e.id;
    into[at + 1] = e.entityId;
    into[at + 2] = clockJson(e.parents);
    into[at + 3] = operationsJson(e.operations);
    return into;
  }

  /** The width of a state row (system columns, then the materialised ones). */
  get stateWidth(): number {
    return this.#stateNames.length;
  }

  /** The event rows' statements (Postgres). */
  events(events: readonly Event[]): Statement[] {
    return this.#chunks(
      'e',
      events.map((e) => this.eventRow(e)),
      EVENT_COLUMNS.length,
      (n) => this.#d.insert(this.#eventTable, EVENT_COLUMNS, n, 'ignore'),
    );
  }

  /** The state rows' statements (upserts; Postgres). */
  states(states: readonly EntityState[]): Statement[] {
    return this.#chunks(
      's',
      states.map((s) => this.stateRow(s)),
      this.#stateNames.length,
      (n) => this.#d.insert(this.#stateTable, this.#stateNames, n, 'update'),
    );
  }

  /**
   * A state written only if the stored head is `head` (an UPDATE guarded by `_head`), or only if the entity is
   * not stored (`head` null: an insert that keeps an existing row). It changes one row, or none on conflict.
   */
  casState(s: EntityState, head: Clock | null): Statement {
    const row = this.stateRow(s);
    if (head === null)
      return { sql: this.#d.insert(this.#stateTable, this.#stateNames, 1, 'fail'), params: row };
    const q = (n: string): string => this.#d.quote(n);
    // Parameters in the order they appear in the text ('?' placeholders are positional).
    const sets = this.#stateNames.slice(1).map((n, i) => `${q(n)} = ${this.#d.placeholder(i)}`);
    const w = this.#stateNames.length;
    const sql =
      `UPDATE ${this.#stateTable} SET ${sets.join(', ')} ` +
      `WHERE ${q('id')} = ${this.#d.placeholder(w - 1)} AND ${q('_head')} = ${this.#d.placeholder(w)}`;
    return { sql, params: [...row.slice(1), row[0], clockJson(head)] };
  }

  /** The insert statements of this collection, prepared once on a SQLite connection. */
  sqlite(db: Database.Database): SqliteInserts {
    if (this.#sqlite?.db !== db) {
      const prepare = (table: string, names: readonly string[], rows: number, on: OnConflict) =>
        db.prepare<unknown[]>(this.#d.insert(table, names, rows, on));
      const many = (table: string, names: readonly string[], on: OnConflict): ManyRows => {
        const rows = Math.max(1, Math.min(SQLITE_ROWS, Math.floor(MAX_PARAMS / names.length)));
        let made: Database.Statement<unknown[]> | undefined;
        return { rows, insert: () => (made ??= prepare(table, names, rows, on)) };
      };
      const inserts: SqliteInserts = {
        event: prepare(this.#eventTable, EVENT_COLUMNS, 1, 'ignore'),
        state: prepare(this.#stateTable, this.#stateNames, 1, 'update'),
        events: many(this.#eventTable, EVENT_COLUMNS, 'ignore'),
        states: many(this.#stateTable, this.#stateNames, 'update'),
      };
      this.#sqlite = { db, inserts };
    }
    return this.#sqlite.inserts;
  }

  /**
   * One state row: id, head, deleted, mismatch, state, values, then the materialised columns (written into
   * `into` from index `at` when given, for reuse and for multi-row statements).
   */
  stateRow(s: EntityState, into: unknown[] = new Array<unknown>(this.#stateNames.length), at = 0): unknown[] {
    const enc = encodeState(s);
    const row = into;
    row[at] = s.id;
    row[at + 1] = enc.head;
    row[at + 2] = s.deleted ? 1 : 0;
    row[at + 3] = 0;
    row[at + 4] = enc.state;
    row[at + 5] = enc.values;
    let mismatch = false;
    let k = at + SYSTEM_COLUMNS.length;
    for (const c of this.#columns) {
      const v = columnValue(c.type, s.values[c.name], this.#d);
      if (v === MISFIT) mismatch = true;
      row[k++] = v === MISFIT ? null : v;
    }
    // JSON the engine's functions cannot read is checked in memory (its values may live in `_state` only).
    if (!this.#d.readsJson(enc.values)) {
      if (this.#d.dropsUnreadableJson) row[at + 5] = null;
      mismatch = true;
    }
    if (mismatch) row[at + 3] = 1;
    return row;
  }

  #chunks(tag: string, rows: unknown[][], width: number, sql: (n: number) => string): Statement[] {
    const size = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / width)));
    const out: Statement[] = [];
    for (let i = 0; i < rows.length; i += size) {
      const n = Math.min(size, rows.length - i);
      const key = `${tag}${n}`;
      let text = this.#sql.get(key);
      if (text === undefined) {
        const t = sql(n);
        // Full chunks and small commits recur: they are prepared once per connection under a name derived
        // from their text. Other sizes are one-offs and stay unnamed.
        const recurs = n === size || n <= NAMED_UP_TO;
        text = {
          text: t,
          name: recurs ? `ankurah_${createHash('sha1').update(t).digest('hex')}` : undefined,
        };
        this.#sql.set(key, text);
      }
      const params = new Array<unknown>(n * width);
      let k = 0;
      for (let r = i; r < i + n; r++) for (const v of rows[r] as unknown[]) params[k++] = v;
      out.push(text.name ? { sql: text.text, params, name: text.name } : { sql: text.text, params });
    }
    return out;
  }
}

/** The stored JSON of operations (read by decodeOperations), built without intermediate objects. */
function operationsJson(ops: Operations): string {
  let out = ops.lww ? `{"lww":${JSON.stringify(ops.lww)}` : '';
  if (ops.text) out += `${out ? ',' : '{'}"text":${textJson(ops.text)}`;
  if (ops.delete) out += `${out ? ',' : '{'}"delete":true`;
  return out ? `${out}}` : '{}';
}
