import { type Literal, type Path, type Predicate, type Selection } from '../../query/ast';
import { type ColumnSpec } from '../engine';
import { literalFits, scalarColumn, textColumn } from './columns';
import { type Dialect } from './dialect';
import { JsonSql, MANY_VALUES, type NarrowOp } from './json-sql';
import { SqlParams, balanced, parenDepth } from './sql-params';

/** A SQL translation of a selection for the rows whose materialised columns are trustworthy. */
export interface SqlPlan {
  /** A WHERE condition selecting a superset of the matching rows. */
  readonly where: string;
  readonly params: Readonly<Record<string, unknown>>;
  /** True when `where` selects exactly the matching rows, so no in-memory filter is needed. */
  readonly exact: boolean;
  /** ORDER BY terms giving exactly the selection's order, when every key is a scalar column. */
  readonly orderBy: readonly OrderTerm[] | undefined;
}

/** One ORDER BY term. */
export interface OrderTerm {
  readonly expr: string;
  readonly direction: 'ASC' | 'DESC';
  readonly nulls: 'NULLS FIRST' | 'NULLS LAST';
}

interface Part {
  readonly sql: string;
  readonly exact: boolean;
}

const ALL: Part = { sql: '1=1', exact: true };
const NONE: Part = { sql: '1=0', exact: true };
const ID_COLUMN: ColumnSpec = { name: 'id', type: 'string', index: true };

/**
 * Translates a selection to parameterised SQL. Each predicate node is translated for the polarity it is
 * needed in (the rows where it is TRUE, or FALSE), mirroring the evaluator's three-valued logic; leaves on
 * scalar columns are exact, leaves on JSON paths or undeclared fields narrow to a superset and leave the
 * final word to the in-memory evaluator.
 */
export function translateSelection(
  sel: Selection,
  columns: ReadonlyMap<string, ColumnSpec>,
  d: Dialect,
): SqlPlan {
  const params = new SqlParams();
  const t = new Translator(columns, d, params);
  const where = t.predicate(sel.predicate, true);
  const orderBy = t.orderBy(sel);
  // A condition too big for the engine (too many parameters, too deeply nested) is not sent: every live row
  // is read and the in-memory evaluator decides, so the answer stays that of every other engine.
  if (params.count > d.maxParams || parenDepth(where.sql) > d.maxDepth) {
    return { where: ALL.sql, params: {}, exact: false, orderBy };
  }
  return { where: where.sql, params: params.values, exact: where.exact, orderBy };
}

class Translator {
  readonly #columns: ReadonlyMap<string, ColumnSpec>;
  readonly #d: Dialect;
  readonly #p: SqlParams;
  readonly #json: JsonSql;

  constructor(columns: ReadonlyMap<string, ColumnSpec>, d: Dialect, p: SqlParams) {
    this.#columns = columns;
    this.#d = d;
    this.#p = p;
    this.#json = new JsonSql(d, p);
  }

