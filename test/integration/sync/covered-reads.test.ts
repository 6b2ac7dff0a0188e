import { Socket as ClientSocket } from 'socket.io-client';
import { type DurablePeer } from 'ankurah/spi';
import { LocalConnector, MemoryStorage, Node, type LiveQuery, type View } from 'ankurah';
import { Album, Artist } from '../../fixtures/models';
import { internals } from '../../fixtures/internals';
import { addAlbum, Rig, until } from './harness';

// While a live query synced on the current peer holds an entity, the peer pushes every change to it: `get` and
// `trx.edit` read the local copy instead of asking the peer again (an edit cost two round trips before).

/** Counts the `get` requests a client's connection sends to its peer, and lets a test hold subscriptions back. */
class WatchedPeer {
  gets = 0;
  /** While set, subscribe and update answers wait for it. */
  hold: Promise<void> | undefined;
  /** Resolves once the next selection change is sent. */
  updateSent: Promise<void> = Promise.resolve();
  #sent: () => void = () => undefined;

  /** Arms `updateSent` for the next selection change. */
  expectUpdate(): void {
    this.updateSent = new Promise<void>((resolve) => (this.#sent = resolve));
  }

  attachTo(client: Node): void {
    const peers = internals(client).peers;
    const attach = peers.attach.bind(peers);
    peers.attach = (peer: DurablePeer) => {
      const get = peer.get.bind(peer);
      const subscribe = peer.subscribe.bind(peer);
      const update = peer.update.bind(peer);
      peer.get = (...args) => {
        this.gets++;
        return get(...args);
      };
      peer.subscribe = async (...args) => {
        const answer = await subscribe(...args);
        await this.hold;
        return answer;
      };
      peer.update = async (...args) => {
        const answering = update(...args);
        this.#sent();
        const answer = await answering;
        await this.hold;
        return answer;
      };
      return attach(peer);
    };
  }
}

describe('reads of entities a synced live query holds', () => {
  const open: Node[] = [];
  const node = async (durable: boolean): Promise<Node> => {
    const n = durable
      ? await Node.durable(new MemoryStorage(), { models: [Album, Artist] })
      : await Node.ephemeral(new MemoryStorage(), { models: [Album, Artist] });
    open.push(n);
    return n;
  };
  afterEach(async () => {
    for (const n of open.splice(0).reverse()) await n.close();
  });

  /** A server with one album, and a client watching its gets, connected. */
  async function setup(): Promise<{ server: Node; client: Node; peer: WatchedPeer; id: string }> {
    const server = await node(true);
    const client = await node(false);
    const peer = new WatchedPeer();
    peer.attachTo(client);
    await LocalConnector.connect(server, client);
    const id = await addAlbum(server, 'Origin', 2001);
    return { server, client, peer, id };
  }

  it('edits and reads the local copy, with no get, and the commit lands on the peer', async () => {
    const { server, client, peer, id } = await setup();
    const q: LiveQuery<Album> = client.context().query(Album, 'year > 2000');
    await q.loaded;
    expect(q.items.map((v) => v.id)).toEqual([id]);

    expect((await client.context().get(Album, id)).name).toBe('Origin');
    const trx = client.context().begin();
    const album = await trx.edit(q.items[0] as View<Album>);
    album.name = 'Edited';
    await trx.commit();
    expect(peer.gets).toBe(0);
    expect((await server.context().get(Album, id)).name).toBe('Edited');
  });

  it('reads an entity no live query holds from the peer, though a copy is here', async () => {
    const { server, client, peer, id } = await setup();
    const q = client.context().query(Album, 'year > 2000');
    await q.loaded;
    q.unsubscribe();
    // The server changes the album; the client keeps an older copy, in no live query.
    const s = server.context().begin();
    (await s.edit(Album, id)).name = 'Changed on the server';
    await s.commit();

    const trx = client.context().begin();
    const album = await trx.edit(Album, id);
    expect(album.name).toBe('Changed on the server');
    expect(peer.gets).toBe(1);
    trx.rollback();
  });

  it('reads the peer again once the entity left the live query', async () => {
    const { server, client, peer, id } = await setup();
    const q = client.context().query(Album, 'year > 2000');
    await q.loaded;
    const s = server.context().begin();
    (await s.edit(Album, id)).year = 1990;
    await s.commit();
    await until(q.items$, (items) => items.length === 0);

    const album = await client.context().get(Album, id);
    expect(album.year).toBe(1990);
    expect(peer.gets).toBe(1);
  });

  it('asks the peer while the live query is not answered yet, and while a selection change is on its way', async () => {
    const { client, peer, id } = await setup();
    // A first query, answered: the album is held locally from here on.
    const first = client.context().query(Album, 'year > 2000');
    await first.loaded;
    first.unsubscribe();

    let release!: () => void;
    peer.hold = new Promise<void>((resolve) => (release = resolve));
    const q = client.context().query(Album, 'year > 2000');
    // The local result holds the album already; the peer has not answered the subscription.
    await until(q.items$, (items) => items.length === 1);
    await client.context().get(Album, id);
    expect(peer.gets).toBe(1);
    release();
    await q.loaded;
    await client.context().get(Album, id);
    expect(peer.gets).toBe(1);

    peer.hold = new Promise<void>((resolve) => (release = resolve));
    peer.expectUpdate();
    const changing = q.update('year > 1999');
    await peer.updateSent;
    await client.context().get(Album, id);
    expect(peer.gets).toBe(2);
    release();
    await changing;
    await client.context().get(Album, id);
    expect(peer.gets).toBe(2);
  });

  it('asks the peer after a reconnect until the live query is answered again', async () => {
    const server = await node(true);
    const client = await node(false);
    const peer = new WatchedPeer();
    peer.attachTo(client);
    const first = await LocalConnector.connect(server, client);
    const id = await addAlbum(server, 'Origin', 2001);
    const q = client.context().query(Album, 'year > 2000');
    await q.loaded;
    first.close();
    // Offline: answered from what the node holds.
    expect((await client.context().get(Album, id)).name).toBe('Origin');
    expect(peer.gets).toBe(0);

    let release!: () => void;
    peer.hold = new Promise<void>((resolve) => (release = resolve));
    await LocalConnector.connect(server, client);
    await client.ready();
    // Attached, the re-subscription not answered yet.
    await client.context().get(Album, id);
    expect(peer.gets).toBe(1);
    release();
    peer.hold = undefined;
    // A selection change waits for the re-subscription's answer, and is answered itself: synced again.
    await q.update('year > 2000');
    await client.context().get(Album, id);
    expect(peer.gets).toBe(1);
  });
});

describe('an edit of an entity a synced live query holds, over Socket.IO', () => {
  const rig = new Rig();
  afterEach(async () => {
    jest.restoreAllMocks();
    await rig.closeAll();
  });

  it('sends the commit alone, and the other client sees it', async () => {
    const { srv } = await rig.server();
    const a = await rig.client(srv.url);
    const b = await rig.client(srv.url);
    const id = await addAlbum(a.node, 'Origin', 2001);
    const qa = a.node.context().query(Album, 'year > 2000');
    const qb = b.node.context().query(Album, 'year > 2000');
    await Promise.all([qa.loaded, qb.loaded]);

    const sent: string[] = [];
    const emit = ClientSocket.prototype.emit;
    jest.spyOn(ClientSocket.prototype, 'emit').mockImplementation(function (
      this: ClientSocket,
      ev: string | symbol,
      ...args: unknown[]
    ) {
      if (ev === 'ankurah:req') sent.push(String((args[0] as { kind?: unknown }).kind));
      return emit.call(this, ev, ...args);
    });
    const trx = a.node.context().begin();
    const album = await trx.edit(qa.items[0] as View<Album>);
    album.year = 2005;
    await trx.commit();
    expect(sent).toEqual(['commit']);
    await until(qb.items$, (items) => items[0]?.year === 2005);
    expect(qb.items.map((v) => v.id)).toEqual([id]);
  });
});
