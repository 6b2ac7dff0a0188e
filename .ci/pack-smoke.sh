#!/usr/bin/env bash
# Packs the package, installs the tarball into a fresh project and loads the entries with require and import
# (ankurah/nest needs NestJS installed: test/regressions/npm-pack.test.ts covers it).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
tarball="$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -n 1)"
cd "$work"
npm init -y >/dev/null
# Peer dependencies come from the project's own lock-pinned copies (no second download of better-sqlite3's build).
npm install --no-audit --no-fund --ignore-scripts "$work/$tarball" \
  "$root/node_modules/reflect-metadata" "$root/node_modules/class-validator" "$root/node_modules/rxjs" \
  "$root/node_modules/yjs" "$root/node_modules/typeorm" "$root/node_modules/react" >/dev/null
cat > smoke.cjs <<'JS'
require('reflect-metadata');
const missing = [];
const root = require('ankurah');
const typeorm = require('ankurah/typeorm');
const server = require('ankurah/server');
const react = require('ankurah/react');
const spi = require('ankurah/spi');
const indexeddb = require('ankurah/indexeddb');
if (!indexeddb.IndexedDbStorage) missing.push('ankurah/indexeddb.IndexedDbStorage');
for (const name of ['Node', 'MemoryStorage', 'Model', 'Field', 'PermissiveAgent', 'parseSelection', 'AnkurahError']) {
  if (!root[name]) missing.push('ankurah.' + name);
}
for (const name of ['useLiveQuery', 'useView', 'AnkurahProvider', 'useContext', 'useAnkurahContext']) {
  if (!react[name]) missing.push('ankurah/react.' + name);
}
if (spi.PROTOCOL_VERSION === undefined) missing.push('ankurah/spi.PROTOCOL_VERSION');
if (missing.length) { console.error('missing exports: ' + missing.join(', ')); process.exit(1); }
(async () => {
  const node = await root.Node.durable(new root.MemoryStorage());
  await node.close();
  console.log('pack smoke: ankurah, ankurah/typeorm (' + Object.keys(typeorm).length + ' exports), ankurah/server (' +
    Object.keys(server).length + ' exports), ankurah/react (' + Object.keys(react).length +
    ' exports), ankurah/indexeddb (' + Object.keys(indexeddb).length + ' exports), ankurah/spi load from the installed tarball');
})().catch((e) => { console.error(e); process.exit(1); });
JS
cat > smoke.mjs <<'JS'
import 'reflect-metadata';
import { Node, MemoryStorage } from 'ankurah';
import { SqliteStorage } from 'ankurah/typeorm';
import { SocketServer } from 'ankurah/server';
const node = await Node.durable(new MemoryStorage());
await node.close();
if (typeof SqliteStorage.open !== 'function' || typeof SocketServer.listen !== 'function') process.exit(1);
console.log('pack smoke: the ESM build (import condition) loads from the installed tarball');
JS
node smoke.cjs
node smoke.mjs
