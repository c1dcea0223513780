import assert from "node:assert/strict";
import { runSeed } from "./cluster.ts";

/**
 * Seeds that once failed, outside the CI ranges, kept so the bug they found
 * stays found. Add every seed that ever failed, with what it caught.
 */
const REGRESSION_SEEDS: readonly { readonly seed: number; readonly caught: string }[] = [
  {
    seed: 1822,
    caught: "WAL replay from a snapshot resurrected a suffix overwritten by a later leader " +
      "(leaderCompleteness)",
  },
];

for (const { seed, caught } of REGRESSION_SEEDS) {
  Deno.test(`simulation regression seed ${seed} passes (${caught})`, () => {
    const result = runSeed(seed, {});
    assert.equal(result.violation, null, `SEED=${seed}: ${JSON.stringify(result.violation)}`);
  });
}
