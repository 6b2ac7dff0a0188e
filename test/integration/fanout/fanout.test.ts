import { randomBytes } from 'node:crypto';
import Redis from 'ioredis';
import { Client } from 'pg';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { LocalConnector, MemoryStorage, Node, SocketClient, UnavailableError, type LiveQuery } from 'ankurah';
import { PostgresFanout, RedisFanout, type Fanout } from 'ankurah/server';
import { PostgresStorage } from 'ankurah/typeorm';
import { Msg } from '../../fixtures/fanout-model';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from '../storage/postgres-env';
import { internals } from '../../fixtures/internals';
import { newId } from '../../../src/event/ids';
import { REDIS_URL, redisAvailable } from './env';

/** A bus under test: how to start a fan-out on it, send a raw payload, and cut the listening connections. */
interface Bus {
  readonly name: string;
  start(node: Node, channel: string): Promise<Fanout>;
  raw(channel: string, payload: string): Promise<void>;
  cut(channel: string): Promise<number>;
}

const redisBus: Bus = {
  name: 'RedisFanout',
  start: (node, channel) => RedisFanout.start(node, { url: REDIS_URL, channel, heartbeatMs: 100 }),
  raw: async (channel, payload) => {
    const r = new Redis(REDIS_URL);
    await r.publish(channel, payload);
    r.disconnect();
  },
  cut: async (channel) => {
    const r = new Redis(REDIS_URL);
    // The listening connection of each node on this test's channel: killed as in a Redis blip.
    const list = String(await r.call('CLIENT', 'LIST', 'TYPE', 'pubsub'));
    let killed = 0;
    for (const line of list.split('\n')) {
      const id = /(?:^| )id=(\d+)/.exec(line)?.[1];
      if (id && line.includes(` name=ankurah_fanout:${channel} `)) {
        killed += Number(await r.call('CLIENT', 'KILL', 'ID', id));
      }
    }
    r.disconnect();
    return killed;
  },
};

const postgresBus: Bus = {
  name: 'PostgresFanout',
  start: (node, channel) => PostgresFanout.start(node, { url: DATABASE_URL, channel, heartbeatMs: 100 }),
  raw: async (channel, payload) => {
    const c = new Client({ connectionString: DATABASE_URL });
    await c.connect();
    await c.query('SELECT pg_notify($1, $2)', [channel, payload]);
    await c.end();
  },
  cut: async (channel) => {
    const c = new Client({ connectionString: DATABASE_URL });
    await c.connect();
    const r = await c.query(
      `SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1`,
      [`ankurah_fanout:${channel}`],
    );
    await c.end();
    return r.rowCount ?? 0;
  },
};

const pg = postgresAvailable();
const buses = [...(pg && redisAvailable() ? [redisBus] : []), ...(pg ? [postgresBus] : [])];

/** Resolves once the live query's items satisfy `pred` (rejects after 5 s). */
function until<T extends object>(
  q: LiveQuery<T>,
  pred: (items: readonly T[]) => boolean,
): Promise<readonly T[]> {
  return firstValueFrom(q.items$.pipe(filter(pred), timeout(5_000)));
}
const texts = (items: readonly Msg[]): string[] => items.map((m) => m.body).sort();

