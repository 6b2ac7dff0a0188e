import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalConnector, MemoryStorage, Node } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { Album, Artist } from '../../fixtures/models';
import { addAlbum, names, until } from './harness';
import { internals } from '../../fixtures/internals';

describe('offline commits are kept in the ephemeral node’s storage', () => {
  let dir: string;
  const open: Node[] = [];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-outbox-'));
  });
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) if (!n.closed) await n.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const client = async (): Promise<Node> => {
    const n = await Node.ephemeral(await SqliteStorage.open(join(dir, 'client.db')), {
      models: [Album, Artist],
    });
    open.push(n);
    return n;
  };

  it('sends them, in order, after the client process restarts', async () => {
    const server = await Node.durable(new MemoryStorage(), { models: [Album, Artist] });
    open.push(server);
    const first = await client();
    const link = await LocalConnector.connect(server, first);
    const seen = await addAlbum(first, 'Seen online', 2001);
    link.close();

    const edited = first.context().collection(Album);
    await addAlbum(first, 'Made offline', 2002);
    await edited.edit(seen, (m) => {
      m.year = 2003;
    });
    expect(internals(first).pending$.value).toBe(2);
    await first.close();

    const second = await client();
    expect(internals(second).pending$.value).toBe(2);
    expect(names(await second.context().fetch(Album, 'true'))).toEqual(['Made offline', 'Seen online']);
    await LocalConnector.connect(server, second);
    await until(second.pending$, (n) => n === 0);
    expect(names(await server.context().fetch(Album, 'true'))).toEqual(['Made offline', 'Seen online']);
    expect((await server.context().get(Album, seen)).year).toBe(2003);
    await second.close();

    // Acknowledged commits leave the outbox: a third start has nothing to send.
    const third = await client();
    expect(internals(third).pending$.value).toBe(0);
  });
});
