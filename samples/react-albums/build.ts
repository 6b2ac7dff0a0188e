/* Bundles the React albums sample for browsers with esbuild: samples/react-albums/dist (or `outdir`). */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

const HERE = __dirname;
const ROOT = resolve(HERE, '../..');

/** Options of `buildAlbums`: where to write, and React's development build (StrictMode checks) or not. */
export interface BuildOptions {
  readonly outdir?: string;
  readonly dev?: boolean;
}

/** Writes index.html, app.css and app.js (one ESM bundle: React, ankurah, ankurah/react, the app). */
export async function buildAlbums(options: BuildOptions = {}): Promise<string> {
  const outdir = resolve(options.outdir ?? join(HERE, 'dist'));
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [join(HERE, 'main.tsx')],
    outfile: join(outdir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    jsx: 'automatic',
    minify: !options.dev,
    // Model classes keep their names in error messages (collections are named explicitly in models.ts).
    keepNames: true,
    sourcemap: true,
    // esbuild reads the decorator settings and the `ankurah/*` paths from the project's tsconfig.
    tsconfig: join(ROOT, 'tsconfig.json'),
    define: { 'process.env.NODE_ENV': JSON.stringify(options.dev ? 'development' : 'production') },
    logLevel: 'warning',
  });
  copyFileSync(join(HERE, 'index.html'), join(outdir, 'index.html'));
  copyFileSync(join(HERE, 'app.css'), join(outdir, 'app.css'));
  return outdir;
}

if (require.main === module) {
  buildAlbums({ dev: process.argv.includes('--dev') }).then(
    (dir) => console.log(`Built the React albums sample into ${dir}`),
    (e: unknown) => {
      console.error(e);
      process.exitCode = 1;
    },
  );
}
