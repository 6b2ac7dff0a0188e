import { io } from 'socket.io-client';
import { PROTOCOL_VERSION } from 'ankurah/spi';
import { newId } from '../../../src/event/ids';
import { Album } from '../../fixtures/models';
import { addAlbum, Rig, request } from './harness';
import { internals } from '../../fixtures/internals';

/** A creation event for an album, as a raw client would forge it. */
function genesis(fields: Record<string, unknown> = {}): Record<string, unknown> {
  const id = newId();
  return {
    id,
    entityId: id,
    collection: 'album',
    parents: [],
    operations: { lww: { name: 'Raw', artist: 'Raw', year: 2000, ...fields } },
  };
}

describe('adversarial frames', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('answers garbage with ProtocolError and changes nothing', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    for (const frame of [
      'text',
      42,
      null,
      [],
      [1, 2],
      { kind: 'get' },
      { id: 1, kind: 'explode' },
      { id: 'x', kind: 'fetch' },
    ]) {
      const answer = await request(raw, frame);
      expect(answer.ok).toBe(false);
      expect(answer.error?.code).toBe('PROTOCOL');
    }
    const unknown = await request(raw, { id: 7, kind: 'dropTables', collection: 'album' });
    expect(unknown.error?.message).toMatch(/malformed request/);
    expect(
      await internals(node).storage.fetchStates('album', {
        predicate: { kind: 'true' },
        orderBy: [],
      } as never),
    ).toEqual([]);
  });

  it('reports messages without acknowledgement and unknown events as errors', async () => {
    const { srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const errors: { code: string; message: string }[] = [];
    raw.on('ankurah:error', (e: { code: string; message: string }) => errors.push(e));
    raw.emit('ankurah:req', { id: 1, kind: 'get', collection: 'album', entityId: newId() });
    raw.emit('nonsense', 1, 2, 3);
    const answer = await raw.timeout(5_000).emitWithAck('whatever', {});
    expect(answer.error.code).toBe('PROTOCOL');
    await new Promise<void>((resolve) =>
      errors.length >= 2 ? resolve() : raw.on('ankurah:error', () => errors.length >= 2 && resolve()),
    );
    expect(errors.map((e) => e.code)).toEqual(['PROTOCOL', 'PROTOCOL']);
    expect(errors[1]?.message).toMatch(/unknown message 'nonsense'/);
  });

  it('refuses oversized and deeply nested frames', async () => {
    const { srv } = await rig.server({}, { limits: { maxFrameBytes: 10_000 } });
    const raw = await rig.raw(srv.url);
    const big = await request(raw, {
      id: 1,
      kind: 'fetch',
      collection: 'album',
      selection: 'x'.repeat(20_000),
    });
    expect(big.error?.message).toMatch(/exceeds the limit of 10000 bytes/);
    let deep: unknown = 1;
    for (let i = 0; i < 200; i++) deep = [deep];
    const nested = await request(raw, { id: 2, kind: 'commit', events: [genesis({ name: deep })] });
    expect(nested.error?.message).toMatch(/nested deeper/);
    const ok = await request(raw, { id: 3, kind: 'fetch', collection: 'album', selection: 'true' });
    expect(ok.ok).toBe(true);
  });

  it('refuses forged ids, fake creations and events for unknown entities', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const id = await addAlbum(node, 'Real');
    const notUlid = { ...genesis(), id: 'not-a-ulid' };
    expect((await request(raw, { id: 1, kind: 'commit', events: [notUlid] })).error?.code).toBe('PROTOCOL');
    const fakeCreation = { ...genesis(), entityId: newId() };
    expect((await request(raw, { id: 2, kind: 'commit', events: [fakeCreation] })).error?.code).toBe(
      'PROTOCOL',
    );
    const recreate = { ...genesis(), id, entityId: id };
    expect((await request(raw, { id: 3, kind: 'commit', events: [recreate] })).ok).toBe(true);
    expect((await node.context().get(Album, id)).name).toBe('Real');
    const orphan = {
      id: newId(),
      entityId: newId(),
      collection: 'album',
      parents: [newId()],
      operations: { lww: { name: 'Orphan' } },
    };
    const answer = await request(raw, { id: 4, kind: 'commit', events: [orphan] });
    expect(answer.error?.code).toBe('CAUSAL');
    expect(await node.context().fetch(Album, "name = 'Orphan'")).toEqual([]);
    // An edit naming the entity's real head and a parent the server never saw is refused whole.
    const head = [...(await node.context().get(Album, id)).head];
    const halfForged = {
      id: newId(),
      entityId: id,
      collection: 'album',
      parents: [...head, newId()],
      operations: { lww: { name: 'Forged' } },
    };
    expect((await request(raw, { id: 6, kind: 'commit', events: [halfForged] })).error?.code).toBe('CAUSAL');
    const honest = { ...halfForged, id: newId(), parents: head, operations: { lww: { name: 'Edited' } } };
    expect((await request(raw, { id: 7, kind: 'commit', events: [honest] })).ok).toBe(true);
    expect((await node.context().get(Album, id)).name).toBe('Edited');
    const otherCollection = { ...genesis(), collection: 'secrets' };
    expect((await request(raw, { id: 5, kind: 'commit', events: [otherCollection] })).error?.code).toBe(
      'NOT_FOUND',
    );
    expect(await internals(node).storage.collections()).not.toContain('secrets');
  });

  it('validates incoming values against the model, all or nothing', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const good = genesis({ name: 'Good' });
    const bad = genesis({ year: 1200 });
    const answer = await request(raw, { id: 1, kind: 'commit', events: [good, bad] });
    expect(answer.error?.code).toBe('VALIDATION');
    expect(answer.error?.message).toMatch(/year/);
    expect(await node.context().fetch(Album, 'true')).toEqual([]);
  });

  it('applies a commit whole or not at all when the client dies right after sending it', async () => {
    const { node, srv } = await rig.server();
    const raw = await rig.raw(srv.url);
    const a = genesis({ name: 'A' });
    const b = genesis({ name: 'B' });
    raw.emit('ankurah:req', { id: 1, kind: 'commit', events: [a, b] }, () => undefined);
    raw.disconnect();
    const { node: client } = await rig.client(srv.url);
    const seen = (await client.context().fetch(Album, "name IN ('A', 'B')")).length;
    expect([0, 2]).toContain(seen);
    expect((await node.context().fetch(Album, 'true')).length).toBe(seen);
  });

  it('bounds subscriptions and requests in flight per connection, and keeps serving others', async () => {
    const { node, srv } = await rig.server({}, { limits: { maxSubscriptions: 3, maxInFlight: 4 } });
    const raw = await rig.raw(srv.url);
    const answers = await Promise.all(
      Array.from({ length: 5 }, (_, i) =>
        request(raw, {
          id: i,
          kind: 'subscribe',
          sub: `s${i}`,
          collection: 'album',
          selection: 'true',
          held: [],
        }),
      ),
    );
    const refused = answers.filter((a) => !a.ok);
    expect(refused.length).toBeGreaterThanOrEqual(2);
    expect(refused.every((a) => a.error?.code === 'PROTOCOL')).toBe(true);
    const flood = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        request(raw, { id: 100 + i, kind: 'fetch', collection: 'album', selection: 'true' }),
      ),
    );
    expect(flood.some((a) => a.error?.message.includes('in flight'))).toBe(true);
    const { node: client } = await rig.client(srv.url);
    await addAlbum(client, 'Still here');
    expect((await node.context().fetch(Album, "name = 'Still here'")).length).toBe(1);
  });

  it('refuses a protocol version mismatch naming both versions', async () => {
    const { srv } = await rig.server();
    const socket = rig.track(
      io(srv.url, {
        transports: ['websocket'],
        reconnection: false,
        auth: { hello: { v: 999, nodeId: newId(), durable: false } },
      }),
      (s) => s.close(),
    );
    const err = await new Promise<Error & { data?: { code: string } }>((resolve) =>
      socket.once('connect_error', resolve),
    );
    expect(err.message).toMatch(new RegExp(`version ${PROTOCOL_VERSION}.*version 999`));
    expect(err.data?.code).toBe('PROTOCOL');
  });
});
