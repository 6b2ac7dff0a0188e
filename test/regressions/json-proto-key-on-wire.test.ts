import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { newId } from '../../src/event/ids';
import { resolveLimits } from '../../src/protocol/limits';
import { ServerSession } from '../../src/serve/server-session';
import { Album } from '../fixtures/models';
import { internals } from '../fixtures/internals';

describe("a '__proto__' key inside a JSON value on the wire", () => {
  it('is refused as a malformed frame and nothing is kept', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album] });
    const session = new ServerSession(internals(node), {}, () => undefined, { limits: resolveLimits() });
    const id = newId();
    // As JSON decoding makes it: '__proto__' is an own key of the decoded object.
    const frame = JSON.parse(
      JSON.stringify({
        id: 1,
        kind: 'commit',
        events: [
          {
            id,
            entityId: id,
            collection: 'album',
            parents: [],
            operations: { lww: { name: 'X', artist: 'Y', year: 2000, meta: { tags: [], PROTO: { a: 1 } } } },
          },
        ],
      }).replace('"PROTO"', '"__proto__"'),
    ) as unknown;
    const answer = await session.handle(frame);
    expect(answer.ok).toBe(false);
    expect(!answer.ok && answer.error.code).toBe('PROTOCOL');
    expect(!answer.ok && answer.error.message).toMatch(/expected a JSON value/);
    expect(await internals(node).loadLocal('album', id)).toBeUndefined();
    expect(({} as { a?: unknown }).a).toBeUndefined();
    session.close();
    await node.close();
  });
});
