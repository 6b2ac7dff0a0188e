import { firstValueFrom, filter } from 'rxjs';
import { AnkurahError, PermissiveAgent, type ContextData } from 'ankurah';
import { Album, Artist } from '../fixtures/models';
import { Rig } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

// A bug in user policy code (a plain Error thrown by a PolicyAgent method) must not reach the client with its
// internal message: the client gets INTERNAL with a generic message, the server's errors$ gets the detail.

const SECRET = 'connection to 10.0.0.7 refused (user=policy_admin)';

class BuggyAgent extends PermissiveAgent {
  override checkEvent(): boolean {
    throw new Error(SECRET);
  }

  override filterPredicate(_ctx: ContextData, collection: string): string | null {
    if (collection === 'artist') throw new TypeError(`Cannot read properties of undefined (${SECRET})`);
    return null;
  }
}

describe('a bug in policy code', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  it('reaches the client as INTERNAL with a generic message; the server reports the detail', async () => {
    const { node: server, srv } = await rig.server({ policy: new BuggyAgent() });
    const { node: client } = await rig.client(srv.url);
    const reported = firstValueFrom(server.errors$.pipe(filter((e) => e.message.includes(SECRET))), {
      defaultValue: undefined,
    });
    // INTERNAL is transient (a bug, not a refusal of the data): the commit is kept and queued, and each failed
    // attempt is reported on the client's errors$.
    const clientSaw = firstValueFrom(client.errors$.pipe(filter((e) => e instanceof AnkurahError)));
    const trx = client.context().begin();
    await trx.create(Album, { name: 'Drones', artist: 'Muse', year: 2015 });
    await trx.commit();
    expect(internals(client).pending$.value).toBe(1);
    const err = await clientSaw;
    expect(err).toBeInstanceOf(AnkurahError);
    expect(err.code).toBe('INTERNAL');
    expect(err.name).toBe('InternalError');
    expect(err.message).not.toContain('10.0.0.7');
    expect(err.message).toMatch(/internal error/i);
    const detail = await reported;
    expect(detail).toBeInstanceOf(AnkurahError);
    if (!detail) return;
    expect((detail as AnkurahError).code).toBe('INTERNAL');
    expect((detail.cause as Error).message).toBe(SECRET);

    const second = firstValueFrom(server.errors$.pipe(filter((e) => e.message.includes('Cannot read'))), {
      defaultValue: undefined,
    });
    const fetched = (await client
      .context()
      .fetch(Artist, 'true')
      .catch((e: unknown) => e)) as AnkurahError;
    expect(fetched.code).toBe('INTERNAL');
    expect(fetched.message).not.toContain('10.0.0.7');
    expect((await second)?.message).toContain(SECRET);
  });
});
