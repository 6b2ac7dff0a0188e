import { AsyncPipe } from '@angular/common';
import { Component, computed, inject, signal } from '@angular/core';
import { toSignal } from '@angular/core/rxjs-interop';
import { AlbumFormComponent } from './album-form.component';
import { AlbumsService } from './albums.service';
import { NotesComponent } from './notes.component';

/** The page: the sync banner, the live list (async pipe), a signal summary, the forms and the notes. */
@Component({
  selector: 'app-root',
  imports: [AsyncPipe, AlbumFormComponent, NotesComponent],
  template: `
    <header>
      <h1>Albums <small>Angular + ankurah</small></h1>
      @if (sync$ | async; as sync) {
        @if (!sync.online) {
          <p class="banner offline" data-testid="offline-banner">
            Offline: edits are kept and will be sent when the server is back ({{ sync.pending }} queued)
          </p>
        } @else if (sync.pending > 0) {
          <p class="banner syncing" data-testid="syncing-banner">Syncing {{ sync.pending }} edit(s)…</p>
        } @else {
          <p class="banner online" data-testid="online-banner">Live: connected to the server</p>
        }
      }
    </header>
    <main>
      <section>
        <h2>
          All albums <small data-testid="summary">{{ summary() }}</small>
        </h2>
        <ul class="albums" data-testid="album-list">
          @for (a of albums.items$ | async; track a.id) {
            <li [class.selected]="a.id === selectedId()" [attr.data-testid]="'album-' + a.name">
              <span class="title">{{ a.name }}</span>
              <span class="meta"
                >{{ a.artist }} · <b data-testid="year">{{ a.year }}</b>
                @if (a.rating) {
                  · {{ a.rating }}★
                }
              </span>
              <button type="button" (click)="selectedId.set(a.id)" data-testid="edit">Edit</button>
              <button type="button" (click)="remove(a.id)" data-testid="delete">Delete</button>
            </li>
          } @empty {
            <li class="empty">No albums yet: add one.</li>
          }
        </ul>
        <h2>Add an album</h2>
        <app-album-form />
      </section>
      <section>
        @if (selected(); as album) {
          <h2>Editing “{{ album.name }}”</h2>
          <app-album-form [album]="album" />
          <app-notes [album]="album" />
          <button type="button" (click)="selectedId.set(undefined)">Close</button>
        } @else {
          <p class="hint">Choose an album to edit it and its shared notes.</p>
        }
      </section>
    </main>
  `,
})
export class AppComponent {
  protected readonly albums = inject(AlbumsService);
  protected readonly sync$ = this.albums.sync$;
  /** The same live query as a signal, for computed views. */
  protected readonly items = toSignal(this.albums.items$, { initialValue: [] });
  protected readonly selectedId = signal<string | undefined>(undefined);
  protected readonly selected = computed(() => this.items().find((a) => a.id === this.selectedId()));
  protected readonly summary = computed(() => {
    const items = this.items();
    const rated = items.filter((a) => a.rating != null);
    const avg = rated.length ? rated.reduce((s, a) => s + (a.rating ?? 0), 0) / rated.length : 0;
    return `${items.length} album(s)${rated.length ? `, average rating ${avg.toFixed(1)}` : ''}`;
  });

  protected remove(id: string): void {
    if (this.selectedId() === id) this.selectedId.set(undefined);
    void this.albums.remove(id);
  }
}
