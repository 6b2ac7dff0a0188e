import { QuerySyntaxError } from '../errors/query-syntax-error';
import {
  type CompareOp,
  type Literal,
  type OrderKey,
  type Path,
  type Predicate,
  type Selection,
  type Span,
} from './ast';
import { Lexer, type Token } from './lexer';
import { ParamCursor } from './params';

/** Deepest nesting of parentheses and NOTs accepted; it bounds every recursive walk of the AST. */
export const MAX_DEPTH = 256;

const VALUE = "a value (number, 'string', true, false, null or ?)";
const OPERATOR = 'an operator (=, !=, <>, <, <=, >, >=, IN, NOT IN, BETWEEN, IS NULL, IS NOT NULL)';
const PREDICATE = "a predicate (a field, NOT, '(', true or false)";
const OPS: Readonly<Record<string, CompareOp>> = {
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
};

/** The pragma that lets a selection use fields its model does not declare (see bindSchema). */
export const SCHEMALESS_PRAGMA = '@schemaless';

/** Parses AnkQL selection text, binding `?` parameters in order; throws QuerySyntaxError with its offset. */
export function parseSelection(text: string, params: readonly unknown[] = []): Selection {
  return new Parser(text, params).selection();
}

/**
 * A leading `@schemaless` pragma: the text with the pragma blanked out (offsets stay those of the text), or
 * the text itself when there is none. Any other `@` word is a QuerySyntaxError.
 */
function pragma(text: string): { readonly body: string; readonly schemaless: boolean } {
  const at = /^\s*@/.exec(text);
  if (!at) return { body: text, schemaless: false };
  const start = at[0].length - 1;
  const end = start + SCHEMALESS_PRAGMA.length;
  if (text.startsWith(SCHEMALESS_PRAGMA, start) && (end === text.length || /\s/.test(text.charAt(end)))) {
    return {
      body: text.slice(0, start) + ' '.repeat(SCHEMALESS_PRAGMA.length) + text.slice(end),
      schemaless: true,
    };
  }
  const word = /^@[\p{L}_]*/u.exec(text.slice(start))?.[0] ?? '@';
  throw new QuerySyntaxError({
    query: text,
    offset: start,
    found: `'${word}'`,
    expected: `the pragma ${SCHEMALESS_PRAGMA} (followed by a space) or a predicate`,
  });
}

class Parser {
  readonly #text: string;
  readonly #lexer: Lexer;
  readonly #params: ParamCursor;
  #token: Token;
  readonly #schemaless: boolean;
  #lastEnd = 0;
  #depth = 0;

  constructor(text: string, params: readonly unknown[]) {
    this.#text = text;
    const { body, schemaless } = pragma(text);
    this.#schemaless = schemaless;
    this.#lexer = new Lexer(body);
    this.#token = this.#lexer.next();
    this.#params = new ParamCursor(text, params);
  }

  selection(): Selection {
    const predicate = this.#or();
    const orderBy = this.#keyword('ORDER') ? this.#orderBy() : [];
    const limit = this.#keyword('LIMIT') ? this.#limit() : undefined;
    if (this.#peek().kind !== 'eof') {
      if (limit !== undefined) this.#fail('end of input');
      this.#fail(
        orderBy.length > 0 ? "',', LIMIT or end of input" : 'AND, OR, ORDER BY, LIMIT or end of input',
      );
    }
    this.#params.finish();
    const base = {
      predicate,
      orderBy,
      source: this.#text,
      ...(this.#schemaless ? { schemaless: true } : {}),
    };
    return limit === undefined ? base : { ...base, limit };
  }

