/**
 * Running ranges of seeds and reporting failures, shared by the CLI and the
 * tests.
 *
 * @module
 */

import { type RunOptions, runSeed, type SeedResult } from "./cluster.ts";

/** Totals over a range of seeds. */
export interface SeedsSummary {
  seeds: number;
  events: number;
  violations: number;
  livenessFailures: number;
  elapsedMs: number;
  readonly failures: SeedResult[];
}

/** Runs seeds `start`..`start + count - 1`, calling `onResult` after each. */
export function runSeeds(
  start: number,
  count: number,
  options: RunOptions,
  onResult?: (result: SeedResult) => void,
): SeedsSummary {
  const began = performance.now();
  const summary: SeedsSummary = {
    seeds: 0,
    events: 0,
    violations: 0,
    livenessFailures: 0,
    elapsedMs: 0,
    failures: [],
  };
  for (let seed = start; seed < start + count; seed++) {
    const result = runSeed(seed, options);
    summary.seeds++;
    summary.events += result.events;
    if (result.violation?.invariant === "liveness") summary.livenessFailures++;
    else if (result.violation !== null) summary.violations++;
    if (result.violation !== null) summary.failures.push(result);
    onResult?.(result);
  }
  summary.elapsedMs = performance.now() - began;
  return summary;
}

/** A failure report: seed, config, invariant, detail and the last trace lines. */
export function formatFailure(result: SeedResult, withTrace: boolean): string {
  const violation = result.violation;
  if (violation === null) return `SEED=${result.seed} ok`;
  const lines = [
    `SEED=${result.seed} ${violation.invariant} at event ${result.violationEvent}: ${violation.detail}`,
    `  config: ${result.config}`,
  ];
  if (withTrace) {
    lines.push("  last events:");
    for (const line of result.traceLines.slice(-20)) lines.push(`    ${line}`);
  }
  return lines.join("\n");
}

/**
 * Runs seeds `start .. start+count-1`, printing each failure and the
 * summary line `seeds: N, events: E, violations: V, liveness failures: L`;
 * returns the exit code (1 on any failure).
 */
export function runAndReport(start: number, count: number, options: RunOptions): number {
  const summary = runSeeds(start, count, options, (result) => {
    if (result.violation !== null) console.log(formatFailure(result, true));
  });
  console.log(`elapsed: ${summary.elapsedMs.toFixed(0)} ms`);
  console.log(
    `seeds: ${summary.seeds}, events: ${summary.events}, violations: ${summary.violations}, ` +
      `liveness failures: ${summary.livenessFailures}`,
  );
  return summary.violations + summary.livenessFailures > 0 ? 1 : 0;
}
