/*
 * Issue 13, item 18: `npm pack` on a fresh checkout (no dist/) packed no dist/. The `prepack` script builds
 * first. Checked on a copy of the sources without dist/, with the project's node_modules linked in.
 * Issue 14: every entry ships ESM and CommonJS, and a tiny consumer resolves every entry's types under
 * `moduleResolution` node, node16 (CommonJS and ESM files) and bundler, and loads each with require and import.
 */
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ENTRIES } from '../../scripts/entries';

const ROOT = resolve(__dirname, '../..');
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const specifier = (e: string): string => (e === 'index' ? 'ankurah' : `ankurah/${e}`);

/** Imports one name of every entry (types and values) and uses them, so a missing resolution fails to compile. */
const CONSUMER = [
  "import 'reflect-metadata';",
  "import { Node, MemoryStorage, type View } from 'ankurah';",
  "import { SqliteStorage } from 'ankurah/typeorm';",
  "import { SocketServer } from 'ankurah/server';",
  "import { AnkurahModule, type RequestContext } from 'ankurah/nest';",
  'export const values = [Node, MemoryStorage, SqliteStorage, SocketServer, AnkurahModule];',
  'export type Types = [View<object>, RequestContext];',
  'export async function open(): Promise<Node> { return Node.durable(new MemoryStorage()); }',
].join('\n');

function tsc(cwd: string, args: string[]): void {
  execFileSync(
    process.execPath,
    [TSC, '--noEmit', '--strict', '--skipLibCheck', '--target', 'es2022', ...args],
    {
      cwd,
      encoding: 'utf8',
    },
  );
}

test('npm pack builds ESM and CommonJS; a consumer resolves every entry under node, node16 and bundler', () => {
  const work = mkdtempSync(join(tmpdir(), 'ankurah-pack-'));
  try {
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) {
      copyFileSync(join(ROOT, f), join(work, f));
    }
    for (const d of ['src', 'docs', 'scripts']) cpSync(join(ROOT, d), join(work, d), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    expect(existsSync(join(work, 'dist'))).toBe(false);

    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=silent'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, npm_config_ignore_scripts: 'false' },
    });
    const report = JSON.parse(out.slice(out.indexOf('['))) as { files: { path: string }[] }[];
    const files = report[0]?.files.map((f) => f.path) ?? [];
    for (const entry of ENTRIES) {
      for (const format of ['cjs', 'esm']) {
        expect(files).toContain(`dist/${format}/${entry}.js`);
        expect(files).toContain(`dist/${format}/${entry}.d.ts`);
      }
    }
    expect(files).toContain('dist/esm/package.json');
    expect(files).toContain('README.md');

    const app = join(work, 'consumer');
    mkdirSync(join(app, 'node_modules'), { recursive: true });
    symlinkSync(work, join(app, 'node_modules/ankurah'));
    for (const dep of ['reflect-metadata', '@types'])
      symlinkSync(join(ROOT, 'node_modules', dep), join(app, 'node_modules', dep));
    writeFileSync(join(app, 'package.json'), '{ "name": "consumer", "private": true }\n');
    writeFileSync(join(app, 'use.ts'), CONSUMER);
    writeFileSync(join(app, 'use.mts'), CONSUMER);
    const types = ['--types', 'node', '--experimentalDecorators'];
    tsc(app, [...types, '--module', 'commonjs', '--moduleResolution', 'node', 'use.ts']);
    tsc(app, [...types, '--module', 'node16', '--moduleResolution', 'node16', 'use.ts', 'use.mts']);
    tsc(app, [...types, '--module', 'esnext', '--moduleResolution', 'bundler', 'use.ts']);

    const names = ENTRIES.map(specifier);
    const load = `for (const e of ${JSON.stringify(names)}) if (!Object.keys(LOAD(e)).length) throw new Error(e);`;
    writeFileSync(
      join(app, 'load.cjs'),
      `require('reflect-metadata');\n${load.replace('LOAD(e)', 'require(e)')}\n`,
    );
    writeFileSync(
      join(app, 'load.mjs'),
      `import 'reflect-metadata';\n${load.replace('LOAD(e)', '(await import(e))')}\n`,
    );
    for (const f of ['load.cjs', 'load.mjs'])
      execFileSync(process.execPath, [f], { cwd: app, encoding: 'utf8' });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 300_000);
