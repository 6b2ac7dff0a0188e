import { MysqlStorage } from 'ankurah/typeorm';
import { storageContract } from './contract';
import { dropDatabase, freshDatabase, mysqlAvailable } from './mysql-env';

if (mysqlAvailable()) {
  let db: { url: string; name: string } | undefined;
  storageContract(
    'mysql',
    async () => MysqlStorage.open((db ??= await freshDatabase()).url),
    {
      durable: true,
      openShared: async () => MysqlStorage.open((db ??= await freshDatabase()).url, { shared: true }),
    },
    async () => {
      if (db) await dropDatabase(db.name);
    },
  );
} else {
  test.skip('storage contract: mysql (MariaDB unreachable)', () => undefined);
}
