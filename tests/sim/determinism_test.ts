import assert from "node:assert/strict";
import { runSeed } from "./cluster.ts";

const SEEDS = [1, 2, 3, 17, 99];

Deno.test("runSeed gives the same trace hash when a seed is replayed", () => {
  for (const seed of SEEDS) {
    const first = runSeed(seed);
    const second = runSeed(seed);
    assert.equal(second.traceHash, first.traceHash, `SEED=${seed}`);
    assert.equal(second.events, first.events, `SEED=${seed}`);
    assert.deepEqual(second.stats, first.stats, `SEED=${seed}`);
  }
});

Deno.test("runSeed trace hash does not depend on keeping the trace lines", () => {
  const kept = runSeed(3, { keepTrace: true });
  const hashed = runSeed(3);
  assert.equal(kept.traceHash, hashed.traceHash);
  assert.equal(kept.traceLines.length, kept.events > 0 ? kept.traceLines.length : 0);
  assert.ok(kept.traceLines.length > kept.events / 2, "most events leave a trace line");
});

Deno.test("runSeed gives different traces for different seeds", () => {
  const hashes = new Set(SEEDS.map((seed) => runSeed(seed).traceHash));
  assert.equal(hashes.size, SEEDS.length);
});
