import { build, type Plugin } from 'esbuild';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import * as ts from 'typescript';

const ROOT = resolve(__dirname, '../..');

/** Node built-ins that jest's `expect` reaches but never calls in a page: small stand-ins. */
const STUBS: Record<string, string> = {
  path:
    'const j = (...a) => a.filter(Boolean).join("/"); module.exports = { sep: "/", resolve: j, join: j, ' +
    'relative: (a, b) => b, dirname: (p) => p, basename: (p) => p, extname: () => "", isAbsolute: () => true, ' +
    'normalize: (p) => p, posix: {} };',
  'util/types': 'module.exports = { isPromise: (v) => !!v && typeof v.then === "function" };',
  process: 'module.exports = globalThis.process;',
};

const stubs: Plugin = {
  name: 'node-stubs',
  setup(b) {
    b.onResolve({ filter: /^(node:)?(fs|module|path|process|url|util\/types|graceful-fs)$/ }, (a) => ({
      path: a.path.replace(/^node:/, ''),
      namespace: 'stub',
    }));
    b.onLoad({ filter: /.*/, namespace: 'stub' }, (a) => ({
      contents: STUBS[a.path] ?? 'module.exports = {};',
      loader: 'js',
    }));
  },
};

/** esbuild does not emit decorator metadata (design:type): TypeScript transpiles the sources, as ts-jest does. */
const decorators: Plugin = {
  name: 'ts-decorator-metadata',
  setup(b) {
    b.onLoad({ filter: /\.ts$/ }, (a) => {
      const source = readFileSync(a.path, 'utf8');
      const out = ts.transpileModule(source, {
        fileName: a.path,
        compilerOptions: {
          target: ts.ScriptTarget.ES2022,
          module: ts.ModuleKind.ESNext,
          experimentalDecorators: true,
          emitDecoratorMetadata: true,
          isolatedModules: true,
          esModuleInterop: true,
        },
      });
      return { contents: out.outputText, loader: 'js' };
    });
  },
};

/** Bundles a test page's entry (TypeScript, importing src/ and test/ directly) into `outfile` for Chromium. */
export async function bundlePage(entry: string, outfile: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    sourcemap: false,
    logLevel: 'error',
    keepNames: true,
    absWorkingDir: ROOT,
    tsconfig: resolve(ROOT, 'tsconfig.json'),
    alias: {
      ankurah: resolve(ROOT, 'src/index.ts'),
      'ankurah/indexeddb': resolve(ROOT, 'src/indexeddb.ts'),
      'ankurah/spi': resolve(ROOT, 'src/spi.ts'),
      'ankurah/react': resolve(ROOT, 'src/react.ts'),
    },
    define: {
      'process.env.NODE_ENV': '"test"',
      global: 'globalThis',
      __dirname: '"/"',
      __filename: '"/page.js"',
    },
    banner: { js: 'var process = globalThis.process || { env: {}, cwd: () => "/", platform: "browser" };' },
    plugins: [stubs, decorators],
  });
}
