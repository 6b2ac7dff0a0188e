import { QuerySyntaxError } from '../errors/query-syntax-error';

/** Words with grammatical meaning; as identifiers they must be double-quoted. */
export const KEYWORDS: ReadonlySet<string> = new Set([
  'AND',
  'OR',
  'NOT',
  'IN',
  'BETWEEN',
  'IS',
  'NULL',
  'TRUE',
  'FALSE',
  'ORDER',
  'BY',
  'ASC',
  'DESC',
  'LIMIT',
]);

/** Punctuation and operator symbols. */
export type Punct = '(' | ')' | ',' | '.' | '=' | '!=' | '<>' | '<' | '<=' | '>' | '>=';

/** One lexical token; `start`/`end` are offsets into the selection text. */
export type Token = { readonly start: number; readonly end: number } & (
  | { readonly kind: 'ident'; readonly name: string; readonly quoted: boolean }
  | { readonly kind: 'keyword'; readonly word: string }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'param' }
  | { readonly kind: 'punct'; readonly symbol: Punct }
  | { readonly kind: 'eof' }
);

const WORD = /[\p{L}_][\p{L}\p{M}\p{N}_$]*/uy;
const NUMBER = /-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const SYMBOLS: readonly Punct[] = ['!=', '<>', '<=', '>=', '(', ')', ',', '.', '=', '<', '>'];

/** Reads tokens one at a time, so the first problem in text order is the one reported; ends with `eof`. */
export class Lexer {
  readonly #text: string;
  #i = 0;

  constructor(text: string) {
    this.#text = text;
  }

  /** The next token; `eof` forever once the text is used up. */
  next(): Token {
    const text = this.#text;
    let i = this.#i;
    for (let c = text.charCodeAt(i); c === 32 || c === 9 || c === 10 || c === 13; c = text.charCodeAt(++i));
    if (i >= text.length) return { kind: 'eof', start: text.length, end: text.length };
    const c = text.charCodeAt(i);
    const token = c === 39 ? quoted(text, i, "'") : c === 34 ? quoted(text, i, '"') : other(text, i);
    this.#i = token.end;
    return token;
  }
}

/** The keyword a word spells, ignoring ASCII case only (so no locale folding such as 'ı' → 'I'), if any. */
export function keywordOf(word: string): string | undefined {
  if (!/^[A-Za-z]+$/.test(word)) return undefined;
  const upper = word.toUpperCase();
  return KEYWORDS.has(upper) ? upper : undefined;
}

function other(text: string, i: number): Token {
  if (text[i] === '?') return { kind: 'param', start: i, end: i + 1 };
  NUMBER.lastIndex = i;
  const num = NUMBER.exec(text);
  if (num) {
    const value = Number(num[0]);
    if (!Number.isFinite(value)) fail(text, i, `'${num[0]}'`, 'a finite number');
    // -0 prints as 0, so normalise it to keep print/parse round trips exact.
    return { kind: 'number', value: value === 0 ? 0 : value, start: i, end: i + num[0].length };
  }
  WORD.lastIndex = i;
  const word = WORD.exec(text);
  if (word) {
    const upper = keywordOf(word[0]);
    const end = i + word[0].length;
    return upper !== undefined
      ? { kind: 'keyword', word: upper, start: i, end }
      : { kind: 'ident', name: word[0], quoted: false, start: i, end };
  }
  for (const symbol of SYMBOLS) {
    if (text.startsWith(symbol, i)) return { kind: 'punct', symbol, start: i, end: i + symbol.length };
  }
  const ch = String.fromCodePoint(text.codePointAt(i) ?? 0);
  return fail(text, i, `'${ch}'`, 'a field, value, operator or keyword');
}

/** Reads a quoted string or identifier with doubled-quote escapes, using indexOf so 1 MB stays linear. */
function quoted(text: string, start: number, quote: "'" | '"'): Token {
  const parts: string[] = [];
  let from = start + 1;
  for (;;) {
    const close = text.indexOf(quote, from);
    if (close === -1) {
      const what = quote === "'" ? 'string' : 'quoted identifier';
      return fail(text, start, 'end of input', `a closing ${quote} for the ${what} starting here`);
    }
    parts.push(text.slice(from, close));
    if (text.charCodeAt(close + 1) !== quote.charCodeAt(0)) {
      const value = parts.join(quote);
      if (quote === "'") return { kind: 'string', value, start, end: close + 1 };
      if (value === '') fail(text, start, '""', 'a non-empty quoted identifier');
      return { kind: 'ident', name: value, quoted: true, start, end: close + 1 };
    }
    from = close + 2;
  }
}

function fail(query: string, offset: number, found: string, expected: string): never {
  throw new QuerySyntaxError({ query, offset, found, expected });
}
