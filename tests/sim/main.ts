/**
 * The simulator's command line (`deno task sim`):
 *
 * - `--seeds N [--start S]`: runs seeds S..S+N-1 (S defaults to 1), prints
 *   each failure with `SEED=<s>` and the broken invariant, then
 *   `seeds: N, events: E, violations: V, liveness failures: L`; exits 1 on
 *   any failure.
 * - `--seed S [--trace]`: replays one seed, prints its trace hash (and with
 *   `--trace` every event).
 * - `--bug NAME` (repeatable): enables a deliberate core bug for every seed.
 * - `--events N`: the event budget per seed before the liveness phase.
 * - `--disable INVARIANT` (repeatable): stops reporting one invariant, to see
 *   which other checker catches a bug.
 * - `--reorder-after-heal`: links keep reordering in the liveness phase
 *   (which is otherwise FIFO, like TCP).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { RAFT_BUGS, type RaftBug } from "../../src/raft/mod.ts";
import type { InvariantName } from "./checkers.ts";
import { type RunOptions, runSeed, type SeedResult } from "./cluster.ts";
import { formatFailure, runAndReport } from "./seeds.ts";

function parseBugs(values: readonly string[]): Set<RaftBug> {
  const bugs = new Set<RaftBug>();
  for (const value of values) {
    const bug = RAFT_BUGS.find((name) => name === value);
    if (bug === undefined) {
      throw new RangeError(`Cannot enable bug "${value}": expected one of ${RAFT_BUGS.join(", ")}`);
    }
    bugs.add(bug);
  }
  return bugs;
}

function replayOne(seed: number, options: RunOptions, trace: boolean): number {
  const result: SeedResult = runSeed(seed, { ...options, keepTrace: trace });
  if (trace) { for (const line of result.traceLines) console.log(line); }
  console.log(`SEED=${seed} ${result.config}`);
  console.log(
    `events: ${result.events}, virtual ms: ${result.virtualMs}, stats: ${
      JSON.stringify(result.stats)
    }`,
  );
  if (result.violation !== null) console.log(formatFailure(result, !trace));
  console.log(`trace hash: ${result.traceHash}`);
  return result.violation === null ? 0 : 1;
}

function main(args: string[]): number {
  const { values } = parseArgs({
    args,
    options: {
      seeds: { type: "string" },
      start: { type: "string" },
      seed: { type: "string" },
      trace: { type: "boolean", default: false },
      bug: { type: "string", multiple: true, default: [] },
      events: { type: "string" },
      disable: { type: "string", multiple: true, default: [] },
      "reorder-after-heal": { type: "boolean", default: false },
    },
  });
  const bugs = parseBugs(values.bug);
  const disabled = new Set(values.disable as InvariantName[]);
  const reorderAfterHeal = values["reorder-after-heal"];
  const options: RunOptions = values.events === undefined
    ? { bugs, disabled, reorderAfterHeal }
    : { bugs, disabled, reorderAfterHeal, maxEvents: Number(values.events) };
  if (values.seed !== undefined) return replayOne(Number(values.seed), options, values.trace);
  const count = Number(values.seeds ?? "100");
  const start = Number(values.start ?? "1");
  return runAndReport(start, count, options);
}

if (import.meta.main) Deno.exit(main(Deno.args));
