import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type FieldType } from '../../../src/model/field-type';
import { bindSchema } from '../../../src/query/bind-schema';
import { parseSelection } from '../../../src/query/parser';
import { thrown } from './support';

const DOC = readFileSync(join(__dirname, '../../../docs/queries.md'), 'utf8');
const ALBUM: Record<string, FieldType> = {
  name: 'string',
  artist: 'string',
  year: 'integer',
  rating: 'number',
};

/** Every ```text block in docs/queries.md that shows an error message, with the query on its second line. */
const messages = [
  ...DOC.matchAll(/( *)```text\n\1(Expected[^\n]*)\n\1 {2}([^\n]*)\n\1([^\n]*\^)\n\1```/g),
].map((m) => ({ message: `${m[2]}\n  ${m[3]}\n${m[4]}`, query: m[3]! }));

describe('docs/queries.md', () => {
  test('shows error messages', () => {
    expect(messages.length).toBeGreaterThanOrEqual(2);
  });

  test.each(messages)('error message for $query is what the code prints', ({ query, message }) => {
    const e = thrown(() => bindSchema(parseSelection(query), (f) => ALBUM[f], 'Album')) as Error;
    expect(e.message).toBe(message);
  });

  test('every selection in a ts example parses', () => {
    const blocks = [...DOC.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
    const queries = blocks.flatMap((b) =>
      [...b.matchAll(/ctx\.(?:fetch|query)\(Album, (['"])(.*?)\1/g)].map((m) => m[2]!),
    );
    expect(queries.length).toBeGreaterThanOrEqual(5);
    for (const query of queries.filter((q) => q !== 'year >')) {
      // One stand-in argument per ?: an array after IN, a number elsewhere.
      const params = [...query.matchAll(/(IN )?\?/gi)].map((m) => (m[1] ? [] : 1));
      expect(() => parseSelection(query, params)).not.toThrow();
    }
  });
});
