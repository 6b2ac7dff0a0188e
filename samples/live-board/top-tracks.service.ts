import { type Observable, map } from 'rxjs';
import { type Context, type LiveQuery, type View } from 'ankurah';
import { Track } from './models';

/**
 * An Angular-style service: it owns a live query and exposes observables a template binds to with
 * `| async` (`tracks$ | async`). No Angular dependency is needed; in an app it would be `@Injectable()`,
 * receive the Context by injection and call `destroy()` from `ngOnDestroy`.
 */
export class TopTracksService {
  readonly #query: LiveQuery<Track>;
  /** The most played tracks, most played first; a new array on every change. */
  readonly tracks$: Observable<readonly View<Track>[]>;
  /** One line per track, ready for a template or a console. */
  readonly lines$: Observable<string[]>;

  constructor(ctx: Context, size = 3, minPlays = 1) {
    this.#query = ctx.query(Track, 'plays >= ? ORDER BY plays DESC, title LIMIT ?', minPlays, size);
    this.tracks$ = this.#query.items$;
    this.lines$ = this.tracks$.pipe(
      map((tracks) =>
        tracks.map((t, i) => `${String(i + 1).padStart(2)}. ${t.title} (${t.artist}) ${t.plays}`),
      ),
    );
  }

  /** The live query itself, for callers that want ChangeSets. */
  get query(): LiveQuery<Track> {
    return this.#query;
  }

  /** Resolves once the first list is in. */
  ready(): Promise<void> {
    return this.#query.loaded;
  }

  destroy(): void {
    this.#query.unsubscribe();
  }
}
