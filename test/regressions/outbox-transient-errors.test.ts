import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { firstValueFrom, filter, take, timeout, toArray, type Observable } from 'rxjs';
import {
  AccessDeniedError,
  LocalConnector,
  MemoryStorage,
  Node,
  PermissiveAgent,
  InternalError,
  StorageError,
  type ContextData,
} from 'ankurah';
import { type StorageEngine } from 'ankurah/spi';
import { SqliteStorage } from 'ankurah/typeorm';
import { FlakyStorage } from '../fixtures/flaky-storage';
import { Album, Artist } from '../fixtures/models';
import { addAlbum, names, until } from '../integration/sync/harness';
import { internals } from '../fixtures/internals';

/** Refuses any album named 'Rejected'. */
class NoRejected extends PermissiveAgent {
  override checkEvent(_ctx: ContextData, _c: string, _before: object | null, after: object | null): boolean {
    return (after as { name?: unknown } | null)?.name !== 'Rejected';
  }
}

/** A policy agent with a bug that a redeploy fixes: while `broken`, checkEvent throws a plain Error. */
class Buggy extends PermissiveAgent {
  broken = true;
  override checkEvent(): boolean {
    if (this.broken) throw new Error('policy bug: cannot read properties of undefined');
    return true;
  }
}

/** Resolves once `n` errors of the class were reported (subscribe before causing them). */
function reports(
  errors$: Observable<Error>,
  kind: abstract new (...args: never[]) => Error,
  n = 1,
): Promise<Error[]> {
  return firstValueFrom(
    errors$.pipe(
      filter((e) => e instanceof kind),
      take(n),
      toArray(),
      timeout(10_000),
    ),
  );
}

// A durable node whose storage failed for a moment (SQLite busy, Postgres refusing connections) answered the
// queued commits with StorageError: the client dropped them and tried to undo them (which failed too), while
// still showing the edits. Now a transient failure keeps the commit and resends it with backoff; only a refusal
// (policy, validation, causal, protocol) undoes.
describe('regression: a transient failure of the durable node keeps queued commits', () => {
  const open: Node[] = [];
  const server = async (storage: StorageEngine): Promise<Node> => {
    const n = await Node.durable(storage, { models: [Album, Artist], policy: new NoRejected() });
    open.push(n);
    return n;
  };
  const client = async (): Promise<Node> => {
    const n = await Node.ephemeral(new MemoryStorage(), {
      models: [Album, Artist],
      retryDelay: 2,
      retryDelayMax: 20,
    });
    open.push(n);
    return n;
  };
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) if (!n.closed) await n.close();
  });

  it('keeps offline commits through a storage outage and lands them once storage recovers', async () => {
    const storage = new FlakyStorage();
    const srv = await server(storage);
    const a = await client();
    const link = await LocalConnector.connect(srv, a);
    const kept = await addAlbum(a, 'Kept', 2001);
    link.close();
    await a
      .context()
      .collection(Album)
      .edit(kept, (m) => {
        m.year = 2010;
      });
    const offline = await addAlbum(a, 'Offline', 2011);
    expect(internals(a).pending$.value).toBe(2);

    storage.failCommits = true;
    // Three failed attempts: the commit was retried (with backoff) and not dropped.
    const failed = reports(a.errors$, StorageError, 3);
    await LocalConnector.connect(srv, a);
    await failed;
    expect(internals(a).pending$.value).toBe(2);
    // The client still shows its edits (a connected fetch answers with the peer's rows: read by id).
    expect((await a.context().get(Album, offline)).name).toBe('Offline');
    expect((await a.context().get(Album, kept)).year).toBe(2010);
    expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Kept']);

    storage.failCommits = false;
    await until(a.pending$, (n) => n === 0);
    expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Kept', 'Offline']);
    expect((await srv.context().get(Album, kept)).year).toBe(2010);
    expect(names(await a.context().fetch(Album, 'true'))).toEqual(['Kept', 'Offline']);
  });

  it('keeps a connected commit the peer cannot store now, resolves it, and resends it', async () => {
    const storage = new FlakyStorage();
    const srv = await server(storage);
    const a = await client();
    await LocalConnector.connect(srv, a);
    storage.failCommits = true;
    const failed = reports(a.errors$, StorageError, 2);
    // Not a refusal: the commit resolves, kept locally and queued, as an offline one.
    const first = await addAlbum(a, 'During outage', 2001);
    // Made while the first waits for its retry: queued behind it, it resolves at the next failure.
    const second = await addAlbum(a, 'Behind it', 2002);
    await failed;
    expect(internals(a).pending$.value).toBe(2);
    expect((await a.context().get(Album, first)).name).toBe('During outage');
    expect((await a.context().get(Album, second)).name).toBe('Behind it');
    expect(await srv.context().fetch(Album, 'true')).toEqual([]);

    storage.failCommits = false;
    await until(a.pending$, (n) => n === 0);
    expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Behind it', 'During outage']);
  });

  it('still undoes a refused commit, retrying the undo through an outage, and sends the rest', async () => {
    const storage = new FlakyStorage();
    const srv = await server(storage);
    const a = await client();
    const link = await LocalConnector.connect(srv, a);
    link.close();
    await addAlbum(a, 'Rejected', 2001);
    await addAlbum(a, 'Later', 2002);
    // The refusal needs no state read; the undo asks the peer for the refused entity's state, which fails.
    storage.failStateReads = true;
    const failedUndo = reports(a.errors$, StorageError, 2);
    const refused = reports(a.errors$, AccessDeniedError);
    await LocalConnector.connect(srv, a);
    await failedUndo;
    expect(internals(a).pending$.value).toBe(2);

    storage.failStateReads = false;
    await until(a.pending$, (n) => n === 0);
    expect((await refused).map((e) => e.message)).toEqual([
      expect.stringMatching(/refused by the policy agent/),
    ]);
    expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Later']);
    expect(names(await a.context().fetch(Album, 'true'))).toEqual(['Later']);
  });

  it('a refusal after a transient failure undoes the refused commit and rejects its caller', async () => {
    const storage = new FlakyStorage();
    const srv = await server(storage);
    const a = await client();
    await LocalConnector.connect(srv, a);
    storage.failCommits = true;
    const failed = reports(a.errors$, StorageError);
    await addAlbum(a, 'Kept through it', 2001);
    await failed;
    // Queued behind a commit that waits for its retry; refused once storage is back.
    const rejected = addAlbum(a, 'Rejected', 2002);
    storage.failCommits = false;
    await expect(rejected).rejects.toBeInstanceOf(AccessDeniedError);
    await until(a.pending$, (n) => n === 0);
    expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Kept through it']);
    expect(names(await a.context().fetch(Album, 'true'))).toEqual(['Kept through it']);
  });
});

