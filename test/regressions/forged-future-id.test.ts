import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ulid } from 'ulid';
import { CausalError, Node, type PolicyAgent, PermissiveAgent, type ContextData } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { newId } from '../../src/event/ids';
import { Album, Artist } from '../fixtures/models';
import { addAlbum, Rig, request } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// A forged event id far ahead of the server's clock (`ZZZ…`, or any far-future ULID) used to poison the node's
// id clock: every later server-side write threw ulid's ULIDError, also after a restart (loaded heads were
// observed) and also when the forged commit itself was refused by policy or validation (the staged copy
// observed the id before the checks). Ids dated beyond the clock-skew bound are now refused at the edge, only
// stored events move the clock, and minting never throws on a far-future id it loads.

const MAX = 'ZZZZZZZZZZZZZZZZZZZZZZZZZZ';
const MINUTE = 60_000;

function creation(id: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    entityId: id,
    collection: 'album',
    parents: [],
    operations: { lww: { name: 'Forged', artist: 'X', year: 2000, ...fields } },
  };
}

function edit(
  entityId: string,
  id: string,
  parents: readonly string[],
  name: string,
): Record<string, unknown> {
  return { id, entityId, collection: 'album', parents, operations: { lww: { name } } };
}

/** Refuses writes of albums named 'Denied'. */
class DenyNamed extends PermissiveAgent implements PolicyAgent {
  override checkEvent(_ctx: ContextData, _c: string, _before: object | null, after: object | null): boolean {
    return (after as { name?: unknown } | null)?.name !== 'Denied';
  }
}

describe('regression: a forged far-future event id', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('is refused at the edge with CAUSAL, and the server keeps accepting honest writes', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const tomorrow = ulid(Date.now() + 24 * 60 * MINUTE);
    for (const [i, id] of [MAX, tomorrow].entries()) {
      const answer = await request(raw, { id: i, kind: 'commit', events: [creation(id)] });
      expect(answer.error?.code).toBe('CAUSAL');
      expect(answer.error?.message).toMatch(/ahead of this node's clock.*maxClockSkewMs/);
    }
    expect(await internals(node).storage.getEvents('album', [MAX, tomorrow])).toEqual([]);
    // Server-side writes and honest remote writes still work, and ids stay close to the clock.
    const local = await addAlbum(node, 'Server side');
    expect(local < tomorrow).toBe(true);
    const honest = newId();
    expect(
      (await request(raw, { id: 9, kind: 'commit', events: [creation(honest, { name: 'Honest' })] })).ok,
    ).toBe(true);
    const { node: client } = await rig.client(srv.url);
    await addAlbum(client, 'Client side');
    expect((await node.context().fetch(Album, 'true ORDER BY name')).map((v) => v.name)).toEqual([
      'Client side',
      'Honest',
      'Server side',
    ]);
  });

  it('accepts ids within the bound, which is configurable per node', async () => {
    const { srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const soon = ulid(Date.now() + MINUTE);
    expect((await request(raw, { id: 1, kind: 'commit', events: [creation(soon)] })).ok).toBe(true);
    const strict = await rig.server({ maxClockSkewMs: 1_000 });
    const raw2 = await rig.raw(strict.srv.url);
    const answer = await request(raw2, {
      id: 1,
      kind: 'commit',
      events: [creation(ulid(Date.now() + MINUTE))],
    });
    expect(answer.error?.code).toBe('CAUSAL');
    expect(answer.error?.message).toMatch(/maxClockSkewMs = 1000 ms/);
  });

  it('a future-dated concurrent write no longer beats a later honest edit', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const id = await addAlbum(node, 'Original');
    const head = [...(await node.context().get(Album, id)).head];
    const forged = edit(id, ulid(Date.now() + 60 * MINUTE), head, 'Forged');
    expect((await request(raw, { id: 1, kind: 'commit', events: [forged] })).error?.code).toBe('CAUSAL');
    const honest = edit(id, newId(), head, 'Honest');
    expect((await request(raw, { id: 2, kind: 'commit', events: [honest] })).ok).toBe(true);
    expect((await node.context().get(Album, id)).name).toBe('Honest');
  });

  it('refused by policy or validation, leaves the clock untouched', async () => {
    const { node, srv } = await rig.server({ policy: new DenyNamed() });
    const raw = await rig.raw(srv.url);
    // Within the bound, so that the policy and the validation are what refuse them.
    const denied = ulid(Date.now() + 4 * MINUTE);
    const invalid = ulid(Date.now() + 4 * MINUTE);
    const a = await request(raw, { id: 1, kind: 'commit', events: [creation(denied, { name: 'Denied' })] });
    expect(a.error?.code).toBe('ACCESS_DENIED');
    const b = await request(raw, { id: 2, kind: 'commit', events: [creation(invalid, { year: 1200 })] });
    expect(b.error?.code).toBe('VALIDATION');
    const id = await addAlbum(node, 'After');
    expect(id < denied && id < invalid).toBe(true);
    expect(newId() < denied).toBe(true);
  });
});

describe('regression: far-future events already stored (before the bound existed)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ankurah-future-id-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('do not poison the clock after a restart on SQLite; their entities stay editable', async () => {
    const path = join(dir, 'poisoned.db');
    const rig = new Rig();
    // A node that refuses nothing stands in for a release without the bound.
    let node = await Node.durable(await SqliteStorage.open(path), {
      models: [Album, Artist],
      maxClockSkewMs: Infinity,
    });
    const inTenYears = ulid(Date.now() + 10 * 365 * 24 * 60 * MINUTE);
    await internals(node).applyRemote([creation(inTenYears) as never, creation(MAX) as never], {});
    await node.close();

    node = await Node.durable(await SqliteStorage.open(path), { models: [Album, Artist] });
    try {
      const ctx = node.context();
      // Loading their heads used to move the clock past them: the next write threw ULIDError.
      expect((await ctx.fetch(Album, 'true')).length).toBe(2);
      const fresh = await addAlbum(node, 'Fresh');
      expect(fresh < inTenYears).toBe(true);
      // An edit of a far-future entity is minted after its head, so it still sorts after its parents.
      const trx = ctx.begin();
      (await trx.edit(Album, inTenYears)).name = 'Edited on the server';
      await trx.commit();
      expect((await ctx.get(Album, inTenYears)).name).toBe('Edited on the server');
      // A client may edit it too: a child dated no later than just after its parents is not a forgery.
      const { SocketServer } = await import('ankurah/server');
      const srv = rig.track(await SocketServer.listen(node, { port: 0, host: '127.0.0.1' }), (s) =>
        s.close(),
      );
      const { node: client } = await rig.client(srv.url);
      const t2 = client.context().begin();
      (await t2.edit(Album, inTenYears)).name = 'Edited by a client';
      await t2.commit();
      expect((await ctx.get(Album, inTenYears)).name).toBe('Edited by a client');
      // No id sorts after ZZZ…Z: editing that entity is refused with a clear error instead of ULIDError.
      const t3 = ctx.begin();
      (await t3.edit(Album, MAX)).name = 'Impossible';
      const err = await t3.commit().catch((e: unknown) => e);
      expect(err).toBeInstanceOf(CausalError);
      expect((err as Error).message).toMatch(/no event id sorts after/);
      await addAlbum(node, 'Still fine');
    } finally {
      await rig.closeAll();
      await node.close();
    }
  });
});
