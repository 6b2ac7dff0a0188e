import { join } from 'node:path';
import { type Browser } from 'playwright-core';
import { startAlbumsServer, type AlbumsServer } from '../../samples/react-albums/server';
import { Album } from '../../samples/react-albums/models';
import { chromiumAvailable, launchChromium } from './harness';
import { builtSample, openLoaded, renders, rowId, rowsShown } from './react-fixture';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const IMAGES = join(__dirname, '../../docs/images');

describeBrowser('React albums sample in Chromium (production build)', () => {
  let sample: Awaited<ReturnType<typeof builtSample>>;
  let browser: Browser;
  let server: AlbumsServer;

  beforeAll(async () => {
    sample = await builtSample(false);
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    sample?.remove();
  });
  beforeEach(async () => {
    server = await startAlbumsServer({ site: sample.dir, seed: true });
  });
  afterEach(async () => {
    await server.close();
  });

  it('syncs two pages through the SocketServer: edits, creates and deletes in one appear in the other', async () => {
    const a = await browser.newPage();
    const b = await browser.newPage();
    await openLoaded(a, server.url, 5);
    await openLoaded(b, server.url, 5);

    const homogenic = await rowId(a, 'Homogenic');
    await a.click(`tr[data-id="${homogenic}"] >> text=Edit`);
    await a.fill('form[data-form="edit"] input[name="name"]', 'Homogenic (remaster)');
    await a.click('form[data-form="edit"] button[type="submit"]');
    await b.waitForSelector(`tr[data-id="${homogenic}"] >> text=Homogenic (remaster)`);

    await b.fill('form[data-form="create"] input[name="name"]', 'Vespertine');
    await b.fill('form[data-form="create"] input[name="artist"]', 'Björk');
    await b.fill('form[data-form="create"] input[name="year"]', '2001');
    await b.click('form[data-form="create"] button[type="submit"]');
    await rowsShown(a, 6);
    const vespertine = await rowId(a, 'Vespertine');

    await a.click(`tr[data-id="${vespertine}"] >> text=Delete`);
    await rowsShown(b, 5);
    const stored = await server.node.context().fetch(Album, 'true ORDER BY name');
    expect(stored.map((v) => v.name)).toEqual([
      'Absolution',
      'Homogenic (remaster)',
      'OK Computer',
      'Origin of Symmetry',
      'Purple Rain',
    ]);
    await a.close();
    await b.close();
  });

  it('re-renders only the rows whose album changed', async () => {
    const page = await browser.newPage();
    await openLoaded(page, server.url, 5);
    const ids = await Promise.all(['Purple Rain', 'Homogenic', 'Absolution'].map((n) => rowId(page, n)));
    const [purple, homogenic, absolution] = ids as [string, string, string];
    const before = await renders(page);
    expect(Object.keys(before)).toHaveLength(5);

    const ctx = server.node.context();
    const rename = async (id: string, name: string) => {
      const trx = ctx.begin();
      (await trx.edit(Album, id)).name = name;
      await trx.commit();
      await page.waitForSelector(`tr[data-id="${id}"] >> text=${name}`);
    };
    await rename(purple, 'Purple Rain (Deluxe)');
    // A second change is the barrier: once it is on screen, every render caused by the first has committed.
    await rename(absolution, 'Absolution (XX)');
    const after = await renders(page);
    const delta = Object.fromEntries(Object.keys(before).map((id) => [id, after[id]! - before[id]!]));
    expect(delta[purple]).toBe(1);
    expect(delta[absolution]).toBe(1);
    expect(Object.entries(delta).filter(([id]) => id !== purple && id !== absolution)).toEqual(
      Object.keys(before)
        .filter((id) => id !== purple && id !== absolution)
        .map((id) => [id, 0]),
    );

    // The year filter re-subscribes with the new parameter: rows that stay keep their component.
    await page.fill('input[name="after"]', '1990');
    await rowsShown(page, 4);
    const filtered = await renders(page);
    expect(filtered[homogenic]).toBe(after[homogenic]);
    console.log(
      `render counts after two remote renames (per row, since mount): ${JSON.stringify(Object.values(after))}`,
    );
    await page.close();
  });

  it('shows a ValidationError under each failing field and saves nothing', async () => {
    const page = await browser.newPage();
    await openLoaded(page, server.url, 5);
    await page.fill('form[data-form="create"] input[name="name"]', '');
    await page.fill('form[data-form="create"] input[name="artist"]', 'Nobody');
    await page.fill('form[data-form="create"] input[name="year"]', '1800');
    await page.click('form[data-form="create"] button[type="submit"]');
    await page.waitForSelector('[data-error="year"]');
    expect(await page.textContent('[data-error="name"]')).toContain('name must be 1 to 200 characters');
    expect(await page.textContent('[data-error="year"]')).toContain('year must be 1900 or later');
    expect(await page.$('[data-error="artist"]')).toBeNull();
    expect(await server.node.context().fetch(Album, 'true')).toHaveLength(5);
    await page.setViewportSize({ width: 760, height: 420 });
    await page.screenshot({ path: join(IMAGES, 'react-albums-validation.png') });
    await page.close();
  });

  it('measures reload-to-first-render and takes the screenshot of the list', async () => {
    const page = await browser.newPage({ viewport: { width: 760, height: 400 } });
    await openLoaded(page, server.url, 5);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      await page.reload();
      await rowsShown(page, 5);
      times.push(
        await page.evaluate(
          () => (globalThis as { albumsProbe?: { firstRowsAt?: number } }).albumsProbe!.firstRowsAt!,
        ),
      );
    }
    expect(times.every((t) => t > 0)).toBe(true);
    console.log(
      `reload to first rows rendered (ms since navigation start): ${times.map((t) => t.toFixed(0)).join(', ')}`,
    );
    await page.screenshot({ path: join(IMAGES, 'react-albums.png') });
    await page.close();
  });
});