describe('regression: a bug in the durable node (INTERNAL) does not discard queued commits', () => {
  it('keeps the offline commit queued while the policy agent throws, and lands it once fixed', async () => {
    const policy = new Buggy();
    const srv = await Node.durable(new MemoryStorage(), { models: [Album, Artist], policy });
    const a = await Node.ephemeral(new MemoryStorage(), {
      models: [Album, Artist],
      retryDelay: 2,
      retryDelayMax: 20,
    });
    try {
      const offline = await addAlbum(a, 'Offline', 2001);
      expect(internals(a).pending$.value).toBe(1);
      const failed = reports(a.errors$, InternalError, 2);
      await LocalConnector.connect(srv, a);
      await failed;
      // Retried, not undone: the client still holds its edit and the queue.
      expect(internals(a).pending$.value).toBe(1);
      expect((await a.context().get(Album, offline)).name).toBe('Offline');

      policy.broken = false;
      await until(a.pending$, (n) => n === 0);
      expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Offline']);
    } finally {
      await a.close();
      await srv.close();
    }
  });
});

describe('regression: a busy SQLite database on the durable node', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ankurah-busy-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('delays queued commits until another writer releases its lock; none is lost', async () => {
    const file = join(dir, 'server.db');
    // Normal locking: only then can another connection (standing for another process) take the write lock.
    const srv = await Node.durable(await SqliteStorage.open(file, { busyTimeout: 20, locking: 'normal' }), {
      models: [Album, Artist],
    });
    const a = await Node.ephemeral(new MemoryStorage(), {
      models: [Album, Artist],
      retryDelay: 5,
      retryDelayMax: 50,
    });
    const blocker = new Database(file);
    try {
      await addAlbum(srv, 'Before', 2000);
      const link = await LocalConnector.connect(srv, a);
      const before = (await a.context().fetch(Album, 'true'))[0]?.id as string;
      link.close();
      await addAlbum(a, 'Offline', 2001);
      await a
        .context()
        .collection(Album)
        .edit(before, (m) => {
          m.year = 2005;
        });

      // Another process holds the write lock for longer than the server's busy timeout.
      blocker.exec('BEGIN IMMEDIATE');
      const busy = reports(a.errors$, StorageError, 2);
      await LocalConnector.connect(srv, a);
      expect((await busy)[0]?.message).toMatch(/busy|locked/i);
      expect(internals(a).pending$.value).toBe(2);
      blocker.exec('COMMIT');

      await until(a.pending$, (n) => n === 0);
      expect(names(await srv.context().fetch(Album, 'true'))).toEqual(['Before', 'Offline']);
      expect((await srv.context().get(Album, before)).year).toBe(2005);
    } finally {
      blocker.close();
      await a.close();
      await srv.close();
    }
  });
});
