import { firstValueFrom, type Observable, skip, take, toArray } from 'rxjs';
import { type ChangeSet, type Context, type LiveQuery, type View } from 'ankurah';
import { Album } from '../../fixtures/models';

/** Creates albums in one transaction; resolves to their ids in order. */
export async function createAlbums(
  ctx: Context,
  rows: readonly { name: string; year: number; artist?: string }[],
): Promise<string[]> {
  const trx = ctx.begin();
  const ids: string[] = [];
  for (const r of rows) ids.push((await trx.create(Album, { artist: 'x', notes: '', ...r })).id);
  await trx.commit();
  return ids;
}

/** Edits several albums in one commit. */
export async function editAlbums(ctx: Context, edits: Record<string, Partial<Album>>): Promise<void> {
  const trx = ctx.begin();
  for (const [id, patch] of Object.entries(edits)) Object.assign(await trx.edit(Album, id), patch);
  await trx.commit();
}

export const names = (views: readonly View<Album>[]): string[] => views.map((v) => v.name);

/** "kind name" per change, for compact assertions. */
export const kinds = (c: ChangeSet<Album>): string[] => c.changes.map((x) => `${x.kind} ${x.view.name}`);

/** A ChangeSet as it read when it was emitted (views are live, so they are read at once). */
export interface Recorded {
  readonly set: ChangeSet<Album>;
  readonly initial: boolean;
  readonly kinds: string[];
  readonly names: string[];
}

/** Records every ChangeSet of a live query as it reads when emitted. */
export function record(q: LiveQuery<Album>): Recorded[] {
  const out: Recorded[] = [];
  q.subscribe((set) => out.push({ set, initial: set.initial, kinds: kinds(set), names: names(set.items) }));
  return out;
}

/** The next `n` values of an observable, after skipping `skipped`. */
export function next<T>(o: Observable<T>, n = 1, skipped = 0): Promise<T[]> {
  return firstValueFrom(o.pipe(skip(skipped), take(n), toArray()));
}
