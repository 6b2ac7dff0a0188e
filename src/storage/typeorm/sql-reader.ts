import { type DataSource, type ObjectLiteral, type QueryRunner, type SelectQueryBuilder } from 'typeorm';
import { type EntityState } from '../../entity/entity-state';
import { type Event } from '../../event/event';
import { type Selection } from '../../query/ast';
import { type ColumnSpec } from '../engine';
import { compiledSelection, queryRow } from '../memory-storage';
import { type CollectionTables } from './collection-tables';
import { type EventRow, toEvent } from './commit-work';
import { type Dialect } from './dialect';
import { eventTable, stateTable } from './entity-schemas';
import { decodeState } from './state-codec';
import { translateSelection } from './translate';

/** A state table row as read back. */
export interface StateRow {
  readonly id: string;
  readonly head: string;
  readonly state: string;
}

const ID_CHUNK = 500;

/** The reads of SqlStorage: SELECTs built with TypeORM's query builder, bound natively. */
export class SqlReader {
  readonly #ds: DataSource;
  readonly #d: Dialect;
  readonly #tables: CollectionTables;

  constructor(ds: DataSource, d: Dialect, tables: CollectionTables) {
    this.#ds = ds;
    this.#d = d;
    this.#tables = tables;
  }

  /** One entity's state row, deleted or not. */
  async state(qr: QueryRunner, collection: string, id: string): Promise<EntityState | undefined> {
    const rows = await this.#query<StateRow>(
      qr,
      this.#select(qr, collection).where(`${this.#q('id')} = :p0`),
      {
        p0: id,
      },
    );
    const r = rows[0];
    return r && decodeState(collection, r.id, r.head, r.state);
  }

  /** Live rows matching a selection (rows flagged as misfits are evaluated in memory). */
  async fetch(
    run: <T>(fn: (qr: QueryRunner) => Promise<T>) => Promise<T>,
    collection: string,
    columns: ReadonlyMap<string, ColumnSpec>,
    selection: Selection,
  ): Promise<EntityState[]> {
    const q = (n: string): string => this.#q(n);
    const plan = translateSelection(selection, columns, this.#d);
    const ordered = plan.exact && plan.orderBy !== undefined;
    const live = `${q('_deleted')} = 0 AND ${q('_mismatch')} = `;
    const [main, misfits] = await Promise.all([
      run(async (qr) => {
        let b = this.#select(qr, collection).where(`${live}0`).andWhere(`(${plan.where})`);
        for (const term of ordered ? (plan.orderBy ?? []) : []) {
          if (this.#d.nullsOrder) b = b.addOrderBy(term.expr, term.direction, term.nulls);
          else
            b = b
              .addOrderBy(`${term.expr} IS NULL`, term.nulls === 'NULLS LAST' ? 'ASC' : 'DESC')
              .addOrderBy(term.expr, term.direction);
        }
        return this.#query<StateRow>(qr, b, plan.params, ordered ? selection.limit : undefined);
      }),
      // Rows whose values do not fit their columns are rare; the evaluator decides for them.
      run((qr) => this.#query<StateRow>(qr, this.#select(qr, collection).where(`${live}1`))),
    ]);
    const decode = (r: StateRow): EntityState => decodeState(collection, r.id, r.head, r.state);
    if (ordered && misfits.length === 0) return main.map(decode);
    const { match, order } = compiledSelection(selection);
    const candidates = [
      ...main.map(decode).filter((s) => plan.exact || match(queryRow(s))),
      ...misfits.map(decode).filter((s) => match(queryRow(s))),
    ];
    const rows = candidates.map((state) => ({ state, row: queryRow(state) }));
    rows.sort((a, b) => order(a.row, b.row));
    const limited = selection.limit === undefined ? rows : rows.slice(0, selection.limit);
    return limited.map((r) => r.state);
  }

  /** The kept events with these ids. */
  async events(qr: QueryRunner, collection: string, ids: readonly string[]): Promise<Event[]> {
    const unique = [...new Set(ids)];
    const out: EventRow[] = [];
    for (let i = 0; i < unique.length; i += ID_CHUNK) {
      const chunk = unique.slice(i, i + ID_CHUNK);
      const params = Object.fromEntries(chunk.map((id, n) => [`p${n}`, id]));
      const list = Object.keys(params)
        .map((k) => `:${k}`)
        .join(', ');
      const b = this.#events(qr, collection).where(`${this.#q('id')} IN (${list})`);
      out.push(...(await this.#query<EventRow>(qr, b, params)));
    }
    return out.map((r) => toEvent(collection, r));
  }

  /** One entity's events, ordered by id. */
  async history(qr: QueryRunner, collection: string, entityId: string): Promise<Event[]> {
    const b = this.#events(qr, collection)
      .where(`${this.#q('entity_id')} = :p0`)
      .orderBy(this.#d.binary(this.#q('id')), 'ASC');
    const rows = await this.#query<EventRow>(qr, b, { p0: entityId });
    return rows.map((r) => toEvent(collection, r));
  }

  #q(name: string): string {
    return this.#d.quote(name);
  }

  #select(qr: QueryRunner, collection: string) {
    return this.#ds
      .createQueryBuilder(qr)
      .select(this.#q('id'), 'id')
      .addSelect(this.#q('_head'), 'head')
      .addSelect(this.#q('_state'), 'state')
      .from(this.#tables.builderPath(stateTable(collection)), 't');
  }

  #events(qr: QueryRunner, collection: string) {
    return this.#ds
      .createQueryBuilder(qr)
      .select(this.#q('id'), 'id')
      .addSelect(this.#q('entity_id'), 'entity_id')
      .addSelect(this.#q('parents'), 'parents')
      .addSelect(this.#q('operations'), 'operations')
      .from(this.#tables.builderPath(eventTable(collection)), 'e');
  }

  /**
   * Runs a query built with TypeORM's query builder, binding the `:pN` parameters natively: TypeORM's SQLite
   * driver would otherwise splice numbers into the SQL text (and defeat the statement cache).
   */
  async #query<R>(
    qr: QueryRunner,
    qb: SelectQueryBuilder<ObjectLiteral>,
    params: Readonly<Record<string, unknown>> = {},
    limit?: number,
  ): Promise<R[]> {
    const values: unknown[] = [];
    let sql = qb.getQuery().replace(/:(p\d+)\b/g, (_, key: string) => {
      values.push(params[key]);
      return this.#d.placeholder(values.length - 1);
    });
    if (limit !== undefined) {
      values.push(limit);
      sql += ` LIMIT ${this.#d.placeholder(values.length - 1)}`;
    }
    // Rows come back as plain objects keyed by the selected aliases, which the callers name in R.
    return (await qr.query(sql, values)) as R[];
  }
}
