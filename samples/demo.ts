/* `npm run demo`: the albums demo on embedded SQLite, the live board, then the sync scene over Socket.IO. */
import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { albumsDemo } from './albums/main';
import { liveBoard } from './live-board/main';
import { runSyncScene } from './sync/main';

async function main(): Promise<void> {
  console.log('=== 1. Albums: models, transactions, validation, queries, history (SQLite) ===\n');
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-demo-'));
  try {
    await albumsDemo(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  console.log(
    '\n=== 2. Live board: a live query printing every change as another part of the program writes ===\n',
  );
  await liveBoard(12);
  console.log('\n=== 3. Sync: a durable SQLite server and two clients over Socket.IO on 127.0.0.1 ===\n');
  await runSyncScene();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
