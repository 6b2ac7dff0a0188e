import { type Path } from '../../query/ast';
import { type Dialect, type NarrowOp, type Scalar, type SqlBinder } from './dialect';
import { type SqlParams, balanced } from './sql-params';

export { type NarrowOp } from './dialect';

/** Above this many values an IN list is bound as one array parameter instead of one parameter per value. */
export const MANY_VALUES = 100;

/**
 * SQL over the `_values` JSON column. Every condition here is a superset ("narrowing") of the rows the
 * in-memory evaluator selects; the evaluator re-checks the rows it returns. The engine's JSON functions come
 * from its dialect (`Dialect.json`).
 */
export class JsonSql implements SqlBinder {
  readonly #d: Dialect;
  readonly #p: SqlParams;

  constructor(d: Dialect, p: SqlParams) {
    this.#d = d;
    this.#p = p;
  }

  add(value: unknown): string {
    return this.#p.add(value);
  }

  /** The top-level field of the path is present and not null (needed by every TRUE or FALSE comparison). */
  present(path: Path): string | undefined {
    if (!this.#safe(path)) return undefined;
    const type = this.#d.json.type(path.slice(0, 1), this);
    return type && `${type} <> '${this.#d.json.typeName('null')}'`;
  }

  /** The value at a one-segment path is null or missing (exact). */
  isNull(path: Path, negated: boolean): string | undefined {
    if (!this.#safe(path)) return undefined;
    const type = this.#d.json.type(path, this);
    const none = this.#d.json.typeName('null');
    return type && `COALESCE(${type}, '${none}') ${negated ? '<>' : '='} '${none}'`;
  }

  /** A superset of the rows where some value reached by `path` satisfies the comparison with `values`. */
  narrow(path: Path, op: NarrowOp, values: readonly Scalar[]): string | undefined {
    if (!this.#safe(path) || !this.#safe(values)) return undefined;
    const arrays: string[] = [];
    for (let i = 1; i <= path.length; i++) {
      const type = this.#d.json.type(path.slice(0, i), this);
      if (!type) return undefined;
      arrays.push(`${type} = '${this.#d.json.typeName('array')}'`);
    }
    const match = this.#d.json.match(path, op, values, this);
    return match && `(${balanced([match, ...arrays], 'OR')})`;
  }

  /** `expr op values`; `arrayType`: the element type of a long IN list bound as one array (Postgres). */
  relation(expr: string, op: NarrowOp, values: readonly Scalar[], arrayType?: string): string | undefined {
    const [a, b] = values;
    if (a === undefined) return undefined;
    if (op === 'in' && values.length > MANY_VALUES) {
      return this.#d.manyIn(expr, values, arrayType ?? 'text', this);
    }
    if (op === 'in') return `${expr} IN (${values.map((v) => this.#p.add(v)).join(', ')})`;
    if (op === 'between')
      return b === undefined ? undefined : `${expr} BETWEEN ${this.#p.add(a)} AND ${this.#p.add(b)}`;
    return `${expr} ${op} ${this.#p.add(a)}`;
  }

  /** Strings the driver binds byte-exactly. */
  #safe(values: readonly unknown[]): boolean {
    return values.every((v) => typeof v !== 'string' || (!/\p{Surrogate}/u.test(v) && this.#d.storesText(v)));
  }
}

// eslint-disable-next-line no-control-regex
const ESCAPED_IN_JSON = /["\\\u0000-\u001f]|\p{Surrogate}/u;

/**
 * A JSON path with every key quoted (`$."a"."b"`, SQLite and MySQL); undefined when a key cannot be expressed.
 * The engine matches a quoted key against the key as written in the JSON text, escapes included, so a key
 * JSON escapes (a quote, a backslash, a control character, a lone surrogate) would never match: such paths
 * are left to memory.
 */
export function quotedJsonPath(path: Path): string | undefined {
  if (path.some((k) => ESCAPED_IN_JSON.test(k))) return undefined;
  return `$${path.map((k) => `."${k}"`).join('')}`;
}
