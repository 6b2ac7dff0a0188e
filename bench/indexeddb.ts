/* IndexedDB benchmark: ankurah/indexeddb vs raw IndexedDB in the same Chromium page, and reload-to-first-render. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { MemoryStorage, Node } from 'ankurah';
import { SocketServer } from 'ankurah/server';
import { bundlePage } from '../test/browser/bundle';
import { launchChromium, serveStatic } from '../test/browser/harness';
import { Todo } from '../test/browser/pages/todo-model';
import { percentile, row } from './stats';

const BULK = 10_000;
const LARGE = 100_000;
const RUNS = 15;
const TODOS = 1_000;
const RELOADS = 7;

type BenchWin = {
  bench: {
    bulk(n: number): Promise<Record<string, number>>;
    query(large: number, runs: number): Promise<Record<string, number>>;
  };
};
type AppWin = { app: { firstRender: number; createMany(n: number): Promise<void>; names(): string[] } };

const f = (n: number | undefined): string => (n === undefined ? '' : n.toFixed(1));

/** Runs the benchmark (Chromium at CHROMIUM_PATH or /usr/bin/chromium, headless). */
export async function run(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-bench-idb-'));
  await bundlePage(resolve(__dirname, 'pages/indexeddb-page.ts'), join(dir, 'bench.js'));
  await bundlePage(resolve(__dirname, '../test/browser/pages/app-page.ts'), join(dir, 'app.js'));
  writeFileSync(join(dir, 'bench.html'), '<!doctype html><script src="bench.js"></script>');
  writeFileSync(join(dir, 'app.html'), '<!doctype html><body></body><script src="app.js"></script>');
  const site = await serveStatic(dir);
  const browser = await launchChromium();
  const durable = await Node.durable(new MemoryStorage(), { models: [Todo] });
  const srv = await SocketServer.listen(durable, { port: 0, host: '127.0.0.1' });
  try {
    const page = await browser.newPage();
    await page.goto(`${site.url}/bench.html`);
    await page.waitForFunction(() => document.title === 'ready');
    console.log(`  ${''.padEnd(48)} ${'ms'.padStart(14)} ${'vs raw'.padStart(14)}`);
    const b = await page.evaluate((n) => (window as unknown as BenchWin).bench.bulk(n), BULK);
    row(`bulk create ${BULK}: raw IndexedDB (one transaction)`, f(b.raw), '1.00');
    row(
      `bulk create ${BULK}: IndexedDbStorage.commit`,
      f(b.engine),
      ((b.engine ?? 0) / (b.raw ?? 1)).toFixed(2),
    );
    row(
      `bulk create ${BULK}: node, one trx of ${BULK} creates`,
      f(b.node),
      ((b.node ?? 0) / (b.raw ?? 1)).toFixed(2),
    );
    const q = await page.evaluate(([n, r]) => (window as unknown as BenchWin).bench.query(n, r), [
      LARGE,
      RUNS,
    ] as const);
    const label = `over ${LARGE / 1000}k (median of ${RUNS})`;
    row(`year > 2000 ORDER BY name LIMIT 50, raw ${label}`, f(q.rawByName), '1.00');
    row(
      `year > 2000 ORDER BY name LIMIT 50, engine`,
      f(q.byName),
      ((q.byName ?? 0) / (q.rawByName ?? 1)).toFixed(2),
    );
    row(`year > 2000 ORDER BY year LIMIT 50, raw`, f(q.rawByYear), '1.00');
    row(
      `year > 2000 ORDER BY year LIMIT 50, engine (index walk)`,
      f(q.byYear),
      ((q.byYear ?? 0) / (q.rawByYear ?? 1)).toFixed(2),
    );
    row(`  + index on name: re-declaring (index rebuild of ${LARGE / 1000}k)`, f(q.reindex), '');
    row(`year > 2000 ORDER BY name LIMIT 50, raw name-index walk`, f(q.rawWalkName), '1.00');
    row(
      `year > 2000 ORDER BY name LIMIT 50, engine (index walk)`,
      f(q.byNameIndexed),
      ((q.byNameIndexed ?? 0) / (q.rawWalkName ?? 1)).toFixed(2),
    );
    await page.close();

    // Reload to first render: the app page (IndexedDbStorage + connectShared + a live query) with TODOS rows.
    const ctx = await browser.newContext();
    const app = await ctx.newPage();
    const url = `${site.url}/app.html?server=${encodeURIComponent(srv.url)}`;
    await app.goto(url);
    await app.waitForFunction(() => document.title === 'ready');
    await app.evaluate((n) => (window as unknown as AppWin).app.createMany(n), TODOS);
    const renders: number[] = [];
    for (let i = 0; i < RELOADS; i++) {
      await app.reload();
      await app.waitForFunction(
        (n) => document.title === 'ready' && (window as unknown as AppWin).app.names().length === n,
        TODOS,
      );
      renders.push(await app.evaluate(() => (window as unknown as AppWin).app.firstRender));
    }
    row(`reload to first render, ${TODOS} rows (median of ${RELOADS})`, f(percentile(renders, 50)), '');
    row(`  (min / max)`, `${f(Math.min(...renders))} / ${f(Math.max(...renders))}`, '');
    await ctx.close();
  } finally {
    await browser.close();
    await srv.close();
    await durable.close();
    await site.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
