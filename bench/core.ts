/* Core benchmark: creates and edits on an in-memory durable node vs plain objects with ULID ids in a Map. */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { newId } from '../src/event/ids';
import { Album } from '../samples/albums/models';
import { rate, row, time } from './stats';

const N = 10_000;

function data(i: number): { name: string; artist: string; year: number; notes: string } {
  return { name: `Album ${i}`, artist: `Artist ${i % 100}`, year: 1950 + (i % 100), notes: '' };
}

async function baseline(): Promise<{ create: number; edit: number }> {
  const map = new Map<string, Record<string, unknown>>();
  const ids: string[] = [];
  const create = await time(() => {
    for (let i = 0; i < N; i++) {
      const id = newId();
      map.set(id, { id, ...data(i) });
      ids.push(id);
    }
  });
  const edit = await time(() => {
    for (let i = 0; i < N; i++) {
      const o = map.get(ids[i] as string) as Record<string, unknown>;
      map.set(o.id as string, { ...o, year: 2000 });
    }
  });
  return { create, edit };
}

async function warmUp(): Promise<void> {
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const ctx = node.context();
  for (let r = 0; r < 3; r++) {
    const trx = ctx.begin();
    for (let i = 0; i < 2000; i++) await trx.create(Album, data(i));
    await trx.commit();
  }
  await node.close();
}

export async function run(): Promise<void> {
  await baseline();
  await warmUp();
  const base = await baseline();
  const node = await Node.durable(new MemoryStorage(), { models: [Album] });
  const ctx = node.context();
  const ids: string[] = [];
  const oneTrx = await time(async () => {
    const trx = ctx.begin();
    for (let i = 0; i < N; i++) ids.push((await trx.create(Album, data(i))).id);
    await trx.commit();
  });
  const manyTrx = await time(async () => {
    for (let i = 0; i < N; i++) {
      const trx = ctx.begin();
      await trx.create(Album, data(i));
      await trx.commit();
    }
  });
  const edits = await time(async () => {
    for (let i = 0; i < N; i++) {
      const trx = ctx.begin();
      (await trx.edit(Album, ids[i] as string)).year = 2000;
      await trx.commit();
    }
  });
  await node.close();

  console.log(`core: ${N.toLocaleString('en-US')} albums, MemoryStorage, durable node`);
  row('operation', 'ms', 'ops/s', 'x baseline');
  row('baseline: Map create (ULID ids, plain objects)', base.create.toFixed(1), rate(N, base.create), '1.0');
  row(
    'create + commit, one transaction',
    oneTrx.toFixed(1),
    rate(N, oneTrx),
    (oneTrx / base.create).toFixed(1),
  );
  row(
    'create + commit, one transaction each',
    manyTrx.toFixed(1),
    rate(N, manyTrx),
    (manyTrx / base.create).toFixed(1),
  );
  row('baseline: Map single-field edit', base.edit.toFixed(1), rate(N, base.edit), '1.0');
  row(
    'single-field edit, one transaction each',
    edits.toFixed(1),
    rate(N, edits),
    (edits / base.edit).toFixed(1),
  );
}
