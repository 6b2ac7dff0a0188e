/* The albums demo: models, transactions, validation, queries and history on one node. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Node, ValidationError } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from './models';

export async function albumsDemo(dir: string): Promise<void> {
  const file = join(dir, 'albums.db');
  console.log(`Storage: SQLite at ${file}`);
  const node = await Node.durable(await SqliteStorage.open(file), { models: [Album] });
  const ctx = node.context({ user: 'demo' });

  const trx = ctx.begin();
  const origin = await trx.create(Album, {
    name: 'Origin of Symmetry',
    artist: 'Muse',
    year: 2001,
    notes: '',
  });
  await trx.create(Album, {
    name: 'Absolution',
    artist: 'Muse',
    year: 2003,
    notes: '',
    meta: { tags: ['live'] },
  });
  await trx.create(Album, { name: 'Homogenic', artist: 'Björk', year: 1997, notes: '' });
  await trx.create(Album, { name: 'Purple Rain', artist: 'Prince', year: 1984, notes: '' });
  await trx.commit();
  console.log('Created 4 albums in one transaction.');

  const edit = ctx.begin();
  const m = await edit.edit(Album, origin.id);
  m.rating = 5;
  m.text('notes').insert(0, 'remastered in 2021');
  await edit.commit();
  console.log(`Edited: ${(await ctx.get(Album, origin.id)).title}, rating 5, notes "${m.notes}"`);

  const undone = ctx.begin();
  (await undone.edit(Album, origin.id)).year = 1901;
  undone.rollback();
  console.log(`Rolled back an edit: year is still ${(await ctx.get(Album, origin.id)).year}`);

  const bad = ctx.begin();
  await bad.create(Album, { name: '', artist: 'Nobody', year: 1800, notes: '' });
  await bad.commit().catch((e: unknown) => {
    if (!(e instanceof ValidationError)) throw e;
    console.log(`Rejected an invalid album:\n${e.message}`);
  });

  const query = "year > 1985 AND (artist = 'Muse' OR artist IN ('Prince', 'Björk')) ORDER BY year DESC";
  console.log(`\nQuery: ${query}`);
  for (const v of await ctx.fetch(Album, query)) console.log(`  ${v.title}`);
  const tagged = await ctx.fetch(Album, 'meta.tags = ?', 'live');
  console.log(`Tagged 'live': ${tagged.map((v) => v.name).join(', ')}`);

  console.log('\nHistory of Origin of Symmetry:');
  for (const e of await ctx.history(Album, origin.id)) {
    const what = Object.keys({ ...e.operations.lww, ...e.operations.text }).join(', ');
    console.log(
      `  ${e.id} parents=[${e.parents.join(', ')}] ${e.parents.length === 0 ? 'created' : `set ${what}`}`,
    );
  }
  await node.close();

  const reopened = await Node.durable(await SqliteStorage.open(file), { models: [Album] });
  const again = reopened.context();
  const all = await again.fetch(Album, 'true ORDER BY year');
  const events = await again.history(Album, origin.id);
  console.log(`\nReopened the database: ${all.length} albums (years ${all.map((a) => a.year).join(', ')}),`);
  console.log(
    `  ${events.length} events of history for Origin of Symmetry, head ${all.find((a) => a.id === origin.id)?.head.join(',')}`,
  );
  await reopened.close();
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-demo-'));
  try {
    await albumsDemo(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
