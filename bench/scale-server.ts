/*
 * Child process of bench/scale.ts: one server. `ankurah`: a durable node on the shared Postgres schema with the
 * Redis fan-out and a SocketServer. `raw`: the baseline, a bare Socket.IO server relaying through Redis pub/sub
 * (clients join a room; a published message is emitted to that room by every server).
 */
import 'reflect-metadata';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import Redis from 'ioredis';
import { Server } from 'socket.io';
import { Node } from 'ankurah';
import { RedisFanout, SocketServer } from 'ankurah/server';
import { PostgresStorage } from 'ankurah/typeorm';
import { Msg } from '../test/fixtures/fanout-model';

interface Setup {
  readonly mode: 'ankurah' | 'raw';
  readonly db: string;
  readonly schema: string;
  readonly redis: string;
  readonly channel: string;
}

async function ankurah(s: Setup): Promise<{ port: number; close: () => Promise<void> }> {
  const node = await Node.durable(await PostgresStorage.open(s.db, { schema: s.schema, shared: true }), {
    models: [Msg],
  });
  const fanout = await RedisFanout.start(node, { url: s.redis, channel: s.channel });
  const srv = await SocketServer.listen(node, {
    port: 0,
    host: '127.0.0.1',
    limits: { maxConnections: 100_000 },
  });
  return {
    port: srv.port,
    close: async () => {
      await srv.close();
      await fanout.close();
      await node.close();
    },
  };
}

async function raw(s: Setup): Promise<{ port: number; close: () => Promise<void> }> {
  const pub = new Redis(s.redis);
  const sub = new Redis(s.redis);
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  io.on('connection', (socket) => {
    socket.on('join', (room: string, ack: () => void) => {
      void socket.join(room);
      ack();
    });
    socket.on('pub', (msg: { room: string }, ack: () => void) => {
      pub.publish(s.channel, JSON.stringify(msg)).then(ack, ack);
    });
  });
  sub.on('message', (_ch: string, payload: string) => {
    const msg = JSON.parse(payload) as { room: string };
    io.to(msg.room).emit('msg', msg);
  });
  await sub.subscribe(s.channel);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  return {
    port: (http.address() as AddressInfo).port,
    close: async () => {
      await new Promise<void>((r) => void io.close(() => r()));
      pub.disconnect();
      sub.disconnect();
    },
  };
}

process.once('message', (s: Setup) => {
  void (s.mode === 'ankurah' ? ankurah(s) : raw(s)).then((srv) => {
    process.send?.({ port: srv.port });
    process.on('message', (m: string) => {
      if (m === 'close') void srv.close().then(() => process.exit(0));
    });
  });
});
