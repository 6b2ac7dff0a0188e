import { Injectable, type OnDestroy, inject } from '@angular/core';
import { type Observable, combineLatest, map } from 'rxjs';
import { type LiveQuery, type View } from 'ankurah';
import { Album } from '../../models';
import { AnkurahClient } from './ankurah-client';

/** What the form edits: the scalar fields of an album. */
export interface AlbumInput {
  name: string;
  artist: string;
  year: number;
  rating?: number;
}

/** The connection banner's state. */
export interface SyncState {
  readonly online: boolean;
  readonly pending: number;
}

/**
 * Albums for the app: one live query whose `items$` the templates bind with `| async` (or read as a signal
 * with `toSignal`), and the writes. Every write is a transaction; a class-validator failure rejects it with a
 * ValidationError (nothing is kept), which the forms show per field.
 */
@Injectable({ providedIn: 'root' })
export class AlbumsService implements OnDestroy {
  readonly #client = inject(AnkurahClient);
  readonly #query: LiveQuery<Album> = this.#client.context.query(Album, 'true ORDER BY name');

  /** Every album, by name; a new array after each change, local or remote. */
  readonly items$: Observable<readonly View<Album>[]> = this.#query.items$;

  /** Online/offline and the number of edits queued while offline. */
  readonly sync$: Observable<SyncState> = combineLatest([
    this.#client.connected$,
    this.#client.pending$,
  ]).pipe(map(([online, pending]) => ({ online, pending })));

  async create(input: AlbumInput): Promise<string> {
    const trx = this.#client.context.begin();
    const album = await trx.create(Album, { ...input, notes: '' });
    await trx.commit();
    return album.id;
  }

  async update(id: string, patch: Partial<AlbumInput>): Promise<void> {
    const trx = this.#client.context.begin();
    const album = await trx.edit(Album, id);
    Object.assign(album, patch);
    await trx.commit();
  }

  async remove(id: string): Promise<void> {
    const trx = this.#client.context.begin();
    await trx.delete(Album, id);
    await trx.commit();
  }

  /** Applies one text edit to the collaborative notes (concurrent edits by others merge). */
  async editNotes(id: string, at: number, remove: number, insert: string): Promise<void> {
    const trx = this.#client.context.begin();
    const notes = (await trx.edit(Album, id)).text('notes');
    if (remove > 0) notes.delete(at, remove);
    if (insert) notes.insert(at, insert);
    await trx.commit();
  }

  ngOnDestroy(): void {
    this.#query.unsubscribe();
  }
}
