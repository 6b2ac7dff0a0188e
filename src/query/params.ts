import { QuerySyntaxError } from '../errors/query-syntax-error';
import { type Literal } from './ast';

const ALLOWED = 'a string, finite number, boolean, null or Date parameter';

/** Hands out positional `?` parameters in order and converts each to a literal. */
export class ParamCursor {
  readonly #text: string;
  readonly #params: readonly unknown[];
  #next = 0;

  constructor(text: string, params: readonly unknown[]) {
    this.#text = text;
    this.#params = params;
  }

  /** The next parameter as a scalar literal; `offset` is where its `?` stands. */
  literal(offset: number): Literal {
    return this.#toLiteral(this.#take(offset), offset, ALLOWED);
  }

  /** The next parameter as an `IN ?` list: an array of scalars. */
  list(offset: number): Literal[] {
    const value = this.#take(offset);
    if (!Array.isArray(value)) return [this.#toLiteral(value, offset, `an array or ${ALLOWED}`)];
    return value.map((v: unknown) => this.#toLiteral(v, offset, `array elements to be ${ALLOWED}s`));
  }

  /** The next parameter as a LIMIT: a non-negative safe integer. */
  limit(offset: number): number {
    const value = this.#take(offset);
    if (typeof value === 'number' && Number.isSafeInteger(value) && value >= 0) return value;
    return this.#fail(offset, describe(value), 'a non-negative integer parameter for LIMIT');
  }

  /** Throws unless every parameter was used; the offset is the end of the text. */
  finish(): void {
    const given = this.#params.length;
    if (this.#next === given) return;
    const plural = (n: number): string => `${n} parameter${n === 1 ? '' : 's'}`;
    this.#fail(this.#text.length, plural(given), `${plural(this.#next)} (one per ?)`);
  }

  #take(offset: number): unknown {
    if (this.#next >= this.#params.length) {
      const given = this.#params.length;
      this.#fail(
        offset,
        `no parameter for ? number ${this.#next + 1} (${given} given)`,
        'a parameter for each ?',
      );
    }
    return this.#params[this.#next++];
  }

  #toLiteral(value: unknown, offset: number, expected: string): Literal {
    if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
    // -0 would print as 0; normalise so print/parse round trips stay exact.
    if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value;
    if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString();
    return this.#fail(offset, describe(value), expected);
  }

  #fail(offset: number, found: string, expected: string): never {
    throw new QuerySyntaxError({ query: this.#text, offset, found, expected });
  }
}

function describe(value: unknown): string {
  if (value instanceof Date) return 'an invalid Date';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'number' || typeof value === 'bigint') return `${typeof value} ${String(value)}`;
  return typeof value === 'object' ? 'an object' : typeof value;
}
