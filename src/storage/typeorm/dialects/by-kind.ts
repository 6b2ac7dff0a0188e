import { type Dialect, type DialectKind } from '../dialect';
import { mysqlDialect } from './mysql';
import { postgresDialect } from './postgres';
import { sqliteDialect } from './sqlite';

/** The dialect of an engine kind (MySQL: with MySQL 8's binary collation; MariaDB storage picks its own). */
export function dialectFor(kind: DialectKind): Dialect {
  switch (kind) {
    case 'sqlite':
      return sqliteDialect;
    case 'postgres':
      return postgresDialect;
    case 'mysql':
      return mysqlDialect('utf8mb4_0900_bin');
  }
}
