/**
 * The package's entry points, the one list everything else derives from: `index` is `ankurah`, any other
 * name `ankurah/<name>` built from src/<name>.ts. Adding an entry is one line here, then
 * `npm run sync-package` rewrites package.json's exports map (a test fails while they differ); tsconfig's
 * paths and jest's moduleNameMapper map `ankurah/*` to src/*.ts already.
 */
export const ENTRIES = ['index', 'typeorm', 'server', 'spi', 'react', 'indexeddb', 'nest'] as const;

/** One entry's exports: ESM (bundled by esbuild) under `import`, CommonJS (tsc) under `require`. */
function conditions(entry: string): Record<string, Record<string, string>> {
  return {
    import: { types: `./dist/esm/${entry}.d.ts`, default: `./dist/esm/${entry}.js` },
    require: { types: `./dist/cjs/${entry}.d.ts`, default: `./dist/cjs/${entry}.js` },
  };
}

/** package.json's `exports`: every entry, explicit (no wildcard), plus ./package.json. */
export function exportsMap(): Record<string, unknown> {
  const map: Record<string, unknown> = {};
  for (const e of ENTRIES) map[e === 'index' ? '.' : `./${e}`] = conditions(e);
  map['./package.json'] = './package.json';
  return map;
}

/** package.json's `typesVersions`: subpath types for TypeScript's `moduleResolution: node` (which ignores exports). */
export function typesVersions(): Record<string, Record<string, string[]>> {
  const paths: Record<string, string[]> = {};
  for (const e of ENTRIES) if (e !== 'index') paths[e] = [`./dist/cjs/${e}.d.ts`];
  return { '*': paths };
}
