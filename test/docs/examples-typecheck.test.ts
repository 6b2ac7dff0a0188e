import { resolve } from 'node:path';
import ts from 'typescript';
import { typeErrors } from '../support/typecheck';
import { docExamples, type Example } from './doc-examples';

/**
 * The module a block type-checks as: its imports at the top, the rest inside an async function (examples use
 * top-level await and run as a function body, see examples.test.ts). Line numbers are kept, so an error's
 * line in the virtual file minus one is its line in the block.
 */
function asModule(code: string): string {
  const sf = ts.createSourceFile('block.ts', code, ts.ScriptTarget.ES2022, true);
  const imports = sf.statements.filter(ts.isImportDeclaration);
  const lines = code.split('\n');
  const importLines = new Set<number>();
  for (const s of imports) {
    const first = sf.getLineAndCharacterOfPosition(s.getStart()).line;
    const last = sf.getLineAndCharacterOfPosition(s.getEnd()).line;
    for (let l = first; l <= last; l++) importLines.add(l);
  }
  const head = lines.map((l, i) => (importLines.has(i) ? l : '')).join('\n');
  const body = lines.map((l, i) => (importLines.has(i) ? '' : l)).join('\n');
  return `export {};\n${head}\nexport async function example(): Promise<void> {\n${body}\n}\n`;
}

const all = docExamples();

describe('documentation examples type-check', () => {
  test('every `ts example` block of README.md and docs/*.md compiles against the project', () => {
    expect(all.length).toBeGreaterThan(3);
    const virtual = new Map<string, string>();
    const origin = new Map<string, Example>();
    all.forEach((b, i) => {
      const path = resolve(__dirname, `__example_${i}__.ts`);
      virtual.set(path, asModule(b.code));
      origin.set(path, b);
    });
    const errors = typeErrors(virtual).map((e) => {
      const m = /^(.*?):(\d+): (.*)$/s.exec(e);
      const b = m ? origin.get(resolve(m[1] as string)) : undefined;
      if (!m || !b) return e;
      // Virtual line n holds block line n - 1 (imports) or n - lines - 2 (body), counting from 1.
      const n = Number(m[2]);
      const lines = b.code.split('\n').length;
      const inBlock = n - 1 <= lines ? n - 2 : n - lines - 3;
      return `${b.file.split('/').slice(-2).join('/')}:${b.line + inBlock}: ${m[3]}`;
    });
    expect(errors).toEqual([]);
  }, 120_000);
});
