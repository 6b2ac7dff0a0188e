import { randomBytes } from 'node:crypto';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { MemoryStorage, Node, SocketClient, type LiveQuery } from 'ankurah';
import { PostgresStorage } from 'ankurah/typeorm';
import { Msg } from '../../fixtures/fanout-model';
import { DATABASE_URL, dropSchema, postgresAvailable, testSchema } from '../storage/postgres-env';
import { redisAvailable, removeServerScript, spawnServer, type ServerProcess } from './env';

const pg = postgresAvailable();
const buses = [...(pg && redisAvailable() ? ['redis'] : []), ...(pg ? ['postgres'] : [])];

function until<T extends object>(
  q: LiveQuery<T>,
  pred: (items: readonly T[]) => boolean,
): Promise<readonly T[]> {
  return firstValueFrom(q.items$.pipe(filter(pred), timeout(8_000)));
}
const bodies = (items: readonly Msg[]): string[] => items.map((m) => m.body).sort();

(buses.length > 0 ? describe.each(buses) : describe.skip.each(['redis']))(
  'two server processes on one Postgres schema, fan-out over %s',
  (bus) => {
    const schema = testSchema();
    const channel = `ankurah_f_${randomBytes(5).toString('hex')}`;
    const servers: ServerProcess[] = [];
    const nodes: Node[] = [];
    const conns: SocketClient[] = [];

    beforeAll(async () => {
      // The tables are created once, before the servers start together.
      const setup = await Node.durable(await PostgresStorage.open(DATABASE_URL, { schema, shared: true }), {
        models: [Msg],
      });
      await setup.close();
      servers.push(
        ...(await Promise.all([1, 2].map(() => spawnServer([DATABASE_URL, schema, bus, channel])))),
      );
    });
    afterAll(async () => {
      for (const c of conns) c.close();
      for (const n of nodes) await n.close();
      for (const s of servers) {
        s.child.stdin?.end();
        s.child.kill('SIGKILL');
        await s.exited;
      }
      await dropSchema(schema);
      removeServerScript();
    });

    const client = async (urls: string | string[]): Promise<{ node: Node; conn: SocketClient }> => {
      const node = await Node.ephemeral(new MemoryStorage(), { models: [Msg] });
      nodes.push(node);
      const conn = await SocketClient.connect(node, urls, { reconnectionDelay: 200 });
      conns.push(conn);
      return { node, conn };
    };
    const commit = async (node: Node, body: string): Promise<void> => {
      const trx = node.context().begin();
      await trx.create(Msg, { room: 'r', body, t: 0 });
      await trx.commit();
    };

    test('clients move to the next server when theirs is killed, with their queued commits and live queries', async () => {
      const [s1, s2] = servers as [ServerProcess, ServerProcess];
      const x = await client([s1.url, s2.url]);
      const x2 = await client([s1.url, s2.url]);
      const y = await client(s2.url);
      const qx = x.node.context().query(Msg, "room = 'r'");
      const qx2 = x2.node.context().query(Msg, "room = 'r'");
      const qy = y.node.context().query(Msg, "room = 'r'");
      await Promise.all([qx.loaded, qx2.loaded, qy.loaded]);
      expect(x.conn.url).toBe(s1.url);

      // Before the kill: commits through either server reach the clients of the other (the fan-out).
      await commit(y.node, 'y1');
      await Promise.all([
        until(qx, (i) => bodies(i).includes('y1')),
        until(qx2, (i) => bodies(i).includes('y1')),
      ]);
      await commit(x.node, 'x1');
      await until(qy, (i) => bodies(i).includes('x1'));

      s1.child.kill('SIGKILL');
      await firstValueFrom(x.conn.connected$.pipe(filter((c) => !c)));
      // Offline: the commit is kept and queued until a server is reached.
      await commit(x.node, 'x2 queued');
      expect(await firstValueFrom(x.node.pending$)).toBe(1);
      await firstValueFrom(x.conn.connected$.pipe(filter((c) => c)));
      expect(x.conn.url).toBe(s2.url);
      await firstValueFrom(
        x.node.pending$.pipe(
          filter((n) => n === 0),
          timeout(8_000),
        ),
      );
      await until(qy, (i) => bodies(i).includes('x2 queued'));
      await until(qx2, (i) => bodies(i).includes('x2 queued'));

      // After the move: the live queries keep emitting, in both directions.
      await commit(y.node, 'y2');
      await until(qx, (i) => bodies(i).includes('y2'));
      await commit(x2.node, 'x3');
      await until(qy, (i) => bodies(i).includes('x3'));
      const all = ['x1', 'x2 queued', 'x3', 'y1', 'y2'];
      await until(qx, (i) => bodies(i).join() === all.join());
      expect(bodies(qy.items)).toEqual(all);
      expect(bodies(qx2.items)).toEqual(all);
      expect(await s1.exited).toBeNull();

      // A client given a dead server first moves on to the live one at connect time.
      const late = await client([s1.url, s2.url]);
      expect(late.conn.url).toBe(s2.url);
      const ql = late.node.context().query(Msg, "room = 'r'");
      await ql.loaded;
      expect(bodies(ql.items)).toEqual(all);
    });
  },
);
