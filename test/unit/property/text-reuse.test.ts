import * as Y from 'yjs';
import { UsageError } from '../../../src/errors/usage-error';
import { TextBackend } from '../../../src/property/text';
import { TextEditor } from '../../../src/property/text-editor';

function encode(s: string): Uint8Array {
  const d = new Y.Doc();
  d.clientID = 1;
  d.getText('t').insert(0, s);
  return Y.encodeStateAsUpdate(d);
}

/** A copy as an entity makes one: from the persistable state. */
function clone(backend: TextBackend): TextBackend {
  return new TextBackend(backend.state());
}

function decoded(bytes: Uint8Array): string {
  const d = new Y.Doc();
  Y.applyUpdate(d, bytes);
  return d.getText('t').toJSON();
}

describe('text: documents handed from one transaction to the next', () => {
  it('keeps every commit exact while later editors reuse earlier documents', () => {
    const primary = new TextBackend({ f: encode('hello') });
    let expected = 'hello';
    let previous: TextEditor | undefined;
    for (let i = 0; i < 20; i++) {
      const editor = new TextEditor(clone(primary).snapshot('f'), 7);
      if (previous) {
        // The superseded editor reports what it had and refuses edits.
        expect(previous.toString()).toBe(expected);
        expect(() => previous?.insert(0, 'x')).toThrow(UsageError);
      }
      editor.insert(i % 3, `${i}`);
      expected = expected.slice(0, i % 3) + `${i}` + expected.slice(i % 3);
      const clock = editor.clock;
      expect(primary.apply({ f: editor.update() as Uint8Array })).toEqual(['f']);
      expect(primary.value('f')).toBe(expected);
      expect(decoded(primary.state().f as Uint8Array)).toBe(expected);
      expect(editor.clock).toBe(clock);
      previous = editor;
    }
  });

  it('does not reuse an editor edited after its update was taken', () => {
    const primary = new TextBackend({ f: encode('abc') });
    const editor = new TextEditor(clone(primary).snapshot('f'), 7);
    editor.insert(0, 'x');
    const update = editor.update() as Uint8Array;
    editor.insert(0, 'y'); // not part of the committed update
    primary.apply({ f: update });
    expect(primary.value('f')).toBe('xabc');
    const next = new TextEditor(clone(primary).snapshot('f'), 7);
    expect(next.toString()).toBe('xabc');
    expect(editor.toString()).toBe('yxabc');
  });

  it('a clone keeps its text while the original changes', () => {
    const primary = new TextBackend({ f: encode('abc') });
    const editor = new TextEditor(clone(primary).snapshot('f'), 7);
    editor.insert(3, 'd');
    const before = clone(primary);
    primary.apply({ f: editor.update() as Uint8Array });
    expect(before.value('f')).toBe('abc');
    expect(primary.value('f')).toBe('abcd');
    expect(decoded(before.state().f as Uint8Array)).toBe('abc');
  });
});
