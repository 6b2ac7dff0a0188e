import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromiumAvailable, launchChromium, serveStatic } from './harness';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

describeBrowser('browser harness', () => {
  it('serves a page from 127.0.0.1 that can open IndexedDB in headless Chromium', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ankurah-harness-'));
    writeFileSync(
      join(dir, 'index.html'),
      `<script>indexedDB.open('probe').onsuccess = () => { document.title = 'idb:' + location.origin; };</script>`,
    );
    const site = await serveStatic(dir);
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`${site.url}/`);
      await page.waitForFunction(() => document.title.startsWith('idb:'));
      expect(await page.title()).toBe(`idb:${site.url}`);
      const outside = await fetch(`${site.url}/..%2f..%2f..%2f..%2fetc%2fpasswd`);
      expect(outside.status).toBe(403);
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
