/* Core benchmark: creates and edits on an in-memory durable node vs plain objects with ULID ids in a Map. */
import 'reflect-metadata';
import { validate, validateSync } from 'class-validator';
import { MemoryStorage, Node, modelMeta } from 'ankurah';
import { newId } from '../src/event/ids';
import { checkValues } from '../src/model/validate';
import { Album } from '../samples/albums/models';
import { rate, row, time } from './stats';

const N = 10_000;
const ROUNDS = 7;

function data(i: number): { name: string; artist: string; year: number; notes: string } {
  return { name: `Album ${i}`, artist: `Artist ${i % 100}`, year: 1950 + (i % 100), notes: '' };
}

async function baseline(): Promise<{
  create: number;
  edit: number;
  validation: number;
  validationSync: number;
  checks: number;
}> {
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
  const validation = await time(async () => {
    for (let i = 0; i < N; i++) {
      const o = Object.assign(Object.create(Album.prototype) as object, data(i));
      await validate(o, { forbidUnknownValues: false });
    }
  });
  const validationSync = await time(() => {
    for (let i = 0; i < N; i++) {
      const o = Object.assign(Object.create(Album.prototype) as object, data(i));
      validateSync(o, { forbidUnknownValues: false });
    }
  });
  const meta = modelMeta(Album);
  const checks = await time(() => {
    for (let i = 0; i < N; i++) void checkValues(meta, data(i));
  });
  return { create, edit, validation, validationSync, checks };
}

async function framework(): Promise<{ oneTrx: number; manyTrx: number; edits: number }> {
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
  return { oneTrx, manyTrx, edits };
}

/** Best of several rounds of each side, alternating (so machine load and GC luck hit both alike). */
async function best(): Promise<{
  base: Awaited<ReturnType<typeof baseline>>;
  fw: Awaited<ReturnType<typeof framework>>;
}> {
  const lowest = <T extends Record<string, number>>(acc: T | undefined, next: T): T => {
    if (!acc) return next;
    const out: Record<string, number> = { ...acc };
    for (const [k, v] of Object.entries(next)) out[k] = Math.min(out[k] ?? v, v);
    return out as T;
  };
  let base: Awaited<ReturnType<typeof baseline>> | undefined;
  let fw: Awaited<ReturnType<typeof framework>> | undefined;
  for (let r = 0; r < ROUNDS; r++) {
    base = lowest(base, await baseline());
    fw = lowest(fw, await framework());
  }
  return { base: base as NonNullable<typeof base>, fw: fw as NonNullable<typeof fw> };
}

export async function run(): Promise<void> {
  const { base, fw } = await best();
  console.log(
    `core: ${N.toLocaleString('en-US')} albums, MemoryStorage, durable node, best of ${ROUNDS} rounds`,
  );
  row('operation', 'ms', 'ops/s', 'x baseline');
  row('baseline: Map create (ULID ids, plain objects)', base.create.toFixed(1), rate(N, base.create), '1.0');
  const v = base.validation;
  row('class-validator validate() alone, per album', v.toFixed(1), rate(N, v), (v / base.create).toFixed(1));
  const vs = base.validationSync;
  row('class-validator validateSync() alone', vs.toFixed(1), rate(N, vs), (vs / base.create).toFixed(1));
  const c = base.checks;
  row(
    'the same constraints as commit checks them, alone',
    c.toFixed(1),
    rate(N, c),
    (c / base.create).toFixed(1),
  );
  row(
    'create + commit, one transaction',
    fw.oneTrx.toFixed(1),
    rate(N, fw.oneTrx),
    (fw.oneTrx / base.create).toFixed(1),
  );
  row(
    'create + commit, one transaction each',
    fw.manyTrx.toFixed(1),
    rate(N, fw.manyTrx),
    (fw.manyTrx / base.create).toFixed(1),
  );
  row('baseline: Map single-field edit', base.edit.toFixed(1), rate(N, base.edit), '1.0');
  row(
    'single-field edit, one transaction each',
    fw.edits.toFixed(1),
    rate(N, fw.edits),
    (fw.edits / base.edit).toFixed(1),
  );
}
