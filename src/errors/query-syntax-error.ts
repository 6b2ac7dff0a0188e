import { AnkurahError } from './ankurah-error';

/** Where and why an AnkQL selection failed to parse or bind. */
export interface QuerySyntaxDetail {
  readonly query: string;
  readonly offset: number;
  readonly found: string;
  readonly expected: string;
}

/** An AnkQL selection is malformed; carries offset, line, column and a caret under the offset. */
export class QuerySyntaxError extends AnkurahError {
  readonly query: string;
  readonly offset: number;
  readonly line: number;
  readonly column: number;
  readonly found: string;
  readonly expected: string;

  constructor(detail: QuerySyntaxDetail) {
    const { line, column, lineText } = locate(detail.query, detail.offset);
    const shown = lineText.length > 200 ? lineText.slice(Math.max(0, column - 100), column + 100) : lineText;
    const caretCol = lineText.length > 200 ? Math.min(column - 1, 100) : column - 1;
    super(
      'QUERY_SYNTAX',
      `Expected ${detail.expected} but found ${detail.found} at line ${line}, column ${column} (offset ${detail.offset}):\n` +
        `  ${shown}\n  ${' '.repeat(Math.max(0, caretCol))}^`,
    );
    this.query = detail.query;
    this.offset = detail.offset;
    this.line = line;
    this.column = column;
    this.found = detail.found;
    this.expected = detail.expected;
  }
}

function locate(text: string, offset: number): { line: number; column: number; lineText: string } {
  let line = 1;
  let start = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      start = i + 1;
    }
  }
  const end = text.indexOf('\n', start);
  return { line, column: offset - start + 1, lineText: text.slice(start, end === -1 ? undefined : end) };
}
