import { PostgresStorage } from 'ankurah/typeorm';
import { storageContract } from './contract';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from './postgres-env';

const schema = testSchema();

if (postgresAvailable()) {
  storageContract(
    'postgres',
    () => PostgresStorage.open(DATABASE_URL, { schema }),
    { durable: true, openShared: () => PostgresStorage.open(DATABASE_URL, { schema, shared: true }) },
    () => dropSchema(schema),
  );
} else {
  test.skip('storage contract: postgres (Postgres unreachable)', () => undefined);
}
