import * as Y from 'yjs';
import { TextBackend } from '../../../src/property/text';
import { TextEditor } from '../../../src/property/text-editor';

function encode(s: string): Uint8Array {
  const d = new Y.Doc();
  d.clientID = 1;
  d.getText('t').insert(0, s);
  return Y.encodeStateAsUpdate(d);
}

function decoded(bytes: Uint8Array | undefined): string {
  const d = new Y.Doc();
  if (bytes) Y.applyUpdate(d, bytes);
  return d.getText('t').toJSON();
}

/** A copy as an entity makes one: from the persistable state. */
function clone(backend: TextBackend): TextBackend {
  return new TextBackend(backend.state());
}

/** One transaction: an editor on a copy of `primary`, one edit, its update applied to `primary`. */
function commit(primary: TextBackend, edit: (e: TextEditor) => void): TextEditor {
  const editor = new TextEditor(clone(primary).snapshot('f'), 7);
  edit(editor);
  expect(primary.apply({ f: editor.update() as Uint8Array })).toEqual(['f']);
  return editor;
}

describe('text: snapshots encoded on demand', () => {
  it('encodes a state read long after it was taken as the document was then', () => {
    const primary = new TextBackend({ f: encode('x'.repeat(2000)) });
    let expected = 'x'.repeat(2000);
    const states: [Readonly<Record<string, Uint8Array>>, string][] = [];
    // Enough commits that the chain of updates behind a state is compacted several times.
    for (let i = 0; i < 300; i++) {
      const at = (i * 37) % expected.length;
      commit(primary, (e) => e.insert(at, `${i % 10}`));
      expected = expected.slice(0, at) + `${i % 10}` + expected.slice(at);
      if (i % 7 === 0) states.push([primary.state(), expected]);
    }
    expect(primary.value('f')).toBe(expected);
    for (const [state, text] of states) {
      expect(decoded(state.f)).toBe(text);
      expect(new TextBackend(state).value('f')).toBe(text);
    }
    // A backend rebuilt from a bare encoding (as storage returns it) edits on as the original does.
    const reloaded = new TextBackend({ f: primary.state().f as Uint8Array });
    commit(reloaded, (e) => e.delete(0, 5));
    expect(reloaded.value('f')).toBe(expected.slice(5));
    expect(primary.value('f')).toBe(expected);
  });

  it('leaves a snapshot intact when a malformed update fails on its shared document', () => {
    const primary = new TextBackend({ f: encode('abc') });
    commit(primary, (e) => e.insert(3, 'd'));
    const copy = clone(primary);
    expect(() => copy.apply({ f: new Uint8Array([1, 1, 200, 200, 200, 200, 1, 4, 9]) })).toThrow();
    expect(primary.value('f')).toBe('abcd');
    expect(decoded(primary.state().f)).toBe('abcd');
    commit(primary, (e) => e.insert(0, '>'));
    expect(primary.value('f')).toBe('>abcd');
    expect(decoded(primary.state().f)).toBe('>abcd');
  });

  it('gives a second editor of the same snapshot its own copy; both edits merge', () => {
    const primary = new TextBackend({ f: encode('hello') });
    const base = clone(primary).snapshot('f');
    const first = new TextEditor(base, 7);
    const second = new TextEditor(base, 8);
    first.insert(0, 'A');
    second.insert(5, 'B');
    expect(first.toString()).toBe('Ahello');
    expect(second.toString()).toBe('helloB');
    primary.apply({ f: first.update() as Uint8Array });
    expect(primary.apply({ f: second.update() as Uint8Array })).toEqual(['f']);
    expect(primary.value('f')).toBe('AhelloB');
    expect(decoded(primary.state().f)).toBe('AhelloB');
    expect(first.toString()).toBe('Ahello');
  });

  it("keeps an editor's string equal to the document's when an edit splits a surrogate pair", () => {
    const primary = new TextBackend({ f: encode('a😀b😀c') });
    const editor = commit(primary, (e) => {
      e.insert(2, 'x');
      e.delete(5, 1);
    });
    const doc = new Y.Doc();
    Y.applyUpdate(doc, encode('a😀b😀c'));
    Y.applyUpdate(doc, editor.update() as Uint8Array);
    const actual = doc.getText('t').toJSON();
    expect(editor.toString()).toBe(actual);
    expect(primary.value('f')).toBe(actual);
    expect(editor.length).toBe(actual.length);
  });

  it('reads a state produced by a clone from the snapshots, not by decoding', () => {
    const primary = new TextBackend({ f: encode('abc') });
    commit(primary, (e) => e.insert(0, 'z'));
    const state = primary.state();
    expect(Object.keys(state)).toEqual(['f']);
    expect(new TextBackend(state).snapshot('f')).toBe(primary.snapshot('f'));
    expect(decoded(state.f)).toBe('zabc');
  });
});
