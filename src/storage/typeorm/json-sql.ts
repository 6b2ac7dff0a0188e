import { type Literal, type Path } from '../../query/ast';
import { type Dialect } from './dialect';
import { type SqlParams, balanced } from './sql-params';

/** The comparison forms JSON narrowing supports (`!=` cannot narrow: it is TRUE across types). */
export type NarrowOp = '=' | '<' | '<=' | '>' | '>=' | 'in' | 'between';

type Scalar = string | number | boolean;

/** Above this many values an IN list is bound as one array parameter instead of one parameter per value. */
export const MANY_VALUES = 100;

/**
 * SQL over the `_values` JSON column. Every condition here is a superset ("narrowing") of the rows the
 * in-memory evaluator selects; the evaluator re-checks the rows it returns.
 */
export class JsonSql {
  readonly #d: Dialect;
  readonly #p: SqlParams;

  constructor(d: Dialect, p: SqlParams) {
    this.#d = d;
    this.#p = p;
  }

  /** The top-level field of the path is present and not null (needed by every TRUE or FALSE comparison). */
  present(path: Path): string | undefined {
    if (!this.#safe(path)) return undefined;
    const type = this.#type(path.slice(0, 1));
    return type && `${type} <> 'null'`;
  }

  /** The value at a one-segment path is null or missing (exact). */
  isNull(path: Path, negated: boolean): string | undefined {
    if (!this.#safe(path)) return undefined;
    const type = this.#type(path);
    return type && `COALESCE(${type}, 'null') ${negated ? '<>' : '='} 'null'`;
  }

  /** A superset of the rows where some value reached by `path` satisfies the comparison with `values`. */
  narrow(path: Path, op: NarrowOp, values: readonly Scalar[]): string | undefined {
    if (!this.#safe(path) || !this.#safe(values)) return undefined;
    const arrays: string[] = [];
    for (let i = 1; i <= path.length; i++) {
      const type = this.#type(path.slice(0, i));
      if (!type) return undefined;
      arrays.push(`${type} = 'array'`);
    }
    const match =
      this.#d.kind === 'sqlite' ? this.#sqliteMatch(path, op, values) : this.#pgMatch(path, op, values);
    return match && `(${balanced([match, ...arrays], 'OR')})`;
  }

  /** Strings the driver binds byte-exactly: no lone surrogates, and no NUL on Postgres. */
  #safe(values: readonly unknown[]): boolean {
    return values.every(
      (v) =>
        typeof v !== 'string' ||
        (!/\p{Surrogate}/u.test(v) && (this.#d.kind !== 'postgres' || !v.includes('\u0000'))),
    );
  }

  #type(path: Path): string | undefined {
    if (this.#d.kind === 'sqlite') {
      const p = sqlitePath(path);
      return p && `json_type("_values", ${this.#p.add(p)})`;
    }
    return `json_typeof("_values" #> CAST(${this.#p.add([...path])} AS text[]))`;
  }

  #sqliteMatch(path: Path, op: NarrowOp, values: readonly Scalar[]): string | undefined {
    const p = sqlitePath(path);
    if (!p) return undefined;
    // json_extract yields TEXT for strings, numbers for numbers and 1/0 for booleans: a superset of typed equality.
    const ext = `json_extract("_values", ${this.#p.add(p)})`;
    return this.#relation(
      ext,
      op,
      values.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v)),
    );
  }

  #pgMatch(path: Path, op: NarrowOp, values: readonly Scalar[]): string | undefined {
    const byType = new Map<string, Scalar[]>();
    for (const v of values) {
      const list = byType.get(typeof v);
      if (list) list.push(v);
      else byType.set(typeof v, [v]);
    }
    if (op === 'between' && byType.size !== 1) return undefined;
    const parts: string[] = [];
    for (const [type, vs] of byType) {
      const node = `"_values" #> CAST(${this.#p.add([...path])} AS text[])`;
      const leaf = `"_values" #>> CAST(${this.#p.add([...path])} AS text[])`;
      const jsonType = type === 'string' ? 'string' : type === 'number' ? 'number' : 'boolean';
      const cast =
        type === 'string'
          ? leaf
          : type === 'number'
            ? `CAST(${leaf} AS double precision)`
            : `CAST(${leaf} AS boolean)`;
      const typed = `(CASE WHEN json_typeof(${node}) = '${jsonType}' THEN ${cast} END)`;
      const arrayType = type === 'string' ? 'text' : type === 'number' ? 'double precision' : 'boolean';
      const rel = this.#relation(type === 'string' ? this.#d.binary(typed) : typed, op, vs, arrayType);
      if (!rel) return undefined;
      parts.push(rel);
    }
    return parts.length === 0 ? undefined : parts.join(' OR ');
  }

  /** `arrayType`: the Postgres element type of a long IN list bound as one array. */
  #relation(expr: string, op: NarrowOp, values: readonly Literal[], arrayType?: string): string | undefined {
    const [a, b] = values;
    if (a === undefined) return undefined;
    if (op === 'in' && values.length > MANY_VALUES) {
      return this.#d.kind === 'sqlite'
        ? `${expr} IN (SELECT value FROM json_each(${this.#p.add(JSON.stringify(values))}))`
        : `${expr} = ANY(CAST(${this.#p.add([...values])} AS ${arrayType ?? 'text'}[]))`;
    }
    if (op === 'in') return `${expr} IN (${values.map((v) => this.#p.add(v)).join(', ')})`;
    if (op === 'between')
      return b === undefined ? undefined : `${expr} BETWEEN ${this.#p.add(a)} AND ${this.#p.add(b)}`;
    return `${expr} ${op} ${this.#p.add(a)}`;
  }
}

// eslint-disable-next-line no-control-regex
const ESCAPED_IN_JSON = /["\\\u0000-\u001f]|\p{Surrogate}/u;

/**
 * A SQLite JSON path with every key quoted; undefined when a key cannot be expressed. SQLite matches a quoted
 * key against the key as written in the JSON text, escapes included, so a key JSON escapes (a quote, a
 * backslash, a control character, a lone surrogate) would never match: such paths are left to memory.
 */
function sqlitePath(path: Path): string | undefined {
  if (path.some((k) => ESCAPED_IN_JSON.test(k))) return undefined;
  return `$${path.map((k) => `."${k}"`).join('')}`;
}
