import 'reflect-metadata';
import { MemoryStorage, Node, NotFoundError, PermissiveAgent, type ContextData } from 'ankurah';
import { Album } from '../../fixtures/models';

/** Each caller sees only the albums of its own artist. */
class OwnArtist extends PermissiveAgent {
  override filterPredicate(ctx: ContextData): string {
    return `artist = '${String(ctx.artist).replace(/'/g, "''")}'`;
  }
}

describe('the policy row filter on a durable node', () => {
  it('hides other rows from get and fetch, per caller', async () => {
    const node = await Node.durable(new MemoryStorage(), { models: [Album], policy: new OwnArtist() });
    const ids: Record<string, string> = {};
    for (const artist of ['Muse', 'Björk']) {
      const trx = node.context({ artist }).begin();
      ids[artist] = (await trx.create(Album, { name: `${artist} album`, artist, year: 2001 })).id;
      await trx.commit();
    }
    const muse = node.context({ artist: 'Muse' });
    const bjork = node.context({ artist: 'Björk' });
    expect((await muse.fetch(Album, 'year > 2000')).map((v) => v.artist)).toEqual(['Muse']);
    expect((await bjork.fetch(Album, 'true')).map((v) => v.artist)).toEqual(['Björk']);
    expect((await muse.get(Album, ids.Muse as string)).name).toBe('Muse album');
    await expect(muse.get(Album, ids['Björk'] as string)).rejects.toBeInstanceOf(NotFoundError);
    await expect(bjork.get(Album, ids.Muse as string)).rejects.toThrow(`No album entity with id ${ids.Muse}`);
    await node.close();
  });
});
