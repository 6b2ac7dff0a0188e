import { simulate } from './simulation';

const SEEDS = 200;

describe('seeded convergence simulation', () => {
  it(`converges for ${SEEDS} seeds (reorder, duplicates, drops with resend, partitions)`, async () => {
    const failures: string[] = [];
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulate(seed, { nodes: 3, steps: 40 });
      for (const [k, v] of Object.entries(r.stats)) totals[k] = (totals[k] ?? 0) + v;
      if (r.problems.length > 0) {
        failures.push(
          `seed ${seed}: ${r.problems[0]}\n  replay: npm run sim -- --seed ${seed} --nodes 3 --steps 40`,
        );
      }
    }
    expect(failures).toEqual([]);
    // The faults must actually happen, or the run proves nothing.
    expect(totals.dropped).toBeGreaterThan(0);
    expect(totals.duplicated).toBeGreaterThan(0);
    expect(totals.maxStaged).toBeGreaterThan(0);
    expect(totals.events).toBeGreaterThan(SEEDS * 5);
  });
});
