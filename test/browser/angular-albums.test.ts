import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, type Page } from 'playwright-core';
import { APP_DIR, startAlbumsServer, type AlbumsServer } from '../../samples/angular-albums/server';
import { chromiumAvailable, launchChromium } from './harness';

/** The sample's `ng build` output must exist; CI builds it before `npm test`. */
function appBuilt(): boolean {
  if (existsSync(join(APP_DIR, 'index.html'))) return true;
  const why = `the Angular sample is not built (${APP_DIR} is missing)`;
  if (process.env.CI === 'true')
    throw new Error(`${why}; CI=true: build it with \`npm run sample:angular:build\``);
  console.warn(
    `\n!!! SKIPPING the Angular e2e test: ${why}. Run \`npm run sample:angular:install && npm run sample:angular:build\`.\n`,
  );
  return false;
}

const describeApp = chromiumAvailable() && appBuilt() ? describe : describe.skip;
const IMAGES = join(__dirname, '..', '..', 'docs', 'images');
const WAIT = { timeout: 20_000 };

describeApp('Angular albums sample in Chromium', () => {
  let dir: string;
  let server: AlbumsServer | undefined;
  let browser: Browser;
  const timings: string[] = [];
  let mark = Date.now();
  const lap = (what: string): void => {
    const now = Date.now();
    timings.push(`${what}: ${now - mark} ms`);
    mark = now;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-angular-'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
    console.log(`Angular e2e timings:\n  ${timings.join('\n  ')}`);
  });

  async function open(url: string): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 960, height: 560 } });
    page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
    await page.goto(url);
    await page.getByTestId('online-banner').waitFor(WAIT);
    return page;
  }

  const row = (page: Page, name: string) => page.getByTestId(`album-${name}`);

  /** What the server stores, read over its REST API with the editor token the app also uses. */
  async function rest<T>(path: string): Promise<T> {
    const res = await fetch(`${server!.url}/api/albums${path}`, {
      headers: { authorization: 'Bearer alice-token' },
    });
    expect(res.status).toBe(200);
    return (await res.json()) as T;
  }
  type Stored = { id: string; year: number; rating?: number; notes: string };

  it('syncs two pages live, shows validation errors per field, and delivers an offline edit after a restart', async () => {
    const database = join(dir, 'albums.db');
    server = await startAlbumsServer({ database, port: 0 });
    const port = server.port;
    mark = Date.now();
    const a = await open(server.url);
    const b = await open(server.url);
    lap('two pages loaded and connected');

    const create = a.getByTestId('create-form');
    await create.getByTestId('field-name').fill('Origin of Symmetry');
    await create.getByTestId('field-artist').fill('Muse');
    await create.getByTestId('field-year').fill('2001');
    await create.getByTestId('save').click();
    await row(b, 'Origin of Symmetry').waitFor(WAIT);
    lap('an album created on page A appears on page B');

    await create.getByTestId('field-name').fill('');
    await create.getByTestId('field-artist').fill('Nobody');
    await create.getByTestId('field-year').fill('1800');
    await create.getByTestId('save').click();
    await create.getByTestId('error-year').waitFor(WAIT);
    expect(await create.getByTestId('error-name').innerText()).toBe('name must be 1 to 200 characters');
    expect(await create.getByTestId('error-year').innerText()).toBe('year must be 1900 or later');
    expect(await create.getByTestId('error-artist').count()).toBe(0);
    expect(await a.getByTestId('summary').innerText()).toBe('1 album(s)');
    lap('an invalid album is refused with an error under each failing field');

    await row(b, 'Origin of Symmetry').getByTestId('edit').click();
    const editB = b.getByTestId('edit-form');
    await editB.getByTestId('field-year').fill('2002');
    await editB.getByTestId('field-rating').fill('5');
    await editB.getByTestId('save').click();
    await a.waitForFunction(
      () =>
        document.querySelector('[data-testid="album-Origin of Symmetry"] [data-testid="year"]')
          ?.textContent === '2002',
      undefined,
      WAIT,
    );
    lap('an edit on page B appears on page A');

    await row(a, 'Origin of Symmetry').getByTestId('edit').click();
    await a.getByTestId('notes').fill('remastered');
    await b.waitForFunction(
      () => document.querySelector<HTMLTextAreaElement>('[data-testid="notes"]')?.value === 'remastered',
      undefined,
      WAIT,
    );
    await b.getByTestId('notes').fill('remastered in 2021');
    await a.waitForFunction(
      () =>
        document.querySelector<HTMLTextAreaElement>('[data-testid="notes"]')?.value === 'remastered in 2021',
      undefined,
      WAIT,
    );
    lap('shared notes typed on each page reach the other');
    mkdirSync(IMAGES, { recursive: true });
    await a.screenshot({ path: join(IMAGES, 'angular-albums-live.png') });

    const id = (await rest<Stored[]>(`?q=${encodeURIComponent("name = 'Origin of Symmetry'")}`))[0]!.id;
    await server.close();
    server = undefined;
    await a.getByTestId('offline-banner').waitFor(WAIT);
    await b.getByTestId('offline-banner').waitFor(WAIT);
    lap('both pages show the offline banner once the server stops');

    const editA = a.getByTestId('edit-form');
    await editA.getByTestId('field-year').fill('2003');
    await editA.getByTestId('save').click();
    await a.getByText('(1 queued)').waitFor(WAIT);
    expect(await row(a, 'Origin of Symmetry').getByTestId('year').innerText()).toBe('2003');
    expect(await row(b, 'Origin of Symmetry').getByTestId('year').innerText()).toBe('2002');
    await a.screenshot({ path: join(IMAGES, 'angular-albums-offline.png') });
    lap('an edit made offline is kept and queued on page A');

    server = await startAlbumsServer({ database, port });
    await b.waitForFunction(
      () =>
        document.querySelector('[data-testid="album-Origin of Symmetry"] [data-testid="year"]')
          ?.textContent === '2003',
      undefined,
      WAIT,
    );
    await a.getByTestId('online-banner').waitFor(WAIT);
    const kept = await rest<Stored>(`/${id}`);
    expect([kept.year, kept.rating, kept.notes]).toEqual([2003, 5, 'remastered in 2021']);
    lap('after a restart on the same port and SQLite file the offline edit reaches the server and page B');

    await row(b, 'Origin of Symmetry').getByTestId('delete').click();
    await row(a, 'Origin of Symmetry').waitFor({ state: 'detached', ...WAIT });
    expect(await a.getByTestId('summary').innerText()).toBe('0 album(s)');
    lap('a delete on page B removes the album from page A');
  }, 120_000);
});