  orderBy(sel: Selection): OrderTerm[] | undefined {
    const terms: OrderTerm[] = [];
    for (const key of sel.orderBy) {
      const col = this.#column(key.path);
      if (!col) return undefined;
      const expr = this.#expr(col);
      // Nulls sort as if greater than every value, as in memory.
      terms.push(
        key.direction === 'desc'
          ? { expr, direction: 'DESC', nulls: 'NULLS FIRST' }
          : { expr, direction: 'ASC', nulls: 'NULLS LAST' },
      );
    }
    terms.push({ expr: this.#expr(ID_COLUMN), direction: 'ASC', nulls: 'NULLS LAST' });
    return terms;
  }

  predicate(p: Predicate, want: boolean): Part {
    switch (p.kind) {
      case 'true':
        return want ? ALL : NONE;
      case 'false':
        return want ? NONE : ALL;
      case 'not':
        return this.predicate(p.operand, !want);
      case 'and':
      case 'or': {
        const parts = p.operands.map((o) => this.predicate(o, want));
        return (p.kind === 'and') === want ? conjunction(parts) : disjunction(parts);
      }
      case 'isNull':
        return this.#isNull(p.path, p.negated !== want);
      case 'compare': {
        if (p.value === null) return NONE;
        return this.#leaf(p.path, want, p.op === '!=' ? undefined : p.op, [p.value], (e, v) =>
          p.op === '!=' ? `${e} <> ${v[0]}` : `${e} ${p.op} ${v[0]}`,
        );
      }
      case 'in': {
        if (p.values.length === 0) return want !== p.negated ? NONE : ALL;
        const target = want !== p.negated;
        const values = p.values.filter((v): v is Exclude<Literal, null> => v !== null);
        // A null in the list makes every non-match UNKNOWN, so the IN is never FALSE.
        if (!target && values.length < p.values.length) return NONE;
        if (values.length > MANY_VALUES) return this.#manyIn(p.path, target, values);
        return this.#leaf(p.path, target, 'in', values, (e, v) => `${e} IN (${v.join(', ')})`);
      }
      case 'between': {
        if (p.low !== null && p.high !== null) {
          return this.#leaf(
            p.path,
            want,
            'between',
            [p.low, p.high],
            (e, v) => `${e} BETWEEN ${v[0]} AND ${v[1]}`,
          );
        }
        // `x BETWEEN NULL AND h` is never TRUE and is FALSE exactly when `x <= h` is FALSE.
        if (want) return NONE;
        if (p.high !== null) return this.#leaf(p.path, false, '<=', [p.high], (e, v) => `${e} <= ${v[0]}`);
        if (p.low !== null) return this.#leaf(p.path, false, '>=', [p.low], (e, v) => `${e} >= ${v[0]}`);
        return NONE;
      }
    }
  }