(buses.length > 0 ? describe.each(buses) : describe.skip.each([redisBus]))('$name', (bus: Bus) => {
  let schema = '';
  let channel = '';
  const closers: (() => Promise<unknown>)[] = [];
  const durable = async (fanout: boolean): Promise<{ node: Node; fanout?: Fanout }> => {
    const node = await Node.durable(await PostgresStorage.open(DATABASE_URL, { schema, shared: true }), {
      models: [Msg],
    });
    closers.push(() => node.close());
    if (!fanout) return { node };
    const f = await bus.start(node, channel);
    closers.push(() => f.close());
    return { node, fanout: f };
  };

  /** An ephemeral node connected to `server` in process. */
  const clientOf = async (server: Node): Promise<Node> => {
    const client = await Node.ephemeral(new MemoryStorage(), { models: [Msg] });
    closers.push(() => client.close());
    const conn = await LocalConnector.connect(server, client);
    closers.push(async () => conn.close());
    return client;
  };

  beforeEach(() => {
    schema = testSchema();
    channel = `ankurah_t_${randomBytes(5).toString('hex')}`;
  });
  afterEach(async () => {
    for (const c of closers.splice(0).reverse()) await c();
    await dropSchema(schema);
  });

  test('a commit on node A reaches live queries on node B and a client connected to B', async () => {
    const a = await durable(true);
    const b = await durable(true);
    const client = await clientOf(b.node);

    const onB = b.node.context().query(Msg, "room = 'r1'");
    const onClient = client.context().query(Msg, "room = 'r1'");
    await Promise.all([onB.loaded, onClient.loaded]);

    const trx = a.node.context().begin();
    const m = await trx.create(Msg, { room: 'r1', body: 'hello', t: 0 });
    await trx.commit();
    await until(onB, (items) => texts(items).includes('hello'));
    await until(onClient, (items) => texts(items).includes('hello'));

    await a.node
      .context()
      .collection(Msg)
      .edit(m.id, (x) => {
        x.body = 'edited';
      });
    await until(onClient, (items) => texts(items).join() === 'edited');
    const del = a.node.context().begin();
    await del.delete(await a.node.context().get(Msg, m.id));
    await del.commit();
    await until(onClient, (items) => items.length === 0);
    await until(onB, (items) => items.length === 0);
    expect(a.fanout?.stats.published).toBeGreaterThanOrEqual(3);
    expect(b.fanout?.stats.received).toBeGreaterThanOrEqual(3);

    // The other way round: B's commits reach A, and nothing is published twice by the receiver.
    const onA = a.node.context().query(Msg, 'true');
    await onA.loaded;
    const back = b.node.context().begin();
    await back.create(Msg, { room: 'r2', body: 'from B', t: 0 });
    await back.commit();
    await until(onA, (items) => texts(items).includes('from B'));
    expect(a.fanout?.stats.published).toBe(3);
    onA.unsubscribe();
    onB.unsubscribe();
    onClient.unsubscribe();
  });

  test('a commit that moves only a head (no value changed) reaches the clients of the other node', async () => {
    const a = await durable(true);
    const b = await durable(true);
    const client = await clientOf(b.node);
    const onClient = client.context().query(Msg, "room = 'r1'");
    await onClient.loaded;
    const trx = a.node.context().begin();
    const m = await trx.create(Msg, { room: 'r1', body: 'same', t: 0 });
    await trx.commit();
    await until(onClient, (items) => texts(items).includes('same'));

    // An event that writes the value the entity already has: its head moves, nothing visible changes.
    const head = [...((await internals(a.node).loadLocal('fanout_msg', m.id))?.head ?? [])];
    const quiet = {
      id: newId(),
      entityId: m.id,
      collection: 'fanout_msg',
      parents: head,
      operations: { lww: { body: 'same' } },
    };
    const stored = new Promise<void>((resolve) => {
      const storage = internals(client).storage;
      const commit = storage.commit.bind(storage);
      storage.commit = async (batch) => {
        const out = await commit(batch);
        if (batch.states.some((s) => s.id === m.id && s.head.includes(quiet.id))) resolve();
        return out;
      };
    });
    expect(await internals(a.node).applyRemote([quiet], {})).toEqual([]); // no change announced on A
    await stored;
    expect((await internals(client).loadLocal('fanout_msg', m.id))?.head).toEqual([quiet.id]);
    onClient.unsubscribe();
  });

  test('a gap in a publisher sequence makes a node catch up from the database', async () => {
    const b = await durable(true);
    // C writes to the shared database without publishing anything: only a catch-up can show its commits.
    const c = await durable(false);
    const held = c.node.context().begin();
    const kept = await held.create(Msg, { room: 'r1', body: 'before', t: 0 });
    await held.commit();
    const onB = b.node.context().query(Msg, "room = 'r1'");
    await onB.loaded;
    expect(texts(onB.items)).toEqual(['before']);

    const trx = c.node.context().begin();
    await trx.create(Msg, { room: 'r1', body: 'unannounced', t: 0 });
    (await trx.edit(Msg, kept.id)).body = 'changed';
    await trx.commit();

    const caught = firstValueFrom(
      b.fanout!.events$.pipe(
        filter((e) => e.kind === 'caught-up'),
        timeout(5_000),
      ),
    );
    // A heartbeat of a publisher B never heard from, already at number 3: notices 1-3 are lost to B.
    await bus.raw(channel, JSON.stringify({ origin: 'elsewhere', seq: 3, items: [] }));
    expect(await caught).toMatchObject({ reason: 'gap', changed: 2 });
    expect(texts(onB.items)).toEqual(['changed', 'unannounced']);
    expect(b.fanout!.stats.gaps).toBe(1);
    onB.unsubscribe();
  });

  test('a lost bus connection is re-opened and followed by a catch-up', async () => {
    const b = await durable(true);
    const c = await durable(false);
    const onB = b.node.context().query(Msg, 'true');
    await onB.loaded;
    const trx = c.node.context().begin();
    await trx.create(Msg, { room: 'r9', body: 'while away', t: 0 });
    await trx.commit();

    const caught = firstValueFrom(
      b.fanout!.events$.pipe(
        filter((e) => e.reason === 'reconnect'),
        timeout(8_000),
      ),
    );
    expect(await bus.cut(channel)).toBeGreaterThanOrEqual(1);
    expect(await caught).toMatchObject({ kind: 'caught-up', changed: 1 });
    expect(texts(onB.items)).toEqual(['while away']);

    // And the fan-out works again after the reconnect.
    const a = await durable(true);
    const after = a.node.context().begin();
    await after.create(Msg, { room: 'r9', body: 'after', t: 0 });
    await after.commit();
    await until(onB, (items) => texts(items).includes('after'));
    onB.unsubscribe();
  });

  test('a malformed notice is reported on errors$ and changes nothing', async () => {
    const b = await durable(true);
    const error = firstValueFrom(b.node.errors$.pipe(timeout(5_000)));
    await bus.raw(channel, '{"origin": 42}');
    expect((await error).message).toMatch(/fan-out notice is malformed/);
    expect(b.fanout!.stats.received).toBe(0);
  });
});

test('bad input: a fan-out of an ephemeral node, a bad channel, an empty server list', async () => {
  const node = await Node.ephemeral(new MemoryStorage(), { models: [Msg] });
  await expect(PostgresFanout.start(node, { url: DATABASE_URL })).rejects.toThrow(/durable nodes/);
  const durable = await Node.durable(new MemoryStorage(), { models: [Msg] });
  const bad = PostgresFanout.start(durable, { url: DATABASE_URL, channel: 'no; drop' });
  await expect(bad).rejects.toBeInstanceOf(UnavailableError);
  await expect(bad).rejects.toThrow(/lower-case Postgres identifier/);
  await expect(SocketClient.connect(node, [])).rejects.toThrow(/non-empty list/);
  await durable.close();
  await node.close();
});
