/* The live board: a writer plays tracks while a TopTracksService keeps a top three live and prints each change. */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { Track } from './models';
import { TopTracksService } from './top-tracks.service';

/** What the board printed, so a test can check the sample. */
export interface BoardRun {
  readonly changeSets: string[];
  readonly finalBoard: string[];
}

/** Runs the board for `plays` random plays (seeded) and returns what it printed. */
export async function liveBoard(plays = 40, print: (line: string) => void = console.log): Promise<BoardRun> {
  const node = await Node.durable(new MemoryStorage(), { models: [Track] });
  const ctx = node.context();
  const board = new TopTracksService(ctx);
  const changeSets: string[] = [];
  let finalBoard: string[] = [];
  board.query.subscribe((changes) => {
    changeSets.push(changes.toString());
    print(changes.toString());
  });
  board.lines$.subscribe((lines) => (finalBoard = lines));
  await board.ready();

  // "Another part of the program": a writer that knows nothing about the board.
  const tracks = ctx.collection(Track);
  const ids: string[] = [];
  for (const [title, artist] of [
    ['Plug In Baby', 'Muse'],
    ['Hyperballad', 'Björk'],
    ['Kiss', 'Prince'],
    ['Windowlicker', 'Aphex Twin'],
    ['Teardrop', 'Massive Attack'],
  ] as const) {
    ids.push((await tracks.create({ title, artist, plays: 0 })).id);
  }
  let seed = 42;
  const next = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  for (let i = 0; i < plays; i++) {
    const id = ids[Math.floor(next() * ids.length)] as string;
    await tracks.edit(id, (t) => {
      t.plays += 1 + Math.floor(next() * 3);
    });
  }
  print('\nFinal board:');
  finalBoard.forEach((l) => print(l));
  board.destroy();
  await node.close();
  return { changeSets, finalBoard };
}

if (require.main === module) {
  liveBoard().catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  });
}
