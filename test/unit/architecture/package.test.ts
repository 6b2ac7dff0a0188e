import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { ENTRIES, exportsMap, typesVersions } from '../../../scripts/entries';

const ROOT = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, unknown>;
  typesVersions: unknown;
  main: string;
  sideEffects: unknown;
  peerDependencies: Record<string, string>;
  files: string[];
};

describe('package surface', () => {
  it('has an explicit exports map generated from the one list of entries, each with its source', () => {
    const keys = Object.keys(pkg.exports);
    expect(keys.some((k) => k.includes('*'))).toBe(false);
    // Fix: `npm run sync-package` after editing scripts/entries.ts.
    expect(pkg.exports).toEqual(exportsMap());
    expect(pkg.typesVersions).toEqual(typesVersions());
    for (const entry of ENTRIES) expect(existsSync(resolve(ROOT, `src/${entry}.ts`))).toBe(true);
    expect(keys).toEqual(
      expect.arrayContaining(['.', './typeorm', './server', './spi', './react', './indexeddb', './nest']),
    );
    expect(pkg.files).toContain('dist');
    expect(pkg.main).toBe('./dist/cjs/index.js');
  });

  it("has no side-effect import (sideEffects: false): reflect-metadata is the app's to import", () => {
    expect(pkg.sideEffects).toBe(false);
    const offenders = ENTRIES.filter((e) =>
      /^\s*import\s+['"]/m.test(readFileSync(resolve(ROOT, `src/${e}.ts`), 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('shares one copy of the libraries users also import (peer dependencies)', () => {
    expect(Object.keys(pkg.peerDependencies).sort()).toEqual(
      expect.arrayContaining(['class-validator', 'reflect-metadata', 'rxjs', 'typeorm', 'yjs']),
    );
  });

  it('bundles the root entry for browsers with no Node built-in reachable', async () => {
    const result = await build({
      entryPoints: [resolve(ROOT, 'src/index.ts')],
      bundle: true,
      platform: 'browser',
      format: 'esm',
      write: false,
      logLevel: 'silent',
      tsconfig: resolve(ROOT, 'tsconfig.json'),
    });
    expect(result.errors).toEqual([]);
    const text = result.outputFiles[0]?.text ?? '';
    expect(text.length).toBeGreaterThan(10_000);
    expect(text).not.toMatch(/require\(["'](fs|net|path|better-sqlite3|pg|typeorm)["']\)/);
  });
});
