/*
 * Seeded simulations. `npm run sim -- --seeds 10000` runs both; `--sim convergence` or `--sim topology` runs
 * one. Replay one seed: `npm run sim -- --sim topology --seed 42` (add `--trace` for every action).
 *
 * - convergence (simulation.ts): durable nodes exchange events over a faulty simulated network.
 * - topology (topology.ts): one durable server and ephemeral clients over LocalConnector, with offline
 *   periods, concurrent transactions, live queries, restarts, refusals and (switches) server storage faults.
 *   Switches: --transient-faults --fault-reads --stale-local-commits --queries-race-flush
 *   --held-outside-queries --compare-heads --no-restarts, or --all-switches.
 */
import 'reflect-metadata';
import { simulate, type SimOptions } from './simulation';
import { simulateTopology, type TopologyOptions } from './topology';

function arg(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) ? v : undefined;
}

const flag = (name: string): boolean => process.argv.includes(`--${name}`);

function text(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

interface Outcome {
  readonly problems: string[];
  readonly stats: Record<string, number>;
  readonly trace?: string[];
}

async function runSeeds(
  name: string,
  first: number,
  count: number,
  one: (seed: number) => Promise<Outcome>,
  replay: (seed: number) => string,
): Promise<number> {
  const started = Date.now();
  const totals: Record<string, number> = {};
  let failed = 0;
  for (let seed = first; seed < first + count; seed++) {
    const r = await one(seed);
    for (const [k, v] of Object.entries(r.stats)) totals[k] = (totals[k] ?? 0) + v;
    if (r.trace && r.trace.length > 0) console.log(r.trace.join('\n'));
    if (r.problems.length > 0) {
      failed++;
      console.log(`\n${name} SEED ${seed} FAILED (${r.problems.length} problems):`);
      for (const p of r.problems.slice(0, 10)) console.log(`  - ${p}`);
      console.log(`  replay: ${replay(seed)}  (then add it to test/regressions/)`);
    }
    if ((seed - first + 1) % 500 === 0) {
      console.log(`  ${name}: ${seed - first + 1}/${count} seeds, ${failed} failed`);
    }
  }
  const secs = ((Date.now() - started) / 1000).toFixed(1);
  const figures = Object.entries(totals)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(`\n${name}: ${count} seeds in ${secs}s, ${failed} failed. Totals: ${figures}`);
  return failed;
}

async function main(): Promise<void> {
  const one = arg('seed');
  const first = one ?? arg('from') ?? 1;
  const count = one !== undefined ? 1 : (arg('seeds') ?? 1000);
  const which = text('sim') ?? 'both';
  let failed = 0;

  if (which === 'both' || which === 'convergence') {
    const options: Partial<SimOptions> = {
      nodes: arg('nodes') ?? (one !== undefined ? 3 : 4),
      steps: arg('steps') ?? 120,
    };
    failed += await runSeeds(
      'convergence',
      first,
      count,
      (seed) => simulate(seed, options),
      (seed) =>
        `npm run sim -- --sim convergence --seed ${seed} --nodes ${options.nodes} --steps ${options.steps}`,
    );
  }

  if (which === 'both' || which === 'topology') {
    const all = flag('all-switches');
    type Switch =
      | 'transientFaults'
      | 'faultReads'
      | 'staleLocalCommits'
      | 'queriesRaceFlush'
      | 'heldOutsideQueries'
      | 'compareHeads';
    const switches: [Switch, string][] = [
      ['transientFaults', 'transient-faults'],
      ['faultReads', 'fault-reads'],
      ['staleLocalCommits', 'stale-local-commits'],
      ['queriesRaceFlush', 'queries-race-flush'],
      ['heldOutsideQueries', 'held-outside-queries'],
      ['compareHeads', 'compare-heads'],
    ];
    const options: { -readonly [K in keyof TopologyOptions]?: TopologyOptions[K] } = {
      clients: arg('clients') ?? 3,
      steps: arg('topology-steps') ?? 60,
      restarts: !flag('no-restarts'),
      trace: flag('trace'),
    };
    const on: string[] = [];
    for (const [key, name] of switches) {
      if (all || flag(name)) {
        options[key] = true;
        on.push(`--${name}`);
      }
    }
    if (!options.restarts) on.push('--no-restarts');
    failed += await runSeeds(
      'topology',
      first,
      count,
      (seed) => simulateTopology(seed, options),
      (seed) =>
        `npm run sim -- --sim topology --seed ${seed} --clients ${options.clients} --topology-steps ${options.steps} ${on.join(' ')} --trace`,
    );
  }
  if (failed > 0) process.exitCode = 1;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
