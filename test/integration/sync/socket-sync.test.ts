import { AccessDeniedError, type LiveQuery, type Node } from 'ankurah';
import { Album } from '../../fixtures/models';
import { addAlbum, names, Rig, until } from './harness';
import { internals } from '../../fixtures/internals';

describe('sync over Socket.IO', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('answers get and fetch from the durable node and keeps what it read', async () => {
    const { node: server, srv } = await rig.server();
    const id = await addAlbum(server, 'Origin of Symmetry');
    await addAlbum(server, 'Absolution', 2003);
    const { node: client, conn } = await rig.client(srv.url);
    const ctx = client.context();
    expect((await ctx.get(Album, id)).name).toBe('Origin of Symmetry');
    expect(names(await ctx.fetch(Album, 'year > ?', 2000))).toEqual(['Absolution', 'Origin of Symmetry']);
    conn.close();
    expect(internals(client).peers.connected).toBe(false);
    expect(names(await ctx.fetch(Album, 'year > 2000'))).toEqual(['Absolution', 'Origin of Symmetry']);
  });

  it('acknowledges a commit only once the durable node has applied it', async () => {
    const { node: server, srv } = await rig.server();
    const { node: client } = await rig.client(srv.url);
    const id = await addAlbum(client, 'Showbiz', 1999);
    expect((await server.context().get(Album, id)).year).toBe(1999);
    expect(internals(client).pending$.value).toBe(0);
  });

  it("relays one client's writes to another client's live query", async () => {
    const { srv } = await rig.server();
    const { node: a } = await rig.client(srv.url);
    const { node: b } = await rig.client(srv.url);
    const q = b.context().query(Album, "artist = 'Muse' ORDER BY name");
    await q.loaded;
    expect(q.items).toEqual([]);
    const seen = until(q.items$, (items) => items.length === 1);
    const id = await addAlbum(a, 'Drones', 2015);
    expect(names(await seen)).toEqual(['Drones']);
    const edited = until(q.items$, (items) => items[0]?.year === 2016);
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.year = 2016;
      });
    await edited;
    const left = until(q.items$, (items) => items.length === 0);
    await a
      .context()
      .collection(Album)
      .edit(id, (m) => {
        m.artist = 'Someone else';
      });
    await left;
    q.unsubscribe();
  });

  it('converges concurrent field and text edits on every node', async () => {
    const { node: server, srv } = await rig.server();
    const clients = await Promise.all([rig.client(srv.url), rig.client(srv.url), rig.client(srv.url)]);
    const [a, b, c] = clients.map((x) => x.node) as [Node, Node, Node];
    const id = await addAlbum(a, 'Black Holes', 2006);
    const queries = [a, b, c].map((n) => n.context().query(Album, 'true'));
    await Promise.all(queries.map((q) => q.loaded));
    const ta = a.context().begin();
    const tb = b.context().begin();
    const ma = await ta.edit(Album, id);
    const mb = await tb.edit(Album, id);
    ma.text('notes').insert(0, 'alpha ');
    mb.text('notes').insert(0, 'beta ');
    ma.rating = 4;
    mb.rating = 5;
    await Promise.all([ta.commit(), tb.commit()]);
    const final = await server.context().get(Album, id);
    expect(final.notes).toContain('alpha ');
    expect(final.notes).toContain('beta ');
    const expected = { notes: final.notes, rating: final.rating };
    for (const q of queries) {
      await until(
        q.items$,
        (items) => items[0]?.notes === expected.notes && items[0]?.rating === expected.rating,
      );
    }
    expect([4, 5]).toContain(expected.rating);
  });

  it('keeps live results offline, queues commits, and catches up after the server returns', async () => {
    const { node: server, srv } = await rig.server();
    const { node: a } = await rig.client(srv.url);
    const { node: b, conn: bConn } = await rig.client(srv.url);
    await addAlbum(a, 'Simulation Theory', 2018);
    const q: LiveQuery<Album> = b.context().query(Album, 'year > 2000 ORDER BY name');
    await until(q.items$, (items) => items.length === 1);
    let changeSets = 0;
    q.subscribe((cs) => (changeSets += cs.changes.filter((c) => c.kind === 'add').length));

    await srv.close();
    await until(b.pending$, () => !internals(b).peers.connected);
    expect(names(q.items)).toEqual(['Simulation Theory']);
    // Offline: b writes (kept locally, visible at once), a writes (queued on a).
    const offline = await addAlbum(b, 'Will of the People', 2022);
    expect(internals(b).pending$.value).toBe(1);
    expect(names(q.items)).toEqual(['Simulation Theory', 'Will of the People']);
    await addAlbum(a, 'The 2nd Law', 2012);
    expect(internals(a).pending$.value).toBe(1);

    const back = await (
      await import('ankurah/server')
    ).SocketServer.listen(server, { port: srv.port, host: '127.0.0.1' });
    rig.track(back, (s) => s.close());
    await until(b.pending$, (n) => n === 0, 10_000);
    await until(a.pending$, (n) => n === 0, 10_000);
    expect(bConn.connected).toBe(true);
    await until(q.items$, (items) => items.length === 3, 10_000);
    expect(names(q.items)).toEqual(['Simulation Theory', 'The 2nd Law', 'Will of the People']);
    expect((await server.context().get(Album, offline)).name).toBe('Will of the People');
    // One add per album: nothing lost, nothing duplicated across the reconnect.
    expect(changeSets).toBe(2);
  });

  it('refuses a connection the policy agent rejects, with its reason', async () => {
    const { srv } = await rig.server({
      policy: {
        authenticate: (h) => {
          if ((h.auth as { token?: string } | undefined)?.token !== 'secret')
            throw AccessDeniedError.create('bad token');
          return { user: 'ann' };
        },
        canAccessCollection: () => true,
        filterPredicate: () => null,
        checkEvent: () => true,
      },
    });
    await expect(rig.client(srv.url, { token: 'wrong' })).rejects.toThrow(AccessDeniedError);
    await expect(rig.client(srv.url, { token: 'wrong' })).rejects.toThrow(/bad token/);
    const { node } = await rig.client(srv.url, { token: 'secret' });
    expect(internals(node).peers.connected).toBe(true);
  });
});
