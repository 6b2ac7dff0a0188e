import { simulateTopology, type TopologyOptions } from './topology';

const SEEDS = 200;

/**
 * Fault classes, each of which exposed a bug of issue 13 or one found by this simulation (all fixed, so all on).
 * See TopologyOptions for what each one adds.
 */
const SWITCHES: Partial<TopologyOptions> = {
  // Item 3, fixed: a queued commit meeting a transient server storage fault (commits and reads) is kept and
  // resent (test/regressions/outbox-transient-errors.test.ts, commit-interrupted-by-close.test.ts).
  transientFaults: true,
  faultReads: true,
  // Item 4, fixed: a commit on a stale base applied by the client itself merges against the snapshot it read
  // (test/regressions/ephemeral-offline-edits.test.ts, stale-base-transient-commit.test.ts).
  staleLocalCommits: true,
  // Found by this simulation, fixed: live queries load from the server while the client flushes its queued
  // commits (test/regressions/query-races-flush.test.ts, push-during-undo.test.ts).
  queriesRaceFlush: true,
  // Found by this simulation, fixed: every entity a client holds shows the server's state, also those no
  // answer names any more (test/regressions/held-outside-answer.test.ts).
  heldOutsideQueries: true,
};

describe('seeded simulation of the real topology (one durable server, ephemeral clients)', () => {
  it(`keeps every acknowledged commit and converges for ${SEEDS} seeds`, async () => {
    const failures: string[] = [];
    const totals: Record<string, number> = {};
    for (let seed = 1; seed <= SEEDS; seed++) {
      const r = await simulateTopology(seed, { clients: 3, steps: 60, ...SWITCHES });
      for (const [k, v] of Object.entries(r.stats)) totals[k] = (totals[k] ?? 0) + v;
      if (r.problems.length > 0) {
        failures.push(
          `seed ${seed}: ${r.problems[0]}\n  replay: npm run sim -- --sim topology --seed ${seed} --trace`,
        );
      }
    }
    expect(failures).toEqual([]);
    // The faults must actually happen, or the run proves nothing.
    expect(totals.commits).toBeGreaterThan(SEEDS * 10);
    expect(totals.refused).toBeGreaterThan(SEEDS / 4);
    expect(totals.offline).toBeGreaterThan(SEEDS);
    expect(totals.restarts).toBeGreaterThan(SEEDS / 2);
    expect(totals.staleCommits).toBeGreaterThan(SEEDS / 2);
    expect(totals.maxOpen).toBeGreaterThan(SEEDS);
    expect(totals.queries).toBeGreaterThan(SEEDS * 3);
    if (SWITCHES.transientFaults) expect(totals.faults).toBeGreaterThan(SEEDS);
  }, 120_000);
});
