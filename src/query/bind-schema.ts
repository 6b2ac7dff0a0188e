import { QuerySyntaxError } from '../errors/query-syntax-error';
import { type FieldType, type FieldTypeLookup } from '../model/field-type';
import { type Literal, type Path, type Predicate, type Selection, type Span } from './ast';
import { convertLiteral } from './literal-conversion';
import { SCHEMALESS_PRAGMA } from './parser';
import { printLiteral, printPath, printPredicate, printSelection } from './printer';

type Leaf = Extract<Predicate, { kind: 'compare' | 'in' | 'between' }>;

/** Options of bindSchema. */
export interface BindOptions {
  /**
   * Refuse fields the model does not declare (in conditions and ORDER BY) with a QuerySyntaxError at the
   * field, unless the selection carries the `@schemaless` pragma. `fields` lists the declared names for the
   * message.
   */
  readonly strict?: { readonly fields: readonly string[] };
}

/**
 * Converts literals compared with declared top-level fields to the field's type where lossless
 * (`year = '2001'` on an integer field becomes `year = 2001`); an unconvertible literal is a
 * QuerySyntaxError at the literal naming model.field, its type and the literal. Undeclared fields are
 * refused when `options.strict` is given (see BindOptions), else left alone, as are paths into JSON or
 * references. Bind each parsed selection before combining it with others, so error offsets point into its
 * own text. Returns `sel` itself when nothing changed.
 */
export function bindSchema(
  sel: Selection,
  fieldType: FieldTypeLookup,
  model: string,
  options: BindOptions = {},
): Selection {
  const lookup = (field: string): FieldType | undefined =>
    fieldType(field) ?? (field === 'id' ? 'ref' : undefined);
  const strict = sel.schemaless ? undefined : options.strict;
  const b: Binding = { lookup, model, source: sel.source, strict };
  if (strict) for (const key of sel.orderBy) declared(key.path, key.span, b, () => printSelection(sel));
  const predicate = bind(sel.predicate, b);
  return predicate === sel.predicate ? sel : { ...sel, predicate };
}

interface Binding {
  readonly lookup: (field: string) => FieldType | undefined;
  readonly model: string;
  readonly source: string | undefined;
  readonly strict: BindOptions['strict'];
}

/** Throws QuerySyntaxError at `span` unless the path starts with a declared field (or `id`). */
function declared(path: Path, span: Span | undefined, b: Binding, printed: () => string): void {
  const field = path[0];
  if (field === undefined || b.lookup(field) !== undefined || !b.strict) return;
  const source = b.source;
  const inSource = source !== undefined && span !== undefined && span.end <= source.length;
  const query = inSource ? source : printed();
  const offset = inSource ? span.start : Math.max(0, query.indexOf(printPath(path)));
  const known = [...b.strict.fields, 'id'].join(', ');
  throw new QuerySyntaxError({
    query,
    offset,
    found: `'${field}'`,
    expected: `a field of ${b.model} (${known}), or ${SCHEMALESS_PRAGMA} at the start of the selection to query fields ${b.model} does not declare,`,
  });
}

function bind(p: Predicate, b: Binding): Predicate {
  switch (p.kind) {
    case 'true':
    case 'false':
      return p;
    case 'isNull':
      declared(p.path, p.span, b, () => printPredicate(p));
      return p;
    case 'not': {
      const operand = bind(p.operand, b);
      return operand === p.operand ? p : { ...p, operand };
    }
    case 'and':
    case 'or': {
      const operands = p.operands.map((o) => bind(o, b));
      return operands.every((o, i) => o === p.operands[i]) ? p : { ...p, operands };
    }
    case 'compare':
    case 'in':
    case 'between':
      return bindLeaf(p, b);
  }
}

function bindLeaf(p: Leaf, b: Binding): Leaf {
  declared(p.path, p.span, b, () => printPredicate(p));
  const field = p.path.length === 1 ? p.path[0] : undefined;
  const type = field === undefined ? undefined : b.lookup(field);
  if (field === undefined || type === undefined) return p;
  const convert = (value: Literal, index: number): Literal => {
    const result = convertLiteral(value, type);
    if (result.ok) return result.value;
    const { query, offset } = locate(p, index, value, b.source);
    throw new QuerySyntaxError({
      query,
      offset,
      found: `${value === null ? 'null' : typeof value} ${printLiteral(value)}`,
      expected: `${result.expected} for ${b.model}.${field} (declared ${type})`,
    });
  };
  switch (p.kind) {
    case 'compare': {
      const value = convert(p.value, 0);
      return value === p.value ? p : { ...p, value };
    }
    case 'in': {
      const values = p.values.map(convert);
      return values.every((v, i) => v === p.values[i]) ? p : { ...p, values };
    }
    case 'between': {
      const low = convert(p.low, 0);
      const high = convert(p.high, 1);
      return low === p.low && high === p.high ? p : { ...p, low, high };
    }
  }
}

/** Where to point the caret: the literal in the source text, or in the printed condition when there is none. */
function locate(
  p: Leaf,
  index: number,
  value: Literal,
  source: string | undefined,
): { query: string; offset: number } {
  const span = p.valueSpans?.[index];
  if (source !== undefined && span !== undefined && span.end <= source.length)
    return { query: source, offset: span.start };
  const query = printPredicate(p);
  const at = query.indexOf(printLiteral(value), printPath(p.path).length);
  return { query, offset: Math.max(0, at) };
}
