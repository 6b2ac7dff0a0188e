/*
 * Child process of bench/sync.ts: a bare Socket.IO server, the raw baselines across processes.
 * - `echo`: answers with what it got (the raw round trip).
 * - `relay`: the floor of a durable relay written by hand. One commit-like frame from one client: the event row
 *   and the entity's state row written in one SQLite transaction (WAL, synchronous=NORMAL, exclusive locking,
 *   the tables and indexes our SqliteStorage makes for Album, statements prepared once), then the state pushed
 *   to the clients that sent `watch`, then the answer (the state) to the sender. No validation, no policy, no
 *   causal checks.
 */
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Server, type Socket } from 'socket.io';

/** What a relayed frame carries: one event, as our commit frames do. */
export interface RelayFrame {
  readonly id: number;
  readonly events: readonly {
    readonly id: string;
    readonly entityId: string;
    readonly parents: readonly string[];
    readonly operations: { readonly lww: Record<string, unknown> };
  }[];
}

/** An entity's state as the relay keeps and sends it: the shape of our wire states. */
interface RelayState {
  id: string;
  collection: string;
  head: string[];
  deleted: boolean;
  lww: Record<string, [unknown, string][]>;
  text: Record<string, never>;
  values: Record<string, unknown>;
}

const dir = mkdtempSync(join(tmpdir(), 'ankurah-relay-'));
const db = new Database(join(dir, 'relay.db'));
db.pragma('locking_mode = EXCLUSIVE');
db.pragma('journal_mode = WAL');
db.pragma('synchronous = NORMAL');
db.exec(`
  CREATE TABLE "album" ("id" text PRIMARY KEY NOT NULL, "_head" text NOT NULL, "_deleted" integer NOT NULL DEFAULT (0),
    "_mismatch" integer NOT NULL DEFAULT (0), "_state" text NOT NULL, "_values" text, "name" text, "artist" text,
    "year" real, "rating" real, "notes" text, "meta" text);
  CREATE INDEX "album__mismatch_idx" ON "album" ("_mismatch") WHERE "_mismatch" = 1;
  CREATE INDEX "album_year_idx" ON "album" ("year");
  CREATE TABLE "album_events" ("id" text PRIMARY KEY NOT NULL, "entity_id" text NOT NULL, "parents" text NOT NULL,
    "operations" text NOT NULL) WITHOUT ROWID;
  CREATE INDEX "album_events_entity_idx" ON "album_events" ("entity_id", "id");
`);
const insertEvent = db.prepare<unknown[]>(
  'INSERT INTO "album_events" ("id", "entity_id", "parents", "operations") VALUES (?, ?, ?, ?) ON CONFLICT ("id") DO NOTHING',
);
const upsertState = db.prepare<unknown[]>(
  'INSERT INTO "album" ("id", "_head", "_deleted", "_mismatch", "_state", "_values", "name", "artist", "year", "rating", "notes", "meta") ' +
    'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT ("id") DO UPDATE SET "_head" = EXCLUDED."_head", ' +
    '"_deleted" = EXCLUDED."_deleted", "_mismatch" = EXCLUDED."_mismatch", "_state" = EXCLUDED."_state", ' +
    '"_values" = EXCLUDED."_values", "name" = EXCLUDED."name", "artist" = EXCLUDED."artist", "year" = EXCLUDED."year", ' +
    '"rating" = EXCLUDED."rating", "notes" = EXCLUDED."notes", "meta" = EXCLUDED."meta"',
);
const states = new Map<string, RelayState>();

/** Applies a frame's events to the kept states and writes their rows in one transaction; returns the states. */
const store = db.transaction((frame: RelayFrame): RelayState[] => {
  const touched: RelayState[] = [];
  for (const e of frame.events) {
    let s = states.get(e.entityId);
    if (!s) {
      s = { id: e.entityId, collection: 'album', head: [], deleted: false, lww: {}, text: {}, values: {} };
      states.set(e.entityId, s);
    }
    for (const [k, v] of Object.entries(e.operations.lww)) {
      s.lww[k] = [[v, e.id]];
      s.values[k] = v;
    }
    s.head = [e.id];
    insertEvent.run([e.id, e.entityId, JSON.stringify(e.parents), JSON.stringify(e.operations)]);
    const v = s.values;
    upsertState.run([
      s.id,
      JSON.stringify(s.head),
      0,
      0,
      JSON.stringify({ lww: s.lww, text: s.text }),
      JSON.stringify(v),
      v.name ?? null,
      v.artist ?? null,
      v.year ?? null,
      v.rating ?? null,
      v.notes ?? null,
      v.meta === undefined ? null : JSON.stringify(v.meta),
    ]);
    touched.push(s);
  }
  return touched;
});

const watchers = new Set<Socket>();
const http = createServer();
const ioServer = new Server(http, { serveClient: false });
ioServer.on('connection', (s) => {
  s.on('echo', (x: unknown, ack: (x: unknown) => void) => ack(x));
  s.on('watch', (_x: unknown, ack: (x: unknown) => void) => {
    watchers.add(s);
    s.once('disconnect', () => watchers.delete(s));
    ack(true);
  });
  s.on('relay', (frame: RelayFrame, ack: (x: unknown) => void) => {
    const touched = store(frame);
    const push = { states: touched, gone: [] };
    for (const w of watchers) if (w !== s) w.emit('relayed', push);
    ack({ id: frame.id, ok: true, result: push });
  });
});
http.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` });
});
process.on('message', (msg: string) => {
  if (msg === 'close')
    void ioServer.close(() => {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      process.exit(0);
    });
});
