/*
 * Issue 13, item 18: `npm pack` on a fresh checkout (no dist/) packed no dist/. The `prepack` script builds
 * first. Checked on a copy of the sources without dist/, with the project's node_modules linked in.
 */
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../..');

test('npm pack without a prior build builds and packs every entry point', () => {
  const work = mkdtempSync(join(tmpdir(), 'ankurah-pack-'));
  try {
    for (const f of ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'README.md']) {
      copyFileSync(join(ROOT, f), join(work, f));
    }
    cpSync(join(ROOT, 'src'), join(work, 'src'), { recursive: true });
    cpSync(join(ROOT, 'docs'), join(work, 'docs'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'));
    expect(existsSync(join(work, 'dist'))).toBe(false);

    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--loglevel=silent'], {
      cwd: work,
      encoding: 'utf8',
      env: { ...process.env, npm_config_ignore_scripts: 'false' },
    });
    const report = JSON.parse(out.slice(out.indexOf('['))) as { files: { path: string }[] }[];
    const files = report[0]?.files.map((f) => f.path) ?? [];
    for (const entry of ['index', 'typeorm', 'server', 'spi', 'indexeddb']) {
      expect(files).toContain(`dist/${entry}.js`);
      expect(files).toContain(`dist/${entry}.d.ts`);
    }
    expect(files).toContain('README.md');
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}, 180_000);
