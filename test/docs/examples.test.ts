import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { docExamples } from './doc-examples';

const all = docExamples();

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
