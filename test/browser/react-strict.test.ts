import { type Browser } from 'playwright-core';
import { internals } from '../fixtures/internals';
import { startAlbumsServer, type AlbumsServer } from '../../samples/react-albums/server';
import { chromiumAvailable, launchChromium } from './harness';
import { builtSample, renders, rowId, rowsShown, until } from './react-fixture';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;

type Albums = { mount(): void; unmount(): void };

/** Open watches on the page's node (its live queries). */

describeBrowser('React hooks under StrictMode in Chromium (development build)', () => {
  let sample: Awaited<ReturnType<typeof builtSample>>;
  let browser: Browser;
  let server: AlbumsServer;

  beforeAll(async () => {
    sample = await builtSample(true);
    browser = await launchChromium();
    server = await startAlbumsServer({ site: sample.dir, seed: true });
  });
  afterAll(async () => {
    await server?.close();
    await browser?.close();
    sample?.remove();
  });

  it('mounting twice (StrictMode) opens one live query, and unmounting leaves no subscription', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${server.url}/?unmounted`);
    await page.waitForFunction(() => 'albumsClient' in globalThis);
    const reactor = () => internals(server.node).reactor;
    const serverBase = reactor().size;
    // The page's live queries are relayed to the server: each one open in the page holds one there.
    const subscriptions = () => reactor().size - serverBase;

    await page.evaluate(() => (globalThis as unknown as { albums: Albums }).albums.mount());
    await rowsShown(page, 5);
    // StrictMode ran each row's layout effect twice on mount: the development checks were on.
    const counts = await renders(page);
    expect(Object.values(counts)).toEqual([2, 2, 2, 2, 2]);
    await until(() => reactor().size === serverBase + 1, 'the server to hold one subscription');
    expect(subscriptions()).toBe(1);

    // A parameter change re-subscribes: the old query is closed here and on the server.
    const homogenic = await rowId(page, 'Homogenic');
    await page.fill('input[name="after"]', '1990');
    await rowsShown(page, 4);
    expect(await page.$(`tr[data-id="${homogenic}"]`)).not.toBeNull();
    await until(() => reactor().size === serverBase + 1, 'the old subscription to be released');
    expect(subscriptions()).toBe(1);

    await page.evaluate(() => (globalThis as unknown as { albums: Albums }).albums.unmount());
    await page.waitForFunction(() => document.querySelector('table') === null);
    await until(() => reactor().size === serverBase, 'the server subscription to be released');
    expect(subscriptions()).toBe(0);

    await page.evaluate(() => (globalThis as unknown as { albums: Albums }).albums.mount());
    await rowsShown(page, 5);
    await until(() => reactor().size === serverBase + 1, 'the remount to subscribe once');
    expect(subscriptions()).toBe(1);
    await page.evaluate(() => (globalThis as unknown as { albums: Albums }).albums.unmount());
    await until(() => reactor().size === serverBase, 'the second unmount to release it');
    expect(subscriptions()).toBe(0);
    expect(errors).toEqual([]);
    await page.close();
  });
});
