import 'reflect-metadata';
import {
  AccessDeniedError,
  LocalConnector,
  MemoryStorage,
  Node,
  NotFoundError,
  PermissiveAgent,
  type Access,
  type ContextData,
} from 'ankurah';
import { Album, Artist } from '../fixtures/models';

/** Users see the albums of their own artist; `artist` rows may not be read by users (only written). */
class OwnAlbums extends PermissiveAgent {
  override canAccessCollection(ctx: ContextData, collection: string, access: Access): boolean {
    return ctx.admin === true || collection === 'album' || access === 'write';
  }

  override filterPredicate(ctx: ContextData, collection: string): string | null {
    if (ctx.admin || collection !== 'album') return null;
    return `artist = '${String(ctx.user).replace(/'/g, "''")}'`;
  }
}

const MISSING = '01J0000000000000000000000A';

/** The rejection of `run`, with the entity id replaced so that messages of two ids compare. */
async function refusal(run: () => Promise<unknown>, id: string): Promise<{ type: string; message: string }> {
  try {
    await run();
  } catch (e) {
    return { type: (e as Error).constructor.name, message: (e as Error).message.split(id).join('<id>') };
  }
  throw new Error('expected a rejection');
}

async function setup() {
  const node = await Node.durable(new MemoryStorage(), { models: [Album, Artist], policy: new OwnAlbums() });
  const admin = node.context({ admin: true });
  const albums = admin.collection(Album);
  const mine = await albums.create({ name: 'Mine', artist: 'ann', year: 2001 });
  const hidden = await albums.create({ name: 'Theirs', artist: 'bob', year: 2002 });
  const gone = await albums.create({ name: 'Gone', artist: 'bob', year: 2003 });
  await albums.delete(gone.id);
  const artist = await admin.collection(Artist).create({ name: 'Bob' });
  return { node, admin, ann: node.context({ user: 'ann' }), mine, hidden, gone, artist };
}

describe('local context paths apply the policy row filter like the remote ones', () => {
  it('a hidden row is refused exactly like a missing one on every local path', async () => {
    const { node, ann, hidden, gone } = await setup();
    const paths: Record<string, (id: string) => Promise<unknown>> = {
      get: (id) => ann.get(Album, id),
      'collection.get': (id) => ann.collection(Album).get(id),
      'begin().edit(Model, id)': (id) => ann.begin().edit(Album, id),
      'begin().delete(Model, id)': (id) => ann.begin().delete(Album, id),
      'collection.edit': (id) =>
        ann.collection(Album).edit(id, (m) => {
          m.name = 'Stolen';
        }),
      'collection.delete': (id) => ann.collection(Album).delete(id),
      history: (id) => ann.history(Album, id),
    };
    for (const [name, run] of Object.entries(paths)) {
      const missing = await refusal(() => run(MISSING), MISSING);
      expect({ name, ...missing }).toEqual({
        name,
        type: 'NotFoundError',
        message: 'No album entity with id <id>',
      });
      expect({ name, ...(await refusal(() => run(hidden.id), hidden.id)) }).toEqual({ name, ...missing });
      // A deleted hidden row reveals nothing either (history reads deleted rows the caller may see).
      expect({ name, ...(await refusal(() => run(gone.id), gone.id)) }).toEqual({ name, ...missing });
    }
    expect((await node.context({ admin: true }).get(Album, hidden.id)).name).toBe('Theirs');
    await node.close();
  });

  it('a view from another context cannot be edited by a caller who may not see it', async () => {
    const { node, admin, ann, hidden } = await setup();
    const view = await admin.get(Album, hidden.id);
    await expect(ann.begin().edit(view)).rejects.toThrow(`No album entity with id ${hidden.id}`);
    await expect(ann.begin().delete(view)).rejects.toThrow(NotFoundError);
    await node.close();
  });

  it('queries, subscriptions and fetches never return hidden rows', async () => {
    const { node, admin, ann, mine, hidden } = await setup();
    expect((await ann.fetch(Album, 'true')).map((a) => a.id)).toEqual([mine.id]);
    expect((await ann.collection(Album).fetch(`id = '${hidden.id}'`)).length).toBe(0);
    const q = ann.collection(Album).query('true');
    await q.loaded;
    const seen: string[][] = [];
    const sub = await ann.subscribe(Album, 'year > 0', (c) => seen.push(c.items.map((a) => a.id)));
    await admin.collection(Album).edit(hidden.id, (m) => {
      m.year = 2010;
    });
    await admin.collection(Album).create({ name: 'Bob Two', artist: 'bob', year: 2011 });
    await q.settled();
    await sub.settled();
    expect(q.items.map((a) => a.id)).toEqual([mine.id]);
    expect(seen.flat().every((id) => id === mine.id)).toBe(true);
    q.unsubscribe();
    sub.unsubscribe();
    await node.close();
  });

  it('canAccessCollection(read) guards every local read, also of deleted rows and before edits', async () => {
    const { node, admin, ann, artist } = await setup();
    const view = await admin.get(Artist, artist.id);
    const reads: Record<string, () => Promise<unknown>> = {
      get: () => ann.get(Artist, artist.id),
      fetch: () => ann.fetch(Artist, 'true'),
      query: () => ann.query(Artist, 'true').loaded,
      history: () => ann.history(Artist, artist.id),
      'begin().edit(Model, id)': () => ann.begin().edit(Artist, artist.id),
      'begin().edit(view)': () => ann.begin().edit(view),
      'collection.edit': () => ann.collection(Artist).edit(artist.id, () => undefined),
    };
    for (const [name, run] of Object.entries(reads)) {
      await expect(run().then(() => name)).rejects.toBeInstanceOf(AccessDeniedError);
    }
    await admin.collection(Artist).delete(artist.id);
    await expect(ann.history(Artist, artist.id)).rejects.toBeInstanceOf(AccessDeniedError);
    // Creating needs no read access (writing is allowed); collection().create reads the view back, so it does.
    const trx = ann.begin();
    await trx.create(Artist, { name: 'New' });
    await expect(trx.commit()).resolves.toBeUndefined();
    await expect(ann.collection(Artist).create({ name: 'Newer' })).rejects.toBeInstanceOf(AccessDeniedError);
    await node.close();
  });

  it('the remote path answers the same as the local one', async () => {
    const { node, hidden } = await setup();
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] });
    await LocalConnector.connect(node, client, { auth: { user: 'ann' } });
    const remote = client.context();
    const local = node.context({ user: 'ann' });
    const run = (ctx: typeof remote) => refusal(() => ctx.begin().edit(Album, hidden.id), hidden.id);
    expect(await run(local)).toEqual(await run(remote));
    await client.close();
    await node.close();
  });
});
