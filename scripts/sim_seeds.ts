/**
 * Fresh simulation seeds for CI: derives a start seed from the current
 * commit (so every commit explores new seeds, yet any run is reproducible
 * from the printed commit and seed) and runs `--count` seeds (default 200).
 * The fixed regression seeds run in `tests/sim/sim*_test.ts`.
 *
 *   deno run -A scripts/sim_seeds.ts [--count N] [--commit SHA]
 *
 * Prints `SEED=<s>` for each failure (replay with `deno task sim --seed <s>
 * --trace`) and exits 1 on any failure.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { runAndReport } from "../tests/sim/seeds.ts";

/** Fixed seeds run in the tests are below this; fresh seeds start above it. */
const FRESH_SEEDS_BASE = 1_000_000;

async function currentCommit(): Promise<string> {
  const output = await new Deno.Command("git", { args: ["rev-parse", "HEAD"], stderr: "null" })
    .output();
  const commit = new TextDecoder().decode(output.stdout).trim();
  return output.success && commit.length > 0 ? commit : "unknown";
}

/** The first fresh seed for a commit: stable per commit, far from the fixed seeds. */
export function freshStartSeed(commit: string): number {
  const prefix = Number.parseInt(commit.slice(0, 7), 16);
  return FRESH_SEEDS_BASE + (Number.isNaN(prefix) ? 0 : prefix % 1_000_000_000);
}

async function main(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: { count: { type: "string", default: "200" }, commit: { type: "string" } },
  });
  const commit = values.commit ?? await currentCommit();
  const start = freshStartSeed(commit);
  const count = Number(values.count);
  console.log(`commit ${commit}: fresh seeds ${start}..${start + count - 1}`);
  return runAndReport(start, count, {});
}

if (import.meta.main) Deno.exit(await main(Deno.args));
