import type { Client, Notification } from 'pg';
import { UnavailableError } from '../errors/errors';
import { type Node } from '../node/node';
import { Fanout, type FanoutBus, type FanoutOptions } from './fanout';

/** Options of PostgresFanout.start. */
export interface PostgresFanoutOptions extends FanoutOptions {
  /** The database URL (default DATABASE_URL): the database the nodes share. */
  readonly url?: string;
  /** The LISTEN/NOTIFY channel every node of one deployment shares (default "ankurah"). */
  readonly channel?: string;
  /** First delay (ms, default 100) before reconnecting a lost listening connection; doubles up to 5 000. */
  readonly reconnectDelay?: number;
}

/**
 * The fan-out over Postgres LISTEN/NOTIFY: no service besides the shared database. One connection per node
 * listens and notifies; when it is lost it is opened again, and the node catches up from the database.
 */
export class PostgresFanout {
  /** Starts the fan-out of a durable node on shared storage; UnavailableError when Postgres cannot be reached. */
  static async start(node: Node, options: PostgresFanoutOptions = {}): Promise<Fanout> {
    const url = options.url ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
    const channel = options.channel ?? 'ankurah';
    if (!/^[a-z_][a-z0-9_]{0,62}$/.test(channel)) {
      throw UnavailableError.fanoutChannel(channel);
    }
    return Fanout.start(node, postgresBus(url, channel, options.reconnectDelay ?? 100), options);
  }
}

function postgresBus(url: string, channel: string, firstDelay: number): FanoutBus {
  let client: Client | undefined;
  let closed = false;
  let delay = firstDelay;
  const open = async (receive: (payload: string) => void): Promise<Client> => {
    const { Client: PgClient } = await import('pg');
    // Named for monitoring (pg_stat_activity shows which connections are fan-out listeners).
    const c = new PgClient({ connectionString: url, application_name: `ankurah_fanout:${channel}` });
    c.on('notification', (n: Notification) => {
      if (n.channel === channel && n.payload !== undefined) receive(n.payload);
    });
    c.on('error', () => undefined);
    try {
      await c.connect();
      await c.query(`LISTEN ${channel}`);
    } catch (e) {
      await c.end().catch(() => undefined);
      throw UnavailableError.fanoutListenFailed(e);
    }
    return c;
  };
  const watch = (c: Client, receive: (payload: string) => void, resumed: () => void): void => {
    c.once('end', () => {
      if (client === c) client = undefined;
      const retry = (): void => {
        if (closed) return;
        open(receive).then(
          (next) => {
            if (closed) return void next.end().catch(() => undefined);
            client = next;
            delay = firstDelay;
            watch(next, receive, resumed);
            resumed();
          },
          () => {
            delay = Math.min(5_000, delay * 2);
            setTimeout(retry, delay).unref();
          },
        );
      };
      setTimeout(retry, delay * (0.5 + Math.random())).unref();
    });
  };
  return {
    publish: async (payload) => {
      if (!client) throw UnavailableError.fanoutReopening();
      try {
        await client.query('SELECT pg_notify($1, $2)', [channel, payload]);
      } catch (e) {
        throw UnavailableError.fanoutNotifyFailed(e);
      }
    },
    listen: async (receive, resumed) => {
      client = await open(receive);
      watch(client, receive, resumed);
    },
    close: async () => {
      closed = true;
      const c = client;
      client = undefined;
      await c?.end().catch(() => undefined);
    },
  };
}
