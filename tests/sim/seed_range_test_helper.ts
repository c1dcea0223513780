/**
 * The body of the seed-range tests: runs a range of seeds without bugs and
 * fails on any violation or liveness failure, printing `SEED=` for each.
 *
 * @module
 */

import assert from "node:assert/strict";
import { formatFailure, runSeeds } from "./seeds.ts";

/** Runs seeds `start`..`start + count - 1` and asserts that all pass. */
export function assertSeedsPass(start: number, count: number): void {
  const summary = runSeeds(start, count, {});
  for (const failure of summary.failures) console.log(formatFailure(failure, true));
  console.log(
    `seeds ${start}..${start + count - 1}: ${summary.events} events, ` +
      `${summary.violations} violations, ${summary.livenessFailures} liveness failures ` +
      `(${summary.elapsedMs.toFixed(0)} ms)`,
  );
  const seeds = summary.failures.map((f) => `SEED=${f.seed} ${f.violation?.invariant}`);
  assert.deepEqual(seeds, [], "every seed passes");
}
