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

  test('TypeOrmStorage.open takes TypeORM mysql/mariadb DataSource options', async () => {
    const { TypeOrmStorage } = await import('ankurah/typeorm');
    const fresh = await freshDatabase();
    try {
      const s = await TypeOrmStorage.open({ type: 'mariadb', url: fresh.url });
      expect(s.kind).toBe('mysql');
      expect(await s.collections()).toEqual([]);
      await s.close();
    } finally {
      await dropDatabase(fresh.name);
    }
  });
} else {
  test.skip('storage contract: mysql (MariaDB unreachable)', () => undefined);
}
