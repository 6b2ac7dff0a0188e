import { type DataSource, type EntitySchema, type QueryRunner, Table, TableIndex } from 'typeorm';
import { type CollectionSpec, type ColumnSpec } from '../engine';
import { type Dialect } from './dialect';
import { CATALOG_TABLE, catalogSchema, eventSchema, stateSchema } from './entity-schemas';
import { rebuildMetadata } from './typeorm-internals';

/** The collections a database holds (from the catalog) and their materialised columns. */
export type Catalog = Map<string, ReadonlyMap<string, ColumnSpec>>;

/**
 * Creates and evolves the tables of collections through TypeORM: each collection's EntitySchemas are
 * registered on the DataSource (so its metadata, and TypeORM tooling, know them) and turned into
 * `Table`s for the QueryRunner. Changes are additive: missing tables, columns and indexes are created;
 * a column whose declared type changed is re-created; nothing else is dropped.
 */
export class CollectionTables {
  readonly #ds: DataSource;
  readonly #d: Dialect;
  readonly #schema: string | undefined;
  readonly #entities = new Map<string, EntitySchema>();

  constructor(ds: DataSource, d: Dialect, schema: string | undefined) {
    this.#ds = ds;
    this.#d = d;
    this.#schema = schema;
  }

  /** Creates the catalog table if missing and reads it. */
  async openCatalog(qr: QueryRunner): Promise<Catalog> {
    const catalog = catalogSchema(this.#d, this.#schema);
    await this.#register([['catalog', catalog]]);
    await qr.createTable(this.#table(catalog), true);
    return this.readCatalog(qr);
  }

  /** Reads the catalog (a shared database's catalog also lists what other nodes created). */
  async readCatalog(qr: QueryRunner): Promise<Catalog> {
    const q = (n: string): string => this.#d.quote(n);
    const rows = (await qr.query(
      `SELECT ${q('name')}, ${q('columns')} FROM ${this.path(CATALOG_TABLE)}`,
    )) as {
      name: string;
      columns: string;
    }[];
    const out: Catalog = new Map();
    for (const r of rows) {
      const cols = JSON.parse(r.columns) as ColumnSpec[];
      out.set(r.name, new Map(cols.map((c) => [c.name, c])));
    }
    return out;
  }

  /**
   * Makes the tables of `spec` exist with `columns` materialised (`previous`: what the catalog held).
   * Returns true when existing rows need their columns recomputed.
   */
  async apply(
    qr: QueryRunner,
    spec: CollectionSpec,
    previous: ReadonlyMap<string, ColumnSpec> | undefined,
  ): Promise<boolean> {
    const states = stateSchema(spec, this.#d, this.#schema);
    const events = eventSchema(spec.name, this.#d, this.#schema);
    await this.#register([
      [`s:${spec.name}`, states],
      [`e:${spec.name}`, events],
    ]);
    const wanted = this.#table(states);
    const existing = await qr.getTable(wanted.name);
    let backfill = false;
    if (!existing) {
      await qr.createTable(wanted, true, false, true);
    } else {
      for (const col of spec.columns) {
        const before = previous?.get(col.name);
        if (before && before.type !== col.type && existing.findColumnByName(col.name)) {
          await qr.dropColumn(existing, col.name);
        }
      }
      const current = (await qr.getTable(wanted.name)) ?? existing;
      const missing = wanted.columns.filter((c) => !current.findColumnByName(c.name));
      if (missing.length > 0) {
        await qr.addColumns(current, missing);
        backfill = true;
      }
      const after = (await qr.getTable(wanted.name)) ?? current;
      for (const index of wanted.indices) {
        if (!after.indices.some((i) => i.name === index.name))
          await qr.createIndex(after, new TableIndex(index));
      }
    }
    await qr.createTable(this.#table(events), true, false, true);
    const cols = JSON.stringify(spec.columns);
    await qr.query(this.#d.insert(this.path(CATALOG_TABLE), ['name', 'columns'], 1, 'update'), [
      spec.name,
      cols,
    ]);
    return backfill;
  }

  /** A quoted, schema-qualified table name for raw statements. */
  path(table: string): string {
    const q = this.#d.quote(table);
    return this.#schema ? `${this.#d.quote(this.#schema)}.${q}` : q;
  }

  /** The table path TypeORM's query builder expects. */
  builderPath(table: string): string {
    return this.#schema ? `${this.#schema}.${table}` : table;
  }

  /** Every EntitySchema registered so far (for tooling). */
  entitySchemas(): EntitySchema[] {
    return [...this.#entities.values()];
  }

  async #register(added: [string, EntitySchema][]): Promise<void> {
    for (const [key, schema] of added) this.#entities.set(key, schema);
    this.#ds.setOptions({ entities: [...this.#entities.values()] });
    await rebuildMetadata(this.#ds);
  }

  #table(schema: EntitySchema): Table {
    return Table.create(this.#ds.getMetadata(schema), this.#ds.driver);
  }
}
