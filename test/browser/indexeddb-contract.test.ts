import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { bundlePage } from './bundle';
import { chromiumAvailable, launchChromium, serveStatic, type StaticServer } from './harness';
import { type CaseResult } from './pages/jest-shim';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('IndexedDbStorage in Chromium', () => {
  let dir: string;
  let site: StaticServer;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-idb-contract-'));
    await bundlePage(join(__dirname, 'pages/contract-page.ts'), join(dir, 'contract.js'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="contract.js"></script>');
    site = await serveStatic(dir);
    browser = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${site.url}/`);
    await page
      .waitForFunction(() => document.title === 'contract page ready')
      .catch(() => {
        throw new Error(`the contract page did not load: ${errors.join('; ')}`);
      });
    return page;
  }

  it('passes the storage contract suite shared with memory, SQLite and Postgres', async () => {
    const page = await open();
    const results = await page.evaluate(() =>
      (window as unknown as { __runContract(): Promise<CaseResult[]> }).__runContract(),
    );
    const failures = results.filter((r) => !r.ok).map((r) => `${r.name}\n    ${r.error ?? ''}`);
    expect(failures).toEqual([]);
    // The whole suite ran: every operator of the query table and the durable-only cases.
    expect(results.length).toBeGreaterThan(100);
    expect(results.map((r) => r.name)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/second writer on the same database is refused/),
        expect.stringMatching(/index plans agree .* all fields indexed: true ORDER BY genre DESC LIMIT 8/),
        expect.stringMatching(/planner walks an index/),
      ]),
    );

    console.log(`storage contract in Chromium: ${results.length} cases passed`);
  }, 180_000);

  it('turns an exhausted quota into a StorageError naming the fix, keeping neither commit nor outbox record', async () => {
    const page = await open();
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: site.url, quotaSize: 4 * 1024 * 1024 });
    const got = await page.evaluate(() =>
      (window as unknown as { __quotaProbe(): Promise<Record<string, unknown>> }).__quotaProbe(),
    );
    expect(got).toEqual({
      name: 'StorageError',
      message: expect.stringMatching(/out of quota.*Fix: free space/),
      outboxKept: false,
      eventKept: false,
    });
  }, 120_000);

  it('refuses a version upgrade blocked by another connection with a StorageError naming the fix', async () => {
    const page = await open();
    const got = await page.evaluate(() =>
      (window as unknown as { __blockedProbe(): Promise<Record<string, unknown>> }).__blockedProbe(),
    );
    expect(got).toEqual({
      name: 'StorageError',
      message: expect.stringMatching(/cannot be upgraded to version 2.*close or reload the other tabs/),
    });
  }, 60_000);
});
