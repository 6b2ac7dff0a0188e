import { Component, effect, inject, input, output, signal } from '@angular/core';
import { FormControl, FormGroup, ReactiveFormsModule } from '@angular/forms';
import { AnkurahError, ValidationError, type View } from 'ankurah';
import { type Album } from '../../models';
import { type AlbumInput, AlbumsService } from './albums.service';

type FieldName = keyof AlbumInput;

/**
 * Creates an album, or edits `album` when given. There are no Angular validators: the model's class-validator
 * rules run at commit, and a ValidationError's violations are shown under the fields they name.
 */
@Component({
  selector: 'app-album-form',
  imports: [ReactiveFormsModule],
  template: `
    <form [formGroup]="form" (ngSubmit)="save()" [attr.data-testid]="album() ? 'edit-form' : 'create-form'">
      @for (f of fields; track f.name) {
        <label>
          <span>{{ f.label }}</span>
          <input [type]="f.type" [formControlName]="f.name" [attr.data-testid]="'field-' + f.name" />
          @for (msg of errors()[f.name] ?? []; track msg) {
            <small class="error" [attr.data-testid]="'error-' + f.name">{{ msg }}</small>
          }
        </label>
      }
      @if (failure()) {
        <p class="error" data-testid="form-failure">{{ failure() }}</p>
      }
      <button type="submit" data-testid="save">{{ album() ? 'Save changes' : 'Add album' }}</button>
    </form>
  `,
})
export class AlbumFormComponent {
  readonly #albums = inject(AlbumsService);
  /** The album to edit; none: the form creates one. */
  readonly album = input<View<Album> | undefined>(undefined);
  readonly saved = output<string>();

  protected readonly fields: readonly { name: FieldName; label: string; type: string }[] = [
    { name: 'name', label: 'Name', type: 'text' },
    { name: 'artist', label: 'Artist', type: 'text' },
    { name: 'year', label: 'Year', type: 'number' },
    { name: 'rating', label: 'Rating (1–5)', type: 'number' },
  ];
  protected readonly form = new FormGroup({
    name: new FormControl('', { nonNullable: true }),
    artist: new FormControl('', { nonNullable: true }),
    year: new FormControl('', { nonNullable: true }),
    rating: new FormControl('', { nonNullable: true }),
  });
  /** class-validator messages by field, from the last rejected commit. */
  protected readonly errors = signal<Partial<Record<string, string[]>>>({});
  protected readonly failure = signal('');

  constructor() {
    effect(() => {
      const a = this.album();
      this.errors.set({});
      if (a)
        this.form.setValue({
          name: a.name,
          artist: a.artist,
          year: `${a.year}`,
          rating: `${a.rating ?? ''}`,
        });
    });
  }

  protected async save(): Promise<void> {
    const v = this.form.getRawValue();
    // Inputs hold text; an empty or non-numeric year reaches the model as NaN and fails its @IsInt rule.
    const input: AlbumInput = {
      name: v.name,
      artist: v.artist,
      year: Number(v.year === '' ? Number.NaN : v.year),
    };
    if (v.rating.trim() !== '') input.rating = Number(v.rating);
    this.errors.set({});
    this.failure.set('');
    try {
      const editing = this.album();
      if (editing) {
        await this.#albums.update(editing.id, input);
        this.saved.emit(editing.id);
      } else {
        this.saved.emit(await this.#albums.create(input));
        this.form.reset();
      }
    } catch (e) {
      if (e instanceof ValidationError) {
        const byField: Record<string, string[]> = {};
        for (const v of e.violations) (byField[v.field] ??= []).push(...Object.values(v.constraints));
        this.errors.set(byField);
      } else if (e instanceof AnkurahError) {
        this.failure.set(e.message);
      } else {
        throw e;
      }
    }
  }
}
