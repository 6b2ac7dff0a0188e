import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { typeErrors } from '../../support/typecheck';

describe('type-level tests', () => {
  test('every file in test/unit/types compiles, its @ts-expect-error lines included', () => {
    const files = readdirSync(__dirname)
      .filter((f) => f.endsWith('.test.ts') && f !== 'typecheck.test.ts')
      .map((f) => join(__dirname, f));
    expect(files.length).toBeGreaterThan(0);
    expect(typeErrors(new Map(), files)).toEqual([]);
  }, 120_000);
});
