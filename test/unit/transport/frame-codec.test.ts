import { ProtocolError } from 'ankurah';
import { measureFrame } from '../../../src/protocol/frame-size';
import { packFrame, unpackFrame } from '../../../src/transport/frame-codec';

const bytes = (...b: number[]): Uint8Array => new Uint8Array(b);

describe('frame codec', () => {
  it('moves every binary value into one attachment and back, without touching the frame', () => {
    const states = Array.from({ length: 25 }, (_, i) => ({ id: `e${i}`, text: { notes: bytes(i, i + 1) } }));
    const frame = { id: 3, ok: true, result: { states, gone: [] } };
    const packed = packFrame(frame);
    expect(packed.bytes).toBe((measureFrame(frame, Infinity, Infinity) as { bytes: number }).bytes);
    expect(packed.args).toHaveLength(2);
    const [wire, attachment] = packed.args as unknown as [typeof frame, { at: unknown[]; bytes: Uint8Array }];
    expect(attachment.at).toHaveLength(25);
    expect(attachment.bytes.byteLength).toBe(50);
    expect(wire.result.states[0]?.text.notes).toBe(0);
    expect(frame.result.states[0]?.text.notes).toEqual(bytes(0, 1)); // the original is intact
    const back = unpackFrame(structuredClone(wire), attachment, 64) as typeof frame;
    expect(back.result.states.map((s) => [...s.text.notes])).toEqual(states.map((s) => [...s.text.notes]));
  });

  it('leaves a frame without binary values as it is', () => {
    const frame = { id: 1, kind: 'get', collection: 'album', entityId: 'x' };
    expect(packFrame(frame).args).toEqual([frame]);
    expect(packFrame(frame).args[0]).toBe(frame);
  });

  it('refuses hostile attachments with ProtocolError', () => {
    const attach = (at: unknown, len: unknown = [1], b: unknown = bytes(1)) => ({ at, len, bytes: b });
    const cases: [unknown, unknown][] = [
      [{ a: 0 }, null],
      [{ a: 0 }, attach([['a']], [1], 'AQ==')],
      [{ a: 0 }, attach([['a']], [2])],
      [{ a: 0 }, attach([['a']], [0])],
      [{ a: 1 }, attach([['a']])],
      [{ a: 0 }, attach([['b']])],
      [{ a: 0 }, attach([[]])],
      [JSON.parse('{"__proto__": {"x": 0}}'), attach([['__proto__', 'x']])],
      [{ a: [0] }, attach([['a', '0']])],
      [{ a: [0] }, attach([['a', 1]])],
      [{ a: 'str' }, attach([['a', 'length']])],
      [{ a: 0 }, attach([Array.from({ length: 65 }, () => 'a')])],
    ];
    for (const [frame, attachment] of cases) {
      expect(() => unpackFrame(frame, attachment, 64)).toThrow(ProtocolError);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});
