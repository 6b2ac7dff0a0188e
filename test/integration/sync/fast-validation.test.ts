import fc from 'fast-check';
import { newId } from '../../../src/event/ids';
import { fastRemoteStates } from '../../../src/protocol/fast-states';
import { fastRequest } from '../../../src/protocol/fast-requests';
import { DEFAULT_LIMITS } from '../../../src/protocol/limits';
import { requestSchema } from '../../../src/protocol/messages';
import { remoteStatesSchema as pushSchema } from '../../../src/protocol/wire-schemas';

// The hand-written validators must never accept what zod refuses, and must build what zod builds.

const schema = requestSchema(DEFAULT_LIMITS);
const entity = newId();
const event = newId();
const dropped = newId();

function push(): Record<string, unknown> {
  return {
    seq: 3,
    gone: [{ collection: 'album', id: dropped }],
    states: [
      {
        id: entity,
        collection: 'album',
        head: [event, entity],
        deleted: false,
        lww: { name: [['A', entity]], year: [[2001, event]] },
        text: { notes: 'AQHx8e0PAAQBAXQAAA==', bio: new Uint8Array([1, 0]) },
        values: { name: 'A', year: 2001, notes: '', bio: '', tags: { a: [1, null] } },
      },
    ],
  };
}

function commit(): Record<string, unknown> {
  return {
    id: 7,
    kind: 'commit',
    events: [
      { id: entity, entityId: entity, collection: 'album', parents: [], operations: { lww: { year: 1 } } },
      {
        id: event,
        entityId: entity,
        collection: 'album',
        parents: [entity],
        operations: { text: { notes: 'AQHx8e0PAAQBAXQAAA==' }, delete: true },
      },
    ],
  };
}

/** A deep copy made in this realm (structuredClone's objects would come from another realm under jest). */
function clone(v: unknown): unknown {
  if (v instanceof Uint8Array) return new Uint8Array(v);
  if (Array.isArray(v)) return v.map(clone);
  if (typeof v !== 'object' || v === null) return v;
  return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, clone(x)]));
}

/** Sets `value` at a path of a deep copy of `frame` (creating nothing: the path must exist). */
function mutate(frame: unknown, path: readonly number[], value: unknown): unknown {
  const copy = clone(frame);
  let node: unknown = copy;
  for (let i = 0; i < path.length; i++) {
    if (typeof node !== 'object' || node === null) return copy;
    const keys = Object.keys(node);
    if (keys.length === 0) return copy;
    const key = keys[(path[i] as number) % keys.length] as string;
    if (i === path.length - 1) (node as Record<string, unknown>)[key] = value;
    else node = (node as Record<string, unknown>)[key];
  }
  return copy;
}

const values = fc.oneof(
  fc.constant(undefined),
  fc.constant(null),
  fc.constant(NaN),
  fc.constant(-1),
  fc.constant('x'),
  fc.constant('AQ=='),
  fc.constant('not base64!'),
  fc.constant(newId()),
  fc.constant([]),
  fc.constant({}),
  fc.constant(new Uint8Array([1])),
  fc.constant(JSON.parse('{"__proto__": 1}') as unknown),
  fc.constant(new Map()),
  fc.constant(Array.from({ length: 1025 }, () => newId())),
  fc.jsonValue(),
);

describe('fast frame validators agree with the zod schemas', () => {
  it('build exactly what zod builds from well-formed frames', () => {
    expect(fastRemoteStates(push())).toEqual(pushSchema.parse(push()));
    expect(fastRequest(commit(), DEFAULT_LIMITS)).toEqual(schema.parse(commit()));
    const get = { id: 1, kind: 'get', collection: 'album', entityId: entity };
    expect(fastRequest(get, DEFAULT_LIMITS)).toEqual(schema.parse(get));
  });

  it('refuse known bad frames that zod refuses', () => {
    const bad: unknown[] = [
      mutate(push(), [2, 0, 5], { name: [['A']] }),
      mutate(push(), [0], -1),
      mutate(push(), [1, 0, 0], 'Bad Name'),
      mutate(commit(), [2, 0, 3], [newId()]),
      mutate(commit(), [2, 1, 4, 1], false),
      { ...commit(), extra: 1 },
    ];
    for (const frame of bad) {
      const zod = frame !== null && 'kind' in (frame as object) ? schema : pushSchema;
      expect(zod.safeParse(frame).success).toBe(false);
      expect(fastRemoteStates(frame)).toBeUndefined();
      expect(fastRequest(frame, DEFAULT_LIMITS)).toBeUndefined();
    }
  });

  it('never accept a mutated frame that zod refuses, nor differ from zod on one it accepts', () => {
    const paths = fc.array(fc.nat(12), { minLength: 1, maxLength: 6 });
    let compared = 0;
    fc.assert(
      fc.property(fc.boolean(), paths, values, (isPush, path, value) => {
        const frame = mutate(isPush ? push() : commit(), path, value);
        const fast = isPush ? fastRemoteStates(frame) : fastRequest(frame, DEFAULT_LIMITS);
        const zod = (isPush ? pushSchema : schema).safeParse(frame);
        if (fast !== undefined) {
          expect(zod.success).toBe(true);
          expect(fast).toEqual(zod.data);
          compared++;
        }
      }),
      { numRuns: 2_000 },
    );
    // Some mutations keep the frame valid (a different JSON value): those outputs were compared.
    expect(compared).toBeGreaterThan(50);
  });
});
