import { type Literal, type OrderKey, type Path, type Predicate, type Selection } from './ast';
import { keywordOf } from './lexer';
import { SCHEMALESS_PRAGMA } from './parser';

const PLAIN = /^[\p{L}_][\p{L}\p{M}\p{N}_$]*$/u;

/** Prints a selection as AnkQL text that parses back to the same AST (spans aside). */
export function printSelection(sel: Selection): string {
  let out = (sel.schemaless ? `${SCHEMALESS_PRAGMA} ` : '') + printPredicate(sel.predicate);
  if (sel.orderBy.length > 0) out += ` ORDER BY ${sel.orderBy.map(printOrderKey).join(', ')}`;
  if (sel.limit !== undefined) out += ` LIMIT ${sel.limit}`;
  return out;
}

/** Prints a predicate as AnkQL text; nested AND/OR groups get the parentheses that keep their shape. */
export function printPredicate(p: Predicate): string {
  switch (p.kind) {
    case 'true':
      return 'TRUE';
    case 'false':
      return 'FALSE';
    case 'and':
      return p.operands
        .map((o) => (o.kind === 'and' || o.kind === 'or' ? group(o) : printPredicate(o)))
        .join(' AND ');
    case 'or':
      return p.operands.map((o) => (o.kind === 'or' ? group(o) : printPredicate(o))).join(' OR ');
    case 'not':
      return `NOT ${p.operand.kind === 'not' ? printPredicate(p.operand) : group(p.operand)}`;
    case 'compare':
      return `${printPath(p.path)} ${p.op} ${printLiteral(p.value)}`;
    case 'in':
      return `${printPath(p.path)} ${p.negated ? 'NOT IN' : 'IN'} (${p.values.map(printLiteral).join(', ')})`;
    case 'between':
      return `${printPath(p.path)} BETWEEN ${printLiteral(p.low)} AND ${printLiteral(p.high)}`;
    case 'isNull':
      return `${printPath(p.path)} IS ${p.negated ? 'NOT NULL' : 'NULL'}`;
  }
}

/** Prints a path, double-quoting any segment that is not a plain identifier or is a keyword. */
export function printPath(path: Path): string {
  return path.map(printName).join('.');
}

/** Prints a literal as AnkQL source: quoted string, number, TRUE/FALSE or NULL. */
export function printLiteral(value: Literal): string {
  if (value === null) return 'NULL';
  if (typeof value === 'string') return `'${value.replaceAll("'", "''")}'`;
  if (typeof value === 'boolean') return value ? 'TRUE' : 'FALSE';
  return String(value);
}

function printOrderKey(key: OrderKey): string {
  return `${printPath(key.path)}${key.direction === 'desc' ? ' DESC' : ''}`;
}

function printName(name: string): string {
  return PLAIN.test(name) && keywordOf(name) === undefined ? name : `"${name.replaceAll('"', '""')}"`;
}

function group(p: Predicate): string {
  return `(${printPredicate(p)})`;
}
