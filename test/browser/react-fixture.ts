import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Page } from 'playwright-core';
import { buildAlbums } from '../../samples/react-albums/build';

/** Builds the React albums sample into a temporary folder; `remove()` deletes it. */
export async function builtSample(dev: boolean): Promise<{ dir: string; remove(): void }> {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-react-'));
  await buildAlbums({ outdir: dir, dev });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Opens the sample and waits until its list shows `count` loaded rows. */
export async function openLoaded(page: Page, url: string, count: number): Promise<void> {
  await page.goto(url);
  await rowsShown(page, count);
}

/** Waits until the list is loaded with `count` rows. */
export async function rowsShown(page: Page, count: number): Promise<void> {
  await page.waitForSelector(`table[data-loaded="true"][data-count="${count}"]`);
  await page.waitForFunction((n) => document.querySelectorAll('tbody tr').length === n, count);
}

/** The id of the row whose name cell reads `name`. */
export async function rowId(page: Page, name: string): Promise<string> {
  const id = await page
    .locator('tbody tr', { has: page.locator('td', { hasText: new RegExp(`^${name}$`) }) })
    .getAttribute('data-id');
  if (!id) throw new TypeError(`no row named ${name}`);
  return id;
}

/** Commits per row component so far (counted by the sample in a layout effect). */
export function renders(page: Page): Promise<Record<string, number>> {
  return page.evaluate(() => ({
    ...(globalThis as { albumsProbe?: { renders: Record<string, number> } }).albumsProbe?.renders,
  }));
}

/** Polls `condition` until true (a condition to wait on, not a timed sleep); fails after `ms`. */
export { waitUntil as until } from '../fixtures/poll';
