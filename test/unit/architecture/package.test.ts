import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(__dirname, '../../..');
const pkg = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')) as {
  exports: Record<string, string | { types: string; default: string }>;
  peerDependencies: Record<string, string>;
  files: string[];
};

describe('package surface', () => {
  it('has an explicit exports map whose entries all have sources', () => {
    const keys = Object.keys(pkg.exports);
    expect(keys.some((k) => k.includes('*'))).toBe(false);
    for (const [key, target] of Object.entries(pkg.exports)) {
      if (key === './package.json') continue;
      const dist = typeof target === 'string' ? target : target.default;
      expect(dist).toMatch(/^\.\/dist\/[a-z]+\.js$/);
      const src = dist.replace('./dist/', 'src/').replace(/\.js$/, '.ts');
      expect(existsSync(resolve(ROOT, src))).toBe(true);
    }
    expect(keys).toEqual(
      expect.arrayContaining(['.', './typeorm', './server', './spi', './react', './indexeddb']),
    );
    expect(pkg.files).toContain('dist');
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
