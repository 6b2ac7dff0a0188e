import { type FieldType } from '../../../model/field-type';
import { type ConflictRef } from '../../conflict';
import { type CollectionWork, commitStatements } from '../commit-work';
import { type ColumnDef, type CommitSession, type Dialect, type OnConflict, tuples } from '../dialect';
import { quotedJsonPath } from '../json-sql';

/** The longest string a materialised text column holds: 768 characters of 4 bytes fill InnoDB's 3072-byte key. */
const MAX_TEXT = 768;

const QMARK = { placeholder: (): string => '?' };

function quote(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

/** `INSERT … ON DUPLICATE KEY UPDATE`: keep (`id = id`), overwrite, or fail with a duplicate-key error. */
function insert(table: string, names: readonly string[], rows: number, onConflict: OnConflict): string {
  const [key, ...rest] = names.map(quote);
  const sql = `INSERT INTO ${table} (${[key, ...rest].join(', ')}) VALUES ${tuples(QMARK, rows, names.length)}`;
  if (onConflict === 'fail') return sql;
  const sets = onConflict === 'update' ? rest.map((n) => `${n} = VALUES(${n})`) : [`${key} = ${key}`];
  return `${sql} ON DUPLICATE KEY UPDATE ${sets.join(', ')}`;
}

function duplicateKey(e: unknown): boolean {
  const err = e as { code?: unknown; driverError?: { code?: unknown } };
  return err.code === 'ER_DUP_ENTRY' || err.driverError?.code === 'ER_DUP_ENTRY';
}

/** MariaDB's JSON functions give up past 32 levels of nesting; MySQL's past 100. */
const MAX_JSON_DEPTH = 32;

/** JSON the engine's functions read: no escaped lone surrogate or NUL, and not nested too deep. */
function readsJson(json: string): boolean {
  if (json.includes('\\u') && /\\ud[89a-f]|\\u0000/i.test(json)) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > MAX_JSON_DEPTH) return false;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return true;
}

/**
 * Runs the statements through the query runner in one transaction. A checked UPDATE that matches no row, or a
 * checked INSERT that meets an existing id (InnoDB undoes that statement alone), is a conflict: the
 * transaction is then rolled back.
 */
async function commit(
  session: CommitSession,
  work: readonly CollectionWork[],
  cas: boolean,
): Promise<ConflictRef[]> {
  const { qr } = session;
  const conflicts: ConflictRef[] = [];
  await qr.startTransaction();
  try {
    for (const s of commitStatements(work, cas)) {
      try {
        const r = await qr.query(s.sql, s.params, true);
        // Affected rows count matched rows (mysql2 connects with FOUND_ROWS).
        if (s.check && r.affected !== 1) conflicts.push(s.check);
      } catch (e) {
        if (!s.check || !duplicateKey(e)) throw e;
        conflicts.push(s.check);
      }
    }
    await (conflicts.length > 0 ? qr.rollbackTransaction() : qr.commitTransaction());
    return conflicts;
  } catch (e) {
    if (qr.isTransactionActive) await qr.rollbackTransaction().catch(() => undefined);
    throw e;
  }
}

/**
 * MySQL, MariaDB and TiDB through mysql2. `collation`: a binary, no-pad collation of utf8mb4 (code-point
 * order, trailing spaces significant): `utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL 8 and TiDB.
 */
export function mysqlDialect(collation: string): Dialect {
  const text = (length?: number): ColumnDef => ({
    type: length === undefined ? 'longtext' : 'varchar',
    ...(length === undefined ? {} : { length }),
    collation,
  });
  const types: Record<FieldType, ColumnDef> = {
    string: text(MAX_TEXT),
    text: text(MAX_TEXT),
    ref: text(MAX_TEXT),
    date: text(MAX_TEXT),
    json: text(),
    number: { type: 'double' },
    integer: { type: 'bigint' },
    boolean: { type: 'tinyint' },
  };
  return {
    kind: 'mysql',
    quote,
    placeholder: () => '?',
    column: (type) => types[type],
    valuesColumn: text(),
    keyColumn: text(255),
    textColumn: text(),
    binary: (sql) => `${sql} COLLATE ${collation}`,
    bool: (value) => (value ? 1 : 0),
    storesText: () => true,
    readsJson,
    dropsUnreadableJson: false,
    maxColumnText: MAX_TEXT,
    maxParams: 16_000,
    maxDepth: 200,
    nullsOrder: false,
    serial: false,
    manyIn: (expr, values, _type, b) => `${expr} IN (${values.map((v) => b.add(v)).join(', ')})`,
    arrayType: () => 'text',
    unsafeInteger: (ph) => ph,
    insert,
    partialIndex: () => undefined,
    json: {
      type(path, b) {
        const p = quotedJsonPath(path);
        return p && `JSON_TYPE(JSON_EXTRACT(\`_values\`, ${b.add(p)}))`;
      },
      typeName: (name) => name.toUpperCase(),
      // Comparisons over JSON paths are left to the evaluator (the rows with the field present are read).
      match: () => undefined,
    },
    commit,
  };
}
