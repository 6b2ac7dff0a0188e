/*
 * `npm run size`: the browser bundle of the root entry (esbuild, minified, platform browser), with every
 * dependency bundled and with the peer dependencies left external, and what dominates each (esbuild metafile).
 * `npm run size -- <dir>` measures another checkout's src/index.ts (e.g. an older commit, to compare).
 */
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';

const ROOT = resolve(process.argv[2] ?? resolve(__dirname, '..'));
const pkg = JSON.parse(readFileSync(resolve(__dirname, '../package.json'), 'utf8')) as {
  peerDependencies: Record<string, string>;
};

/** node_modules/<pkg>/… → <pkg>; the project's own files → "ankurah (src)". */
function owner(path: string): string {
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
  return m ? (m[1] as string) : 'ankurah (src)';
}

async function measure(label: string, external: string[]): Promise<void> {
  const result = await build({
    entryPoints: [resolve(ROOT, 'src/index.ts')],
    bundle: true,
    minify: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    write: false,
    metafile: true,
    external,
    logLevel: 'error',
  });
  const out = result.outputFiles[0]?.contents ?? new Uint8Array();
  const byOwner = new Map<string, number>();
  const meta: Metafile = result.metafile;
  for (const o of Object.values(meta.outputs)) {
    for (const [path, input] of Object.entries(o.inputs)) {
      byOwner.set(owner(path), (byOwner.get(owner(path)) ?? 0) + input.bytesInOutput);
    }
  }
  const kb = (n: number): string => `${(n / 1024).toFixed(1)} KB`;
  console.log(`\n${label}: ${kb(out.length)} minified, ${kb(gzipSync(out).length)} gzipped`);
  const top = [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 10);
  for (const [name, bytes] of top) {
    console.log(
      `  ${name.padEnd(28)} ${kb(bytes).padStart(10)}  ${((bytes / out.length) * 100).toFixed(1)}%`,
    );
  }
}

async function main(): Promise<void> {
  console.log(`Root entry of ${ROOT} for browsers (esbuild --bundle --minify --platform=browser)`);
  await measure('Everything bundled (externals: none)', []);
  const peers = Object.keys(pkg.peerDependencies);
  await measure(`Peers external (${peers.join(', ')})`, peers);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
