import type Redis from 'ioredis';
import { UnavailableError } from '../errors/errors';
import { type Node } from '../node/node';
import { Fanout, type FanoutBus, type FanoutOptions } from './fanout';

/** Options of RedisFanout.start. */
export interface RedisFanoutOptions extends FanoutOptions {
  /** Redis URL (default REDIS_URL, else redis://127.0.0.1:6379). */
  readonly url?: string;
  /** The pub/sub channel every node of one deployment shares (default "ankurah"). */
  readonly channel?: string;
}

/**
 * The fan-out over Redis pub/sub (ioredis, an optional peer dependency): commits on one durable node reach the
 * live queries of the others. Redis only carries hints; the shared database stays the source of truth.
 */
export class RedisFanout {
  /** Starts the fan-out of a durable node on shared storage; UnavailableError when Redis cannot be reached. */
  static async start(node: Node, options: RedisFanoutOptions = {}): Promise<Fanout> {
    const url = options.url ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
    return Fanout.start(node, await redisBus(url, options.channel ?? 'ankurah'), options);
  }
}

async function redisBus(url: string, channel: string): Promise<FanoutBus> {
  const { default: IORedis } = await import('ioredis');
  // Publishing fails at once while Redis is away (no offline queue): receivers see the gap and catch up.
  const options = { lazyConnect: true, enableOfflineQueue: false, maxRetriesPerRequest: 0 } as const;
  const pub: Redis = new IORedis(url, options);
  // Named for monitoring (CLIENT LIST shows which connections are fan-out listeners).
  const sub: Redis = new IORedis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectionName: `ankurah_fanout:${channel}`,
  });
  // ioredis reconnects by itself; errors in between are expected, and the resumed callback catches up.
  pub.on('error', () => undefined);
  sub.on('error', () => undefined);
  try {
    await Promise.all([pub.connect(), sub.connect()]);
  } catch (e) {
    pub.disconnect();
    sub.disconnect();
    throw UnavailableError.redisUnreachable(describe(url), e);
  }
  return {
    publish: async (payload) => {
      try {
        await pub.publish(channel, payload);
      } catch (e) {
        throw UnavailableError.redisPublishFailed(describe(url), e);
      }
    },
    listen: async (receive, resumed) => {
      sub.on('message', (ch: string, payload: string) => {
        if (ch === channel) receive(payload);
      });
      await sub.subscribe(channel);
      // After a reconnect ('ready' again): catch up once subscribed, so nothing falls between read and listen.
      sub.on('ready', () => {
        sub.subscribe(channel).then(resumed, () => undefined);
      });
    },
    close: async () => {
      pub.disconnect();
      sub.disconnect();
    },
  };
}

function describe(url: string): string {
  try {
    const u = new URL(url);
    return `${u.hostname}:${u.port || '6379'}`;
  } catch {
    return 'an invalid URL';
  }
}
