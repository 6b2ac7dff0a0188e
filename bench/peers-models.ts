/* Models and seeded data shared by the peers-like benchmark and its heap child process. */
import 'reflect-metadata';
import { random } from './stats';
import { type Context, Field, Model, Text } from 'ankurah';

/** An album as the issue describes it: name of 20 chars, artist of 500, year 1950–2049; `year` indexed. */
@Model('plalbum')
export class PlAlbum {
  @Field() name!: string;
  @Field() artist!: string;
  @Field({ index: true }) year!: number;
}

/** The same album without an index on `year`. */
@Model('plalbumnx')
export class PlAlbumNx {
  @Field() name!: string;
  @Field() artist!: string;
  @Field() year!: number;
}

/** One collaborative text field. */
@Model('pldoc')
export class PlDoc {
  @Text() body!: string;
}

export interface AlbumData {
  readonly name: string;
  readonly artist: string;
  readonly year: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** `n` albums from seed 42: names of 20 lower-case letters, one of 500 artists, years 1950–2049. */
export function albums(n: number, seed = 42): AlbumData[] {
  const rnd = random(seed);
  const out: AlbumData[] = [];
  for (let i = 0; i < n; i++) {
    let name = '';
    for (let c = 0; c < 20; c++) name += LETTERS[Math.floor(rnd() * 26)];
    out.push({ name, artist: `Artist ${Math.floor(rnd() * 500)}`, year: 1950 + Math.floor(rnd() * 100) });
  }
  return out;
}

/** Creates the albums in transactions of 10,000; returns their ids in order. */
export async function createAll(
  ctx: Context,
  model: typeof PlAlbum | typeof PlAlbumNx,
  data: readonly AlbumData[],
): Promise<string[]> {
  const ids: string[] = [];
  for (let b = 0; b < data.length; b += 10_000) {
    const trx = ctx.begin();
    for (let i = b; i < Math.min(data.length, b + 10_000); i++)
      ids.push((await trx.create(model, { ...data[i]! })).id);
    await trx.commit();
  }
  return ids;
}
