/*
 * The multi-tab relay of ankurah/indexeddb without a browser: Node has BroadcastChannel, so a leader
 * (LeaderRelay on a real SocketClient) and followers (Follower over the channel) run in one process
 * against a real SocketServer. Leader election (Web Locks) is covered by test/browser/sync-e2e.test.ts.
 */
import { MemoryStorage, Node, SocketClient } from 'ankurah';
import { newId } from '../../../src/event/ids';
import { Follower } from '../../../src/transport/shared/follower';
import { LeaderRelay, type WatchTab } from '../../../src/transport/shared/leader-relay';
import { type TabChannel, type TabMessage } from '../../../src/transport/shared/tab-messages';
import { Album, Artist } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';
import { waitUntil } from '../../fixtures/poll';
import { addAlbum, names, Rig, until } from './harness';

function channel(rig: Rig, name: string): TabChannel {
  return rig.track(new BroadcastChannel(name) as unknown as TabChannel, (x) => x.close());
}

function listen(c: TabChannel, handler: { handle(m: TabMessage): void }): void {
  c.addEventListener('message', (ev) => handler.handle(ev.data));
}

describe('tab relay (one connection shared by tabs)', () => {
  const rig = new Rig();
  afterEach(() => rig.closeAll());

  async function tabs(url: string, followers: number, watch?: WatchTab) {
    const name = `relay-${newId()}`;
    const ephemeral = async () => {
      const storage = new MemoryStorage();
      const node = rig.track(await Node.ephemeral(storage, { models: [Album, Artist] }), (n) => n.close());
      return { node, storage };
    };
    const lead = await ephemeral();
    const leaderTab = newId();
    const lc = channel(rig, name);
    const relay = new LeaderRelay(lc, leaderTab, watch);
    listen(lc, relay);
    const conn = rig.track(await SocketClient.connect(lead.node, url, { share: relay }), (c) => c.close());
    const rest = [];
    for (let i = 0; i < followers; i++) {
      const f = await ephemeral();
      const tab = newId();
      const fc = channel(rig, name);
      const follower = new Follower(f.node, fc, tab);
      listen(fc, follower);
      follower.ask();
      await f.node.ready();
      rest.push({ ...f, follower, tab });
    }
    return { lead: { ...lead, conn }, followers: rest };
  }

  it('N tabs cost one connection; a follower reads, writes and queries through the leader', async () => {
    const { node: server, srv } = await rig.server();
    await addAlbum(server, 'On the server', 1999);
    const { lead, followers } = await tabs(srv.url, 2);
    expect(srv.connections).toBe(1);
    const [f1, f2] = followers as [(typeof followers)[0], (typeof followers)[0]];
    const q = f1.node.context().query(Album, 'true ORDER BY name');
    await q.loaded;
    await until(q.items$, (items) => items.length === 1);
    await addAlbum(f2.node, 'From follower 2');
    await until(q.items$, (items) => names(items).includes('From follower 2'));
    expect(names(await server.context().fetch(Album, 'true'))).toEqual(['From follower 2', 'On the server']);
    expect(srv.connections).toBe(1);
    lead.conn.close();
  });

  it("tabs adopt each other's acknowledged commits from the relay, with no live query asking the server", async () => {
    const { srv } = await rig.server();
    const { lead, followers } = await tabs(srv.url, 1);
    const f = followers[0] as (typeof followers)[0];
    // No tab has a live query: the server pushes nothing; only the relay can carry these states.
    const fromFollower = await addAlbum(f.node, 'Follower edit');
    const fromLeader = await addAlbum(lead.node, 'Leader edit');
    const held = async (storage: MemoryStorage, id: string) => {
      await waitUntil(
        async () => (await storage.getState('album', id)) !== undefined,
        'the commit to be stored',
      );
      return (await storage.getState('album', id))?.values.name;
    };
    expect(await held(lead.storage, fromFollower)).toBe('Follower edit');
    expect(await held(f.storage, fromLeader)).toBe('Leader edit');
  });

  it('followers go offline with the leader and resend their queued commits when it is back', async () => {
    const { node: server, srv } = await rig.server();
    const { lead, followers } = await tabs(srv.url, 1);
    const f = followers[0] as (typeof followers)[0];
    const port = srv.port;
    await srv.close();
    await waitUntil(() => !internals(f.node).peers.connected, 'the follower to go offline');
    await addAlbum(f.node, 'Queued in a follower');
    expect(internals(f.node).pending$.value).toBe(1);
    const again = rig.track(
      await (await import('ankurah/server')).SocketServer.listen(server, { port, host: '127.0.0.1' }),
      (s) => s.close(),
    );
    await until(f.node.pending$, (n) => n === 0, 15_000);
    expect(names(await server.context().fetch(Album, 'true'))).toEqual(['Queued in a follower']);
    expect(again.connections).toBe(1);
    lead.conn.close();
  }, 30_000);

  it("watches each follower from its first call and ends a gone follower's live queries", async () => {
    const { node: server, srv } = await rig.server();
    // Stands in for the Web Lock a browser grants once the tab is gone (test/browser/sync-e2e covers it).
    const watched = new Map<string, () => void>();
    const watches: string[] = [];
    const { lead, followers } = await tabs(srv.url, 1, (tab, gone) => {
      watches.push(tab);
      watched.set(tab, gone);
    });
    const f = followers[0] as (typeof followers)[0];
    const base = internals(server).reactor.size;
    const q = f.node.context().query(Album, 'true ORDER BY name');
    await q.loaded;
    await addAlbum(f.node, 'Before');
    await waitUntil(() => internals(server).reactor.size === base + 1, 'the live query on the server');
    expect(watches).toEqual([f.tab]);
    (watched.get(f.tab) as () => void)();
    await waitUntil(() => internals(server).reactor.size === base, "the gone tab's live query to end");
    lead.conn.close();
  });
});