  /** `selectNull`: the rows where the value is null/missing, else the rows where it is present. */
  #isNull(path: Path, selectNull: boolean): Part {
    const col = this.#column(path);
    if (col) return { sql: `${this.#d.quote(col.name)} IS ${selectNull ? '' : 'NOT '}NULL`, exact: true };
    if (path.length === 1) {
      const sql = this.#json.isNull(path, !selectNull);
      if (sql) return { sql, exact: true };
    }
    if (selectNull) return { sql: ALL.sql, exact: false };
    return this.#present(path);
  }

  /**
   * A comparison leaf. `want` asks for the rows where it is TRUE (else FALSE); `narrow` names the comparison
   * when JSON narrowing may use it; `relation` renders it over an expression and parameter placeholders.
   */
  #leaf(
    path: Path,
    want: boolean,
    narrow: NarrowOp | undefined,
    values: readonly Exclude<Literal, null>[],
    relation: (expr: string, placeholders: string[]) => string,
  ): Part {
    const col = this.#column(path);
    if (!col) {
      const sql = want && narrow ? this.#json.narrow(path, narrow, values) : undefined;
      return sql ? { sql, exact: false } : this.#present(path);
    }
    const typed = values.filter((v) => literalFits(col.type, v));
    // A literal the driver cannot bind faithfully: narrow to present values and let memory decide.
    if (!typed.every((v) => this.#safe(v))) return { sql: this.#notNull(col), exact: false };
    if (typed.length < values.length) return this.#crossType(col, want, narrow, typed);
    const expr = this.#expr(col);
    const sql = relation(
      expr,
      values.map((v) => this.#bind(col, v)),
    );
    return { sql: want ? sql : `NOT (${sql})`, exact: true };
  }

  /**
   * An IN over a long list, bound as one array parameter (SQLite `IN (SELECT value FROM json_each(?))`,
   * Postgres `= ANY(?)`): SQLite binds at most 32,766 parameters and Postgres 65,535.
   */
  #manyIn(path: Path, want: boolean, values: readonly Exclude<Literal, null>[]): Part {
    const col = this.#column(path);
    if (!col) {
      const sql = want ? this.#json.narrow(path, 'in', values) : undefined;
      return sql ? { sql, exact: false } : this.#present(path);
    }
    const typed = values.filter((v) => literalFits(col.type, v));
    if (!typed.every((v) => this.#safe(v))) return { sql: this.#notNull(col), exact: false };
    if (typed.length === 0) return this.#crossType(col, want, 'in', typed);
    const bound = typed.map((v) => (typeof v === 'boolean' ? this.#d.bool(v) : v));
    const unsafe = col.type === 'integer' && !typed.every((v) => Number.isSafeInteger(v));
    const type = unsafe ? 'numeric' : this.#d.arrayType(col.type);
    const sql = this.#d.manyIn(this.#expr(col), bound, type, this.#p);
    return { sql: want ? sql : `NOT (${sql})`, exact: true };
  }

  /** A comparison where some literals have another type than the column: they never equal or order. */
  #crossType(
    col: ColumnSpec,
    want: boolean,
    narrow: NarrowOp | undefined,
    fitting: Exclude<Literal, null>[],
  ): Part {
    if (narrow === 'in' && fitting.length > 0) {
      const sql = `${this.#expr(col)} IN (${fitting.map((v) => this.#bind(col, v)).join(', ')})`;
      return { sql: want ? sql : `NOT (${sql})`, exact: true };
    }
    // `=`, IN, ranges, BETWEEN: never TRUE, FALSE for every present value; `!=` (narrow undefined): the reverse.
    const trueWhenPresent = narrow === undefined;
    return want === trueWhenPresent ? { sql: this.#notNull(col), exact: true } : NONE;
  }

  /** A placeholder for a literal compared with a column. */
  #bind(col: ColumnSpec, v: Exclude<Literal, null>): string {
    const ph = this.#p.add(typeof v === 'boolean' ? this.#d.bool(v) : v);
    return col.type === 'integer' && !Number.isSafeInteger(v) ? this.#d.unsafeInteger(ph) : ph;
  }

  #present(path: Path): Part {
    const sql = this.#json.present(path);
    return { sql: sql ?? ALL.sql, exact: false };
  }

  #notNull(col: ColumnSpec): string {
    return `${this.#d.quote(col.name)} IS NOT NULL`;
  }

  /** A literal the driver can bind byte-exactly (Postgres text has no NUL; lone surrogates do not encode). */
  #safe(v: Exclude<Literal, null>): boolean {
    if (typeof v !== 'string') return true;
    if (/\p{Surrogate}/u.test(v)) return false;
    return this.#d.storesText(v);
  }

  #column(path: Path): ColumnSpec | undefined {
    const [name] = path;
    if (path.length !== 1 || name === undefined) return undefined;
    if (name === 'id') return ID_COLUMN;
    const col = this.#columns.get(name);
    return scalarColumn(col) ? col : undefined;
  }

  #expr(col: ColumnSpec): string {
    const q = this.#d.quote(col.name);
    return textColumn(col.type) ? this.#d.binary(q) : q;
  }
}

function conjunction(parts: readonly Part[]): Part {
  if (parts.some((x) => x.sql === NONE.sql)) return NONE;
  const rest = parts.filter((x) => x.sql !== ALL.sql);
  const exact = parts.every((x) => x.exact);
  if (rest.length === 0) return { sql: ALL.sql, exact };
  return {
    sql: balanced(
      rest.map((x) => x.sql),
      'AND',
    ),
    exact,
  };
}

function disjunction(parts: readonly Part[]): Part {
  const all = parts.find((x) => x.sql === ALL.sql && x.exact);
  if (all) return all;
  const exact = parts.every((x) => x.exact);
  if (parts.some((x) => x.sql === ALL.sql)) return { sql: ALL.sql, exact };
  const rest = parts.filter((x) => x.sql !== NONE.sql);
  if (rest.length === 0) return { sql: NONE.sql, exact };
  return {
    sql: balanced(
      rest.map((x) => x.sql),
      'OR',
    ),
    exact,
  };
}
