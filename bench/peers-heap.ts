/* Child process of the peers-like bench: holds N albums one way, prints the retained heap in bytes (after GC). */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { albums, PlAlbum } from './peers-models';
import { tinyStore } from './peers-tinybase';

function heap(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  for (let i = 0; i < 3; i++) gc();
  return process.memoryUsage().heapUsed;
}

async function main(): Promise<void> {
  const [kind, count] = process.argv.slice(2);
  const n = Number(count);
  const data = albums(n);
  const before = heap();
  let keep: unknown;
  if (kind === 'ours' || kind === 'storage') {
    const storage = new MemoryStorage();
    const node = await Node.durable(storage, { models: [PlAlbum] });
    const ctx = node.context();
    for (let b = 0; b < n; b += 10_000) {
      const trx = ctx.begin();
      for (let i = b; i < Math.min(n, b + 10_000); i++) await trx.create(PlAlbum, { ...data[i]! });
      await trx.commit();
    }
    // 'storage': the node is closed and dropped, so only what MemoryStorage itself retains is counted.
    if (kind === 'storage') await node.close();
    keep = kind === 'storage' ? storage : node;
  } else if (kind === 'array') {
    let id = 0;
    keep = data.map((a) => ({ id: `01J${(id++).toString(36).padStart(23, '0')}`, ...a }));
  } else if (kind === 'rxdb') {
    const { createRxDatabase } = await import('rxdb');
    const { getRxStorageMemory } = await import('rxdb/plugins/storage-memory');
    const db = await createRxDatabase({ name: 'heap', storage: getRxStorageMemory() });
    await db.addCollections({ albums: { schema: RX_SCHEMA } });
    let id = 0;
    await db.albums!.bulkInsert(
      data.map((a) => ({ id: `01J${(id++).toString(36).padStart(23, '0')}`, ...a })),
    );
    // Its memory storage fills its documents map and indexes later (on idle or the next read): a read makes
    // it do so now, so the heap holds the albums as RxDB keeps them.
    const stored = await db.albums!.storageInstance.findDocumentsById([`01J${'0'.padStart(23, '0')}`], false);
    if (stored.length !== 1) throw new Error('RxDB did not store the first album');
    keep = db;
  } else if (kind === 'tinybase') {
    keep = tinyStore(data);
  } else throw new Error(`unknown kind ${kind}`);
  const after = heap();
  process.stdout.write(JSON.stringify({ bytes: after - before, alive: keep !== undefined }));
  process.exit(0);
}

/** The RxDB schema of an album (the same fields; year indexed). */
export const RX_SCHEMA = {
  version: 0,
  primaryKey: 'id',
  type: 'object',
  properties: {
    id: { type: 'string', maxLength: 40 },
    name: { type: 'string', maxLength: 40 },
    artist: { type: 'string' },
    year: { type: 'integer', minimum: 1900, maximum: 2100, multipleOf: 1 },
  },
  required: ['id', 'name', 'artist', 'year'],
  indexes: ['year', 'name'],
} as const;

if (require.main === module) {
  main().catch((e: unknown) => {
    console.error(e);
    process.exit(1);
  });
}
