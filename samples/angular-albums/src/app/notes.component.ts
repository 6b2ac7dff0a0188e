import { Component, type ElementRef, effect, inject, input, viewChild } from '@angular/core';
import { toObservable, toSignal } from '@angular/core/rxjs-interop';
import { switchMap } from 'rxjs';
import { type View } from 'ankurah';
import { type Album } from '../../models';
import { AlbumsService } from './albums.service';

/** The smallest single edit turning `before` into `after`: common prefix and suffix kept. */
export function textDiff(before: string, after: string): { at: number; remove: number; insert: string } {
  let start = 0;
  while (start < before.length && start < after.length && before[start] === after[start]) start++;
  let end = 0;
  while (
    end < before.length - start &&
    end < after.length - start &&
    before[before.length - 1 - end] === after[after.length - 1 - end]
  )
    end++;
  return { at: start, remove: before.length - start - end, insert: after.slice(start, after.length - end) };
}

/**
 * The album's collaborative notes (`@Text`): local typing becomes text operations, and edits from other pages
 * merge into the box as they arrive (the caret stays where it was, relative to the text before it).
 */
@Component({
  selector: 'app-notes',
  template: `
    <label class="notes">
      <span>Notes (shared, edit in two windows)</span>
      <textarea #box rows="4" data-testid="notes" (input)="typed(box.value)"></textarea>
    </label>
  `,
})
export class NotesComponent {
  readonly #albums = inject(AlbumsService);
  readonly album = input.required<View<Album>>();
  private readonly box = viewChild.required<ElementRef<HTMLTextAreaElement>>('box');
  /** The notes as the node holds them, as a signal. */
  readonly #notes = toSignal(toObservable(this.album).pipe(switchMap((a) => a.observe('notes'))), {
    initialValue: '',
  });
  #shown = '';
  /** Local edits are committed one after another, each against the text the previous one produced. */
  #chain: Promise<void> = Promise.resolve();
  #inFlight = 0;

  constructor() {
    effect(() => this.#merge(this.#notes() ?? ''));
  }

  /** Shows the node's notes, unless local typing is still being committed (its result will arrive next). */
  #merge(remote: string): void {
    const box = this.box().nativeElement;
    if (this.#inFlight > 0 || remote === box.value) return;
    const caret = box.selectionStart;
    const d = textDiff(box.value, remote);
    box.value = remote;
    this.#shown = remote;
    const moved = caret <= d.at ? caret : Math.max(d.at, caret - d.remove + d.insert.length);
    box.setSelectionRange(moved, moved);
  }

  protected typed(value: string): void {
    const d = textDiff(this.#shown, value);
    this.#shown = value;
    const id = this.album().id;
    this.#inFlight++;
    this.#chain = this.#chain
      .then(() => this.#albums.editNotes(id, d.at, d.remove, d.insert))
      .catch((e: unknown) => console.error('notes edit failed', e))
      .finally(() => {
        if (--this.#inFlight === 0) this.#merge(this.#notes() ?? '');
      });
  }
}
