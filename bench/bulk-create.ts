/* The bulk-create row of peers-like alone: 10,000 albums created in one transaction on MemoryStorage. */
import 'reflect-metadata';
import { MemoryStorage, Node } from 'ankurah';
import { albums, PlAlbum } from './peers-models';
import { profileHooks } from './profile';

const N = Number(process.env.BULK ?? 10_000);
const RUNS = Number(process.env.RUNS ?? 10);

async function once(
  data: ReturnType<typeof albums>,
): Promise<{ wall: number; cpu: number; creates: number }> {
  const node = await Node.durable(new MemoryStorage(), { models: [PlAlbum] });
  const ctx = node.context();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const trx = ctx.begin();
  for (const a of data) await trx.create(PlAlbum, { ...a });
  const c1 = process.cpuUsage(c0);
  await trx.commit();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  await node.close();
  return { wall, cpu: (c.user + c.system) / 1000, creates: (c1.user + c1.system) / 1000 };
}

async function main(): Promise<void> {
  const data = albums(N);
  const walls: number[] = [];
  const cpus: number[] = [];
  const creates: number[] = [];
  const prof = process.env.PROF;
  const hooks = prof ? profileHooks(prof, 'cpu', 100) : undefined;
  let profiling = false;
  for (let r = 0; r < RUNS; r++) {
    if (hooks && r === Number(process.env.PROF_FROM ?? 2)) {
      await hooks.start();
      profiling = true;
    }
    const { wall, cpu, creates: cr } = await once(data);
    walls.push(wall);
    if (process.env.EACH)
      console.log(`run ${r}: wall ${wall.toFixed(1)}ms cpu ${cpu.toFixed(1)}ms creates ${cr.toFixed(1)}ms`);
    cpus.push(cpu);
    creates.push(cr);
  }
  if (profiling) await hooks?.stop();
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  const k = (ms: number): string => `${Math.round(N / ms)}k/s`;
  console.log(
    `bulk create ${N}: wall min ${Math.min(...walls).toFixed(1)}ms (${k(Math.min(...walls))}) med ${med(walls).toFixed(1)}ms; ` +
      `CPU min ${Math.min(...cpus).toFixed(1)}ms (${k(Math.min(...cpus))}) med ${med(cpus).toFixed(1)}ms (creates ${med(creates).toFixed(1)}ms)`,
  );
}

void main();
