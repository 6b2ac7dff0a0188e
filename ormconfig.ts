/*
 * The DataSource TypeORM's CLI uses for migrations of the collection tables, e.g.
 *   npx typeorm-ts-node-commonjs migration:generate -d ormconfig.ts migrations/Init
 * ANKURAH_DB picks the SQLite file (default data/app.db); with DATABASE_URL set it targets Postgres
 * (ANKURAH_SCHEMA names the schema). List your own models in MODELS.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { collectionEntitySchemas } from './src/typeorm';
import { Album } from './samples/albums/models';

const MODELS = [Album];
const url = process.env.DATABASE_URL;
const schema = process.env.ANKURAH_SCHEMA;

export default url
  ? new DataSource({
      type: 'postgres',
      url,
      ...(schema ? { schema } : {}),
      entities: collectionEntitySchemas(MODELS, 'postgres', schema),
      migrations: ['migrations/*.ts'],
    })
  : new DataSource({
      type: 'better-sqlite3',
      database: process.env.ANKURAH_DB ?? 'data/app.db',
      entities: collectionEntitySchemas(MODELS, 'sqlite'),
      migrations: ['migrations/*.ts'],
    });
