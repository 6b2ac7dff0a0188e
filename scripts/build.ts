/* `npm run build`: CommonJS with declarations (tsc) in dist/cjs, ESM bundles (esbuild, shared chunks) in dist/esm. */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { ENTRIES } from './entries';

const ROOT = resolve(__dirname, '..');
const DIST = resolve(ROOT, 'dist');

async function main(): Promise<void> {
  rmSync(DIST, { recursive: true, force: true });
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
    cwd: ROOT,
    stdio: 'inherit',
  });
  const esm = resolve(DIST, 'esm');
  await build({
    entryPoints: ENTRIES.map((e) => resolve(ROOT, 'src', `${e}.ts`)),
    outdir: esm,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'neutral',
    target: 'es2022',
    packages: 'external',
    tsconfig: resolve(ROOT, 'tsconfig.build.json'),
    chunkNames: 'chunks/[name]-[hash]',
    logLevel: 'warning',
  });
  mkdirSync(esm, { recursive: true });
  writeFileSync(resolve(esm, 'package.json'), `${JSON.stringify({ type: 'module', sideEffects: false })}\n`);
  // One set of declarations (tsc's): the ESM entries' types re-export them.
  for (const e of ENTRIES) writeFileSync(resolve(esm, `${e}.d.ts`), `export * from '../cjs/${e}.js';\n`);
  console.log(`built ${ENTRIES.length} entries: dist/cjs (CommonJS + types), dist/esm (ESM)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