  #or(): Predicate {
    const first = this.#and();
    if (!this.#isKeyword('OR')) return first;
    const operands = [first];
    while (this.#keyword('OR')) operands.push(this.#and());
    return { kind: 'or', operands, span: cover(first.span, this.#lastEnd) };
  }

  #and(): Predicate {
    const first = this.#not();
    if (!this.#isKeyword('AND')) return first;
    const operands = [first];
    while (this.#keyword('AND')) operands.push(this.#not());
    return { kind: 'and', operands, span: cover(first.span, this.#lastEnd) };
  }

  #not(): Predicate {
    const start = this.#peek().start;
    if (!this.#isKeyword('NOT')) return this.#primary();
    this.#enter();
    this.#advance();
    const operand = this.#not();
    this.#depth--;
    return { kind: 'not', operand, span: { start, end: operand.span.end } };
  }

  #primary(): Predicate {
    const t = this.#peek();
    if (t.kind === 'punct' && t.symbol === '(') {
      this.#enter();
      this.#advance();
      const inner = this.#or();
      this.#expectPunct(')', "AND, OR or ')'");
      this.#depth--;
      return inner;
    }
    if (this.#keyword('TRUE')) return { kind: 'true', span: { start: t.start, end: t.end } };
    if (this.#keyword('FALSE')) return { kind: 'false', span: { start: t.start, end: t.end } };
    if (t.kind !== 'ident') return this.#fail(PREDICATE);
    return this.#condition(this.#path(), t.start);
  }

  #condition(path: Path, start: number): Predicate {
    const t = this.#peek();
    const op = t.kind === 'punct' ? OPS[t.symbol] : undefined;
    if (op !== undefined) {
      this.#advance();
      const [value, vs] = this.#value();
      return { kind: 'compare', op, path, value, span: cover({ start }, vs.end), valueSpans: [vs] };
    }
    if (this.#keyword('IS')) {
      const negated = this.#keyword('NOT');
      if (!this.#keyword('NULL')) this.#fail(negated ? 'NULL' : 'NULL or NOT NULL');
      return { kind: 'isNull', path, negated, span: cover({ start }, this.#lastEnd) };
    }
    const negated = this.#keyword('NOT');
    if (this.#keyword('IN')) return this.#in(path, start, negated);
    if (this.#keyword('BETWEEN')) {
      const [low, lowSpan] = this.#value();
      if (!this.#keyword('AND')) this.#fail('AND');
      const [high, highSpan] = this.#value();
      const span = cover({ start }, highSpan.end);
      const between: Predicate = { kind: 'between', path, low, high, span, valueSpans: [lowSpan, highSpan] };
      return negated ? { kind: 'not', operand: between, span } : between;
    }
    return this.#fail(negated ? 'IN or BETWEEN' : OPERATOR);
  }

  #in(path: Path, start: number, negated: boolean): Predicate {
    const t = this.#peek();
    if (t.kind === 'param') {
      this.#advance();
      const values = this.#params.list(t.start);
      const valueSpans = values.map(() => ({ start: t.start, end: t.end }));
      return { kind: 'in', path, values, negated, span: cover({ start }, t.end), valueSpans };
    }
    this.#expectPunct('(', "'(' or ?");
    const values: Literal[] = [];
    const valueSpans: Span[] = [];
    if (!this.#punct(')')) {
      do {
        const [value, span] = this.#value();
        values.push(value);
        valueSpans.push(span);
      } while (this.#punct(','));
      this.#expectPunct(')', "',' or ')'");
    }
    return { kind: 'in', path, values, negated, span: cover({ start }, this.#lastEnd), valueSpans };
  }

  #value(): [Literal, Span] {
    const t = this.#peek();
    const value = this.#literalOf(t);
    this.#advance();
    return [value, { start: t.start, end: t.end }];
  }

  #literalOf(t: Token): Literal {
    if (t.kind === 'number' || t.kind === 'string') return t.value;
    if (t.kind === 'param') return this.#params.literal(t.start);
    if (t.kind === 'keyword' && t.word === 'TRUE') return true;
    if (t.kind === 'keyword' && t.word === 'FALSE') return false;
    if (t.kind === 'keyword' && t.word === 'NULL') return null;
    return this.#fail(VALUE);
  }

  #path(): Path {
    const names: string[] = [];
    do {
      const t = this.#peek();
      // After a dot a keyword is unambiguous, so `meta.order` needs no quotes.
      if (t.kind === 'ident') names.push(t.name);
      else if (t.kind === 'keyword' && names.length > 0) names.push(this.#text.slice(t.start, t.end));
      else this.#fail('a field name');
      this.#advance();
    } while (this.#punct('.'));
    return names;
  }

  #orderBy(): OrderKey[] {
    if (!this.#keyword('BY')) this.#fail('BY');
    const keys: OrderKey[] = [];
    do {
      const start = this.#peek().start;
      const path = this.#path();
      const span = { start, end: this.#lastEnd };
      const desc = this.#keyword('DESC');
      if (!desc) this.#keyword('ASC');
      keys.push({ path, direction: desc ? 'desc' : 'asc', span });
    } while (this.#punct(','));
    return keys;
  }

  #limit(): number {
    const t = this.#peek();
    if (t.kind === 'param') {
      this.#advance();
      return this.#params.limit(t.start);
    }
    if (t.kind !== 'number' || !Number.isSafeInteger(t.value) || t.value < 0) {
      this.#fail('a non-negative integer or ? after LIMIT');
    }
    this.#advance();
    return t.value;
  }

  #enter(): void {
    if (++this.#depth > MAX_DEPTH) this.#fail(`at most ${MAX_DEPTH} levels of nested parentheses and NOT`);
  }

  #peek(): Token {
    return this.#token;
  }

  #advance(): void {
    this.#lastEnd = this.#token.end;
    this.#token = this.#lexer.next();
  }

  #isKeyword(word: string): boolean {
    const t = this.#peek();
    return t.kind === 'keyword' && t.word === word;
  }

  #keyword(word: string): boolean {
    if (!this.#isKeyword(word)) return false;
    this.#advance();
    return true;
  }

  #punct(symbol: string): boolean {
    const t = this.#peek();
    if (t.kind !== 'punct' || t.symbol !== symbol) return false;
    this.#advance();
    return true;
  }

  #expectPunct(symbol: string, expected: string): void {
    if (!this.#punct(symbol)) this.#fail(expected);
  }

  #fail(expected: string): never {
    const t = this.#peek();
    throw new QuerySyntaxError({
      query: this.#text,
      offset: t.start,
      found: describe(this.#text, t),
      expected,
    });
  }
}

function cover(from: { readonly start: number }, end: number): Span {
  return { start: from.start, end };
}

function describe(text: string, t: Token): string {
  if (t.kind === 'eof') return 'end of input';
  const raw = text.slice(t.start, Math.min(t.end, t.start + 40)) + (t.end - t.start > 40 ? '…' : '');
  return t.kind === 'string' ? raw : `'${raw}'`;
}
