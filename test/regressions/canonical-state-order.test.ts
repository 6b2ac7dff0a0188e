import { simulate } from '../sim/simulation';

// Sim seeds 972, 980 and 1000 (4 nodes, 120 steps) once ended with equal values but different field order in
// the stored state: backends kept fields and LWW candidates in arrival order. States are now canonical.
describe('regression: stored state does not depend on arrival order', () => {
  it.each([972, 980, 1000])('seed %i converges to byte-identical states', async (seed) => {
    const r = await simulate(seed, { nodes: 4, steps: 120 });
    expect(r.problems).toEqual([]);
  });
});
