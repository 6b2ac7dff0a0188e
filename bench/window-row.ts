/*
 * The live-window row of peers-like alone (`year > 2000 ORDER BY name LIMIT 50` over 10k, updates that all
 * change the top 50), RUNS times (default 3), each on a fresh node, with its tail analysis; PROF=file
 * profiles the updates of the second run. `npx ts-node --transpile-only -r tsconfig-paths/register
 * bench/window-row.ts` (UPDATES=1000 RUNS=3).
 */
import 'reflect-metadata';
import { profileHooks } from './profile';
import { window } from './peers-like-more';

async function main(): Promise<void> {
  const runs = Number(process.env.RUNS ?? 3);
  const prof = process.env.PROF;
  for (let r = 0; r < runs; r++) {
    const c0 = process.cpuUsage();
    const tail = await window(
      Number(process.env.UPDATES ?? 1_000),
      prof && r === 1 ? profileHooks(prof, 'cpu') : undefined,
    );
    const c = process.cpuUsage(c0);
    console.log(`  CPU ${((c.user + c.system) / 1000).toFixed(0)} ms (with setup); ${tail}`);
  }
}

void main();
