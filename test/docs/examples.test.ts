import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import ts from 'typescript';

const DOCS = resolve(__dirname, '../../docs');
const README = resolve(__dirname, '../../README.md');

interface Example {
  readonly file: string;
  readonly line: number;
  readonly code: string;
}

function examples(file: string): Example[] {
  const out: Example[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]?.trim() !== '```ts example') continue;
    const start = i + 1;
    let end = start;
    while (end < lines.length && lines[end]?.trim() !== '```') end++;
    out.push({ file, line: start + 1, code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return out;
}

const all = [README, ...readdirSync(DOCS).map((f) => join(DOCS, f))]
  .filter((f) => f.endsWith('.md'))
  .flatMap(examples);

function compile(code: string): string {
  return ts.transpileModule(code, {
    compilerOptions: {
      module: ts.ModuleKind.CommonJS,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      emitDecoratorMetadata: true,
      esModuleInterop: true,
    },
  }).outputText;
}

describe('documentation examples run as written', () => {
  it('finds examples in the docs', () => {
    expect(all.length).toBeGreaterThan(3);
  });

  for (const ex of all) {
    it(`${ex.file.split('/').slice(-2).join('/')}:${ex.line}`, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ankurah-doc-'));
      mkdirSync(join(dir, 'data'));
      const cwd = process.cwd();
      process.chdir(dir);
      try {
        await jest.isolateModulesAsync(async () => {
          const body = `return (async () => {\n${compile(ex.code)}\n})();`;
          // eslint-disable-next-line @typescript-eslint/no-implied-eval -- runs the doc's own code, compiled above
          const run = new Function('require', 'exports', 'module', 'expect', body) as (
            ...args: unknown[]
          ) => Promise<void>;
          const mod = { exports: {} };
          await run(require, mod.exports, mod, expect);
        });
      } finally {
        process.chdir(cwd);
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
