import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, type Page } from 'playwright-core';
import { MemoryStorage, Node } from 'ankurah';
import { SocketServer, type SocketServerHandle } from 'ankurah/server';
import { bundlePage } from './bundle';
import { chromiumAvailable, launchChromium, serveStatic, type StaticServer } from './harness';
import { Todo } from './pages/todo-model';
import { internals } from '../fixtures/internals';
import { waitUntil } from '../fixtures/poll';

const describeBrowser = chromiumAvailable() ? describe : describe.skip;
const IMAGES = resolve(__dirname, '../../docs/images');

interface AppHandle {
  names(): string[];
  role(): string;
  online(): boolean;
  pending(): number;
  ready(): Promise<void>;
  create(name: string, rank?: number): Promise<string>;
  rename(id: string, name: string): Promise<void>;
  close(): Promise<void>;
  closeNode(): Promise<void>;
  firstRender: number;
  database: string;
}
type Win = { app: AppHandle };

describeBrowser('browser e2e: IndexedDB, offline, shared tabs', () => {
  let dir: string;
  let site: StaticServer;
  let browser: Browser;
  let durable: Node;
  let srv: SocketServerHandle;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-e2e-'));
    await bundlePage(join(__dirname, 'pages/app-page.ts'), join(dir, 'app.js'));
    writeFileSync(join(dir, 'app.html'), '<!doctype html><body></body><script src="app.js"></script>');
    site = await serveStatic(dir);
    browser = await launchChromium();
    durable = await Node.durable(new MemoryStorage(), { models: [Todo] });
    srv = await SocketServer.listen(durable, { port: 0, host: '127.0.0.1' });
    mkdirSync(IMAGES, { recursive: true });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await srv?.close();
    await durable?.close();
    await site?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function openApp(context: BrowserContext, title: string): Promise<Page> {
    const page = await context.newPage();
    await page.setViewportSize({ width: 360, height: 200 });
    await page.goto(`${site.url}/app.html?server=${encodeURIComponent(srv.url)}&title=${title}`);
    await page.waitForFunction(() => document.title === 'ready' || document.title.startsWith('failed'));
    expect(await page.title()).toBe('ready');
    return page;
  }

  const names = (page: Page) => page.evaluate(() => (window as unknown as Win).app.names());
  const waitFor = (page: Page, name: string) =>
    page.waitForFunction((n) => (window as unknown as Win).app.names().includes(n), name);
  const durableNames = async () =>
    (await durable.context().fetch(Todo, 'true ORDER BY name')).map((t) => t.name);

  it('syncs two pages (two browser profiles) through a SocketServer', async () => {
    const [ca, cb] = [await browser.newContext(), await browser.newContext()];
    const a = await openApp(ca, 'Device A');
    const b = await openApp(cb, 'Device B');
    await a.evaluate(() => (window as unknown as Win).app.ready());
    await b.evaluate(() => (window as unknown as Win).app.ready());
    const id = await a.evaluate(() => (window as unknown as Win).app.create('Buy milk', 1));
    await waitFor(b, 'Buy milk');
    await b.evaluate((i) => (window as unknown as Win).app.rename(i, 'Buy oat milk'), id);
    await waitFor(a, 'Buy oat milk');
    expect(await names(a)).toEqual(['Buy oat milk']);
    expect(await durableNames()).toEqual(['Buy oat milk']);
    await a.screenshot({ path: join(IMAGES, 'browser-two-devices.png') });
    await ca.close();
    await cb.close();
  });

  it('keeps an edit made offline across a reload and syncs it on reconnect', async () => {
    const ctx = await browser.newContext();
    const page = await openApp(ctx, 'Offline');
    await page.evaluate(() => (window as unknown as Win).app.ready());
    await waitFor(page, 'Buy oat milk');
    const port = srv.port;
    await srv.close();
    await page.waitForFunction(() => !(window as unknown as Win).app.online());
    await page.evaluate(() => (window as unknown as Win).app.create('Written offline', 2));
    expect(await page.evaluate(() => (window as unknown as Win).app.pending())).toBe(1);
    await page.reload();
    await page.waitForFunction(() => document.title === 'ready');
    // Read back from IndexedDB with no server: the offline edit and its queued commit survived the reload.
    expect(await names(page)).toEqual(['Buy oat milk', 'Written offline']);
    await page.waitForFunction(() => (window as unknown as Win).app.pending() === 1);
    await page.screenshot({ path: join(IMAGES, 'browser-offline-reload.png') });
    expect(await durableNames()).toEqual(['Buy oat milk']);
    srv = await SocketServer.listen(durable, { port, host: '127.0.0.1' });
    await page.waitForFunction(() => (window as unknown as Win).app.pending() === 0, undefined, {
      timeout: 20_000,
    });
    expect(await durableNames()).toEqual(['Buy oat milk', 'Written offline']);
    await ctx.close();
  }, 60_000);

  it('shares one connection among tabs, relays edits between them, and fails over when the leader closes', async () => {
    // `connections` counts open connections: the pages of the tests before must have gone first.
    await waitUntil(() => srv.connections === 0, 'the earlier pages to disconnect');
    const ctx = await browser.newContext();
    const before = srv.connections;
    const t1 = await openApp(ctx, 'Tab 1');
    await t1.evaluate(() => (window as unknown as Win).app.ready());
    const t2 = await openApp(ctx, 'Tab 2');
    await t2.evaluate(() => (window as unknown as Win).app.ready());
    expect(await t1.evaluate(() => (window as unknown as Win).app.role())).toBe('leader');
    expect(await t2.evaluate(() => (window as unknown as Win).app.role())).toBe('follower');
    // Each tab keeps its own database (the first is held by tab 1).
    expect(await t2.evaluate(() => (window as unknown as Win).app.database)).toBe('e2e~2');
    expect(srv.connections - before).toBe(1);
    const id = await t2.evaluate(() => (window as unknown as Win).app.create('From tab 2', 3));
    await waitFor(t1, 'From tab 2');
    await t1.evaluate((i) => (window as unknown as Win).app.rename(i, 'Renamed in tab 1'), id);
    await waitFor(t2, 'Renamed in tab 1');
    expect(srv.connections - before).toBe(1);
    await t2.screenshot({ path: join(IMAGES, 'browser-shared-tabs.png') });
    await t1.close();
    await t2.waitForFunction(() => (window as unknown as Win).app.role() === 'leader');
    await t2.evaluate(() => (window as unknown as Win).app.ready());
    await t2.evaluate(() => (window as unknown as Win).app.create('After failover', 4));
    expect(await durableNames()).toContain('After failover');
    expect(srv.connections - before).toBe(1);
    await ctx.close();
  }, 60_000);

  it('hands the lead to another tab when the leader closes its node without conn.close()', async () => {
    await waitUntil(() => srv.connections === 0, 'the earlier pages to disconnect');
    const ctx = await browser.newContext();
    const t1 = await openApp(ctx, 'Closing');
    await t1.evaluate(() => (window as unknown as Win).app.ready());
    const t2 = await openApp(ctx, 'Next');
    await t2.evaluate(() => (window as unknown as Win).app.ready());
    expect(await t1.evaluate(() => (window as unknown as Win).app.role())).toBe('leader');
    // The tab stays open; only its node closes. Its socket and the leader lock must go with it.
    await t1.evaluate(() => (window as unknown as Win).app.closeNode());
    await t2.waitForFunction(() => (window as unknown as Win).app.role() === 'leader');
    await t2.evaluate(() => (window as unknown as Win).app.ready());
    await t2.evaluate(() => (window as unknown as Win).app.create('After the node closed', 6));
    expect(await durableNames()).toContain('After the node closed');
    await waitUntil(() => srv.connections === 1, "the closed node's socket to go, the new leader's to stay");
    await ctx.close();
  }, 60_000);

  it("ends a follower tab's live queries on the server when the tab dies without conn.close()", async () => {
    await waitUntil(() => srv.connections === 0, 'the earlier pages to disconnect');
    // Watches on the durable node: each live query open in a tab holds one there (through the leader).
    const watches = () => internals(durable).reactor.size;
    await waitUntil(() => watches() === 0, 'the earlier pages to end their live queries');
    const ctx = await browser.newContext();
    const leader = await openApp(ctx, 'Leader');
    await leader.evaluate(() => (window as unknown as Win).app.ready());
    const closed = await openApp(ctx, 'Closed');
    expect(await closed.evaluate(() => (window as unknown as Win).app.role())).toBe('follower');
    await waitUntil(() => watches() === 2, "the follower's live query to reach the server");
    // Closed with no unload handling: the page never calls conn.close(), no 'bye' goes out.
    await closed.close();
    await waitUntil(() => watches() === 1, "the closed tab's live query to end on the server");

    const crashed = await openApp(ctx, 'Crashed');
    await waitUntil(() => watches() === 2, "the second follower's live query to reach the server");
    const cdp = await ctx.newCDPSession(crashed);
    void cdp.send('Page.crash').catch(() => undefined);
    await waitUntil(() => watches() === 1, "the crashed tab's live query to end on the server");

    // A follower (watched by the leader) becomes the leader: it serves and is served as before.
    const next = await openApp(ctx, 'Next');
    await waitUntil(() => watches() === 2, "the third follower's live query to reach the server");
    await leader.close();
    await next.waitForFunction(() => (window as unknown as Win).app.role() === 'leader');
    await next.evaluate(() => (window as unknown as Win).app.ready());
    await waitUntil(() => watches() === 1, "the new leader's live query alone on the server");
    const last = await openApp(ctx, 'Last');
    await waitUntil(() => watches() === 2, 'a follower of the new leader to subscribe');
    await last.evaluate(() => (window as unknown as Win).app.create('Via the new leader', 5));
    await waitFor(next, 'Via the new leader');
    await last.close();
    await waitUntil(() => watches() === 1, "the new leader to end its closed follower's live query");
    await ctx.close();
  }, 60_000);
});
