/*
 * Scale-out load: 2 and 4 server processes on loopback sharing one Postgres schema through the Redis fan-out,
 * 1,000 simulated clients (each with its own connection and live query) in a few client processes, closed-loop
 * writers (one per room) for a bounded time. Per server count: commits/s and p50/p99 from a commit to the
 * emission of a client connected to another server; against a bare Socket.IO + Redis relay in the same run.
 * Needs Postgres (DATABASE_URL) and Redis (REDIS_URL). Options: --clients N --seconds S.
 */
import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { Node } from 'ankurah';
import { PostgresStorage } from 'ankurah/typeorm';
import { Msg } from '../test/fixtures/fanout-model';
import { type ClientSetup } from './scale-client';
import { percentile, row } from './stats';

const DB = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const REDIS = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
};
const CLIENTS = arg('clients', 1_000);
const SECONDS = arg('seconds', 5);
const ROOMS = 10;
const CLIENT_PROCESSES = 4;
const TS_CHILD = ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register'];

type Mode = 'ankurah' | 'raw';
interface Result {
  readonly commits: number;
  readonly seconds: number;
  readonly samples: number[];
  readonly emissions: number;
}

function spawnChild(script: string): ChildProcess {
  return fork(join(__dirname, script), [], { execArgv: TS_CHILD });
}

/** The next message of `kind` from a child. */
function reply<T>(p: ChildProcess, kind?: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const on = (m: { kind?: string }): void => {
      if (kind && m.kind !== kind) return;
      p.off('message', on);
      resolve(m as T);
    };
    p.on('message', on);
    p.once('exit', (code) => reject(new Error(`${kind ?? 'server'} process exited (${code})`)));
  });
}

async function once(mode: Mode, servers: number): Promise<Result> {
  const schema = `ankurah_scale_${randomBytes(5).toString('hex')}`;
  const channel = `ankurah_scale_${randomBytes(5).toString('hex')}`;
  if (mode === 'ankurah') {
    const setup = await Node.durable(await PostgresStorage.open(DB, { schema, shared: true }), {
      models: [Msg],
    });
    await setup.close();
  }
  const procs = Array.from({ length: servers }, () => spawnChild('scale-server.ts'));
  const urls = await Promise.all(
    procs.map(async (p) => {
      const ready = reply<{ port: number }>(p);
      p.send({ mode, db: DB, schema, redis: REDIS, channel });
      return `http://127.0.0.1:${(await ready).port}`;
    }),
  );
  const per = Math.ceil(CLIENTS / CLIENT_PROCESSES);
  const clients = Array.from({ length: CLIENT_PROCESSES }, () => spawnChild('scale-client.ts'));
  await Promise.all(
    clients.map((c, i) => {
      const setup: ClientSetup = {
        mode,
        urls,
        first: i * per,
        count: Math.max(0, Math.min(per, CLIENTS - i * per)),
        rooms: ROOMS,
        writers: Array.from({ length: ROOMS }, (_, r) => r).filter((r) => r % CLIENT_PROCESSES === i),
      };
      const ready = reply(c, 'ready');
      c.send({ kind: 'setup', setup });
      return ready;
    }),
  );
  const written = await Promise.all(
    clients.map((c) => {
      const done = reply<{ commits: number }>(c, 'written');
      c.send({ kind: 'go', ms: SECONDS * 1_000 });
      return done;
    }),
  );
  // Emissions still in flight when the writers stop are let through (until the count settles, at most 20 s).
  const report = (): Promise<{ samples: number[]; seen: number }[]> =>
    Promise.all(
      clients.map((c) => {
        const r = reply<{ samples: number[]; seen: number }>(c, 'report');
        c.send({ kind: 'report' });
        return r;
      }),
    );
  let reports = await report();
  for (let i = 0; i < 40; i++) {
    await new Promise((r) => setTimeout(r, 500));
    const next = await report();
    const total = (rs: { seen: number }[]): number => rs.reduce((a, r) => a + r.seen, 0);
    const settled = total(next) === total(reports);
    reports = next;
    if (settled) break;
  }
  for (const c of [...clients, ...procs]) {
    c.removeAllListeners('exit');
    c.send(clients.includes(c) ? { kind: 'close' } : 'close');
  }
  await Promise.all([...clients, ...procs].map((c) => new Promise((r) => c.once('exit', r))));
  if (mode === 'ankurah') {
    const pg = new Client({ connectionString: DB });
    await pg.connect();
    await pg.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pg.end();
  }
  return {
    commits: written.reduce((a, w) => a + w.commits, 0),
    seconds: SECONDS,
    samples: reports.flatMap((r) => r.samples),
    emissions: reports.reduce((a, r) => a + r.seen, 0),
  };
}

export async function run(): Promise<void> {
  console.log(
    `  ${CLIENTS} clients with a live query each (${ROOMS} rooms, ${CLIENT_PROCESSES} client processes), ` +
      `${ROOMS} closed-loop writers for ${SECONDS} s; latency: commit -> emission at a client of another server`,
  );
  row('', 'commits/s', 'remote emits/s', 'p50 ms', 'p99 ms');
  for (const servers of [2, 4]) {
    const res: Partial<Record<Mode, Result>> = {};
    for (const mode of ['raw', 'ankurah'] as const) {
      const r = await once(mode, servers);
      res[mode] = r;
      row(
        `${servers} servers, ${mode === 'raw' ? 'raw Socket.IO + Redis relay' : 'Ankurah + RedisFanout'}`,
        (r.commits / r.seconds).toFixed(0),
        (r.emissions / r.seconds).toFixed(0),
        percentile(r.samples, 50).toFixed(2),
        percentile(r.samples, 99).toFixed(2),
      );
    }
    const a = res.ankurah as Result;
    const b = res.raw as Result;
    row(
      `${servers} servers, Ankurah / raw`,
      `${(a.commits / b.commits).toFixed(2)}x`,
      `${(a.emissions / b.emissions).toFixed(2)}x`,
      `${(percentile(a.samples, 50) / percentile(b.samples, 50)).toFixed(1)}x`,
      `${(percentile(a.samples, 99) / percentile(b.samples, 99)).toFixed(1)}x`,
    );
  }
}
