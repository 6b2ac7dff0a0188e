import { simulateTopology, type TopologyOptions } from './topology';

const SEEDS = 200;

/**
 * Fault classes that expose open bugs of issue 13 (or found by this simulation), left out until they are
 * fixed: turn a switch on once its fix is merged. See TopologyOptions for what each one adds.
 */
const SWITCHES: Partial<TopologyOptions> = {
  // Item 3, fixed: a queued commit meeting a transient server storage fault (commits and reads) is kept and
  // resent (test/regressions/outbox-transient-errors.test.ts, commit-interrupted-by-close.test.ts).
  transientFaults: true,
  faultReads: true,
  // Item 4, fixed: a commit on a stale base applied by the client itself merges against the snapshot it read
  // (test/regressions/ephemeral-offline-edits.test.ts, stale-base-transient-commit.test.ts).
  staleLocalCommits: true,
  // Found by this simulation: a live query loaded from the server during the outbox flush misses the
  // client's own queued entities for good. Replay: npm run sim -- --sim topology --seed 306 --queries-race-flush
  queriesRaceFlush: false,
  // Found by this simulation: an entity deleted on the server stays live in the storage of a client whose
  // fetch or query answer no longer names it (needs queriesRaceFlush to be exercised).
  // Replay: npm run sim -- --sim topology --seed 141 --queries-race-flush --held-outside-queries
  heldOutsideQueries: false,
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
