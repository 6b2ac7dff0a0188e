/* Seeded convergence simulation: `npm run sim -- --seeds 10000` or `npm run sim -- --seed 42` to replay one. */
import 'reflect-metadata';
import { simulate, type SimOptions } from './simulation';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

async function main(): Promise<void> {
  const one = arg('seed');
  const first = one ?? arg('from') ?? 1;
  const count = one !== undefined ? 1 : (arg('seeds') ?? 1000);
  const options: Partial<SimOptions> = {
    nodes: arg('nodes') ?? (one !== undefined ? 3 : 4),
    steps: arg('steps') ?? 120,
  };
  const started = Date.now();
  const totals: Record<string, number> = {};
  let failed = 0;
  for (let seed = first; seed < first + count; seed++) {
    const r = await simulate(seed, options);
    for (const [k, v] of Object.entries(r.stats)) totals[k] = (totals[k] ?? 0) + v;
    if (r.problems.length > 0) {
      failed++;
      console.log(`\nSEED ${seed} FAILED (${r.problems.length} problems):`);
      for (const p of r.problems.slice(0, 10)) console.log(`  - ${p}`);
      console.log(
        `  replay: npm run sim -- --seed ${seed} --nodes ${options.nodes} --steps ${options.steps}` +
          `  (then add it to test/regressions/)`,
      );
    }
    if ((seed - first + 1) % 500 === 0) console.log(`  ${seed - first + 1}/${count} seeds, ${failed} failed`);
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  console.log(`\n${count} seeds in ${secs}s, ${failed} failed. Totals: ${JSON.stringify(totals)}`);
  if (failed > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
