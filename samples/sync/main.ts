/* The sync scene: a durable SQLite server and two clients over Socket.IO, one writing, the other watching. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { firstValueFrom, filter } from 'rxjs';
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { SocketServer } from 'ankurah/server';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album } from '../albums/models';

/** Runs the scene and prints what the watching client's live query sees. */
export async function runSyncScene(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-sync-'));
  const server = await Node.durable(await SqliteStorage.open(join(dir, 'server.db')), { models: [Album] });
  const srv = await SocketServer.listen(server, { port: 0, host: '127.0.0.1' });
  console.log(`Durable node ${server.id} serving SQLite at ${srv.url}`);

  const writer = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
  const watcher = await Node.ephemeral(new MemoryStorage(), { models: [Album] });
  const writerConn = await SocketClient.connect(writer, srv.url, { auth: { user: 'writer' } });
  const watcherConn = await SocketClient.connect(watcher, srv.url, { auth: { user: 'watcher' } });
  await Promise.all([writer.ready(), watcher.ready()]);

  const q = watcher.context().query(Album, 'year >= 2000 ORDER BY year');
  await q.loaded;
  const sub = q.subscribe((changes) => console.log(`  watcher sees: ${String(changes)}`));
  const seen = (pred: (items: typeof q.items) => boolean): Promise<unknown> =>
    firstValueFrom(q.items$.pipe(filter(pred)));

  const albums = writer.context().collection(Album);
  console.log('\nwriter creates three albums:');
  const origin = await albums.create({ name: 'Origin of Symmetry', artist: 'Muse', year: 2001, notes: '' });
  await albums.create({ name: 'Absolution', artist: 'Muse', year: 2003, notes: '' });
  await albums.create({ name: 'Showbiz', artist: 'Muse', year: 1999, notes: '' });
  await seen((items) => items.length === 2);
  console.log('\nwriter edits one (year and collaborative notes):');
  await albums.edit(origin.id, (m) => {
    m.year = 2002;
    m.text('notes').insert(0, 'remastered');
  });
  await seen((items) => items.some((a) => a.year === 2002));

  console.log('\nwatcher goes offline; writer keeps writing; watcher reconnects and catches up:');
  watcherConn.close();
  await albums.create({ name: 'Black Holes and Revelations', artist: 'Muse', year: 2006, notes: '' });
  const again = await SocketClient.connect(watcher, srv.url, { auth: { user: 'watcher' } });
  await seen((items) => items.length === 3);
  console.log(`\nwatcher's result: ${q.items.map((a) => `${a.name} (${a.year})`).join(', ')}`);

  sub.unsubscribe();
  q.unsubscribe();
  again.close();
  writerConn.close();
  await Promise.all([writer.close(), watcher.close()]);
  await srv.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
}

if (require.main === module) {
  runSyncScene().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
