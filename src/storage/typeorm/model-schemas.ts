import { type EntitySchema } from 'typeorm';
import { type ModelClass } from '../../model/model-meta';
import { modelMeta } from '../../model/registry';
import { type DialectKind } from './dialect';
import { dialectFor } from './dialects/by-kind';
import { catalogSchema, eventSchema, stateSchema } from './entity-schemas';

/**
 * The TypeORM EntitySchemas of the tables the engine keeps for these models (state, events, catalog),
 * for TypeORM's CLI: `typeorm migration:generate -d ormconfig.ts`.
 */
export function collectionEntitySchemas(
  models: readonly ModelClass[],
  kind: DialectKind,
  schema?: string,
): EntitySchema[] {
  const d = dialectFor(kind);
  const out = [catalogSchema(d, schema)];
  for (const model of models) {
    const meta = modelMeta(model);
    const columns = [...meta.fields.values()].map((f) => ({ name: f.name, type: f.type, index: f.index }));
    out.push(
      stateSchema({ name: meta.collection, columns }, d, schema),
      eventSchema(meta.collection, d, schema),
    );
  }
  return out;
}
