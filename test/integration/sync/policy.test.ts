import {
  AccessDeniedError,
  NotFoundError,
  type Context,
  type ContextData,
  type Handshake,
  type PolicyAgent,
} from 'ankurah';
import { Album, Artist } from '../../fixtures/models';
import { names, Rig, until } from './harness';
import { internals } from '../../fixtures/internals';

/** Each user sees and writes only albums whose artist is their name; artists are read-only for users. */
class ArtistOwnsAlbums implements PolicyAgent {
  authenticate(h: Handshake): ContextData {
    const user = (h.auth as { user?: unknown } | undefined)?.user;
    if (typeof user !== 'string') throw AccessDeniedError.create('no user given');
    return { user };
  }

  canAccessCollection(ctx: ContextData, collection: string, access: 'read' | 'write'): boolean {
    if (ctx.admin) return true;
    return collection === 'album' || access === 'read';
  }

  filterPredicate(ctx: ContextData, collection: string): string | null {
    if (ctx.admin || collection !== 'album') return null;
    return `artist = '${String(ctx.user).replace(/'/g, "''")}'`;
  }

  checkEvent(ctx: ContextData, _c: string, before: object | null, after: object | null): boolean {
    if (ctx.admin) return true;
    const owns = (row: object | null): boolean =>
      row === null || (row as { artist?: unknown }).artist === ctx.user;
    return owns(before) && owns(after);
  }
}

describe('policy over Socket.IO', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  async function setup() {
    const { node: server, srv } = await rig.server({ policy: new ArtistOwnsAlbums() });
    const admin = server.context({ admin: true });
    const mine = await addAlbumAs(admin, 'Ann One', 'ann');
    const theirs = await addAlbumAs(admin, 'Bob One', 'bob');
    const { node: ann } = await rig.client(srv.url, { user: 'ann' });
    return { server, srv, admin, ann, mine, theirs };
  }

  it('filters fetches and hides rows from get', async () => {
    const { ann, mine, theirs } = await setup();
    const ctx = ann.context();
    expect(names(await ctx.fetch(Album, 'true'))).toEqual(['Ann One']);
    expect((await ctx.get(Album, mine)).name).toBe('Ann One');
    await expect(ctx.get(Album, theirs)).rejects.toThrow(NotFoundError);
    expect(await internals(ann).loadLocal('album', theirs)).toBeUndefined();
  });

  it('refuses writes the agent denies, changing nothing', async () => {
    const { server, ann } = await setup();
    const trx = ann.context().begin();
    await trx.create(Album, { name: 'Forged', artist: 'bob', year: 2000 });
    await expect(trx.commit()).rejects.toThrow(AccessDeniedError);
    const artists = ann.context().begin();
    await artists.create(Artist, { name: 'Not allowed' });
    await expect(artists.commit()).rejects.toThrow(/writing to collection 'artist' is not allowed/);
    expect(await server.context({ admin: true }).fetch(Album, "name = 'Forged'")).toEqual([]);
    expect(await server.context({ admin: true }).fetch(Artist, 'true')).toEqual([]);
    expect(internals(ann).pending$.value).toBe(0);
  });

  it('never streams rows the filter hides, and removes rows that become hidden', async () => {
    const { admin, ann, mine } = await setup();
    const q = ann.context().query(Album, 'true ORDER BY name');
    await until(q.items$, (items) => items.length === 1);
    const pushed: string[] = [];
    internals(ann).changes$.subscribe((b) =>
      pushed.push(...b.changes.map((c) => String(c.entity.value('name')))),
    );
    await addAlbumAs(admin, 'Bob Two', 'bob');
    await addAlbumAs(admin, 'Ann Two', 'ann');
    await until(q.items$, (items) => items.length === 2);
    await admin.collection(Album).edit(mine, (m) => {
      m.artist = 'bob';
      m.name = 'Secret new name';
    });
    await until(q.items$, (items) => names(items).join() === 'Ann Two');
    expect(pushed).not.toContain('Bob Two');
    expect(pushed).not.toContain('Secret new name');
    expect((await internals(ann).loadLocal('album', mine))?.value('name')).not.toBe('Secret new name');
  });

  it('refuses reads of a collection the agent denies', async () => {
    const { srv } = await rig.server({
      policy: Object.assign(new ArtistOwnsAlbums(), {
        canAccessCollection: (_ctx: ContextData, c: string) => c !== 'artist',
      }),
    });
    const { node } = await rig.client(srv.url, { user: 'ann' });
    await expect(node.context().fetch(Artist, 'true')).rejects.toThrow(AccessDeniedError);
    expect(() => node.context().query(Artist, 'true')).not.toThrow();
  });
});

async function addAlbumAs(ctx: Context, name: string, artist: string): Promise<string> {
  const trx = ctx.begin();
  const m = await trx.create(Album, { name, artist, year: 2001 });
  await trx.commit();
  return m.id;
}
