import { EntitySchema, type EntitySchemaColumnOptions, type EntitySchemaIndexOptions } from 'typeorm';
import { type CollectionSpec, type ColumnSpec } from '../engine';
import { materialisable } from './columns';
import { type ColumnDef, type Dialect } from './dialect';

/** The table that lists the collections a database holds and their materialised columns. */
export const CATALOG_TABLE = 'ankurah_collections';

/** The state table of a collection. */
export function stateTable(collection: string): string {
  return collection;
}

/** The event table of a collection. */
export function eventTable(collection: string): string {
  return `${collection}_events`;
}

/** The declared fields of a spec that get their own column. */
export function materialisedColumns(spec: CollectionSpec): ColumnSpec[] {
  return spec.columns.filter((c) => materialisable(c.name));
}

function column(def: ColumnDef, extra: Partial<EntitySchemaColumnOptions> = {}): EntitySchemaColumnOptions {
  return { ...def, ...extra };
}

/**
 * The TypeORM schema of a collection's state table: id, head, deleted and mismatch flags, the serialised
 * state, the values as JSON, and one nullable column per declared field (indexed when the field is).
 */
export function stateSchema(spec: CollectionSpec, d: Dialect, schema?: string): EntitySchema {
  const columns: Record<string, EntitySchemaColumnOptions> = {
    id: column(d.keyColumn, { primary: true }),
    _head: column(d.textColumn),
    _deleted: { type: 'integer', default: 0 },
    _mismatch: { type: 'integer', default: 0 },
    _state: column(d.textColumn),
    _values: column(d.valuesColumn, { nullable: true }),
  };
  const where = d.partialIndex(`${d.quote('_mismatch')} = 1`);
  const indices: EntitySchemaIndexOptions[] = [
    { name: `${spec.name}__mismatch_idx`, columns: ['_mismatch'], ...(where ? { where } : {}) },
  ];
  for (const c of materialisedColumns(spec)) {
    columns[c.name] = column(d.column(c.type), { nullable: true });
    if (c.index) indices.push({ name: `${spec.name}_${c.name}_idx`, columns: [c.name] });
  }
  return new EntitySchema({
    name: `ankurah:${spec.name}`,
    tableName: stateTable(spec.name),
    ...(schema ? { schema } : {}),
    columns,
    indices,
  });
}

/** The TypeORM schema of a collection's event table, indexed by entity. */
export function eventSchema(collection: string, d: Dialect, schema?: string): EntitySchema {
  return new EntitySchema({
    name: `ankurah:${collection}:events`,
    tableName: eventTable(collection),
    ...(schema ? { schema } : {}),
    columns: {
      id: column(d.keyColumn, { primary: true }),
      entity_id: column(d.keyColumn),
      parents: column(d.textColumn),
      operations: column(d.textColumn),
    },
    indices: [{ name: `${eventTable(collection)}_entity_idx`, columns: ['entity_id', 'id'] }],
    // SQLite: the rows live in the primary key's b-tree (no rowid table beside an index on `id`), so an event
    // insert writes one page fewer to the WAL. Tables made before keep their rowid; both are read alike.
    ...(d.kind === 'sqlite' ? { withoutRowid: true } : {}),
  });
}

/** The TypeORM schema of the collection catalog. */
export function catalogSchema(d: Dialect, schema?: string): EntitySchema {
  return new EntitySchema({
    name: 'ankurah:catalog',
    tableName: CATALOG_TABLE,
    ...(schema ? { schema } : {}),
    columns: { name: column(d.keyColumn, { primary: true }), columns: column(d.textColumn) },
  });
}
