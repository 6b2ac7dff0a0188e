/** Node-only storage engines built on TypeORM (SQLite embedded, Postgres for servers). */
export {};
