import assert from "node:assert/strict";
import { AutoCompactor } from "./auto_compactor.ts";

const HOUR = 3600_000;

Deno.test("AutoCompactor revision mode compacts to current - retention every poll", () => {
  const compactor = new AutoCompactor("revision", 100);
  assert.equal(compactor.pollIntervalMs, 5 * 60 * 1000);
  assert.equal(compactor.poll(0, 50), null); // not enough revisions yet
  assert.equal(compactor.poll(1, 150), 50);
  assert.equal(compactor.poll(2, 150), null); // nothing new
  assert.equal(compactor.poll(3, 400), 300);
});

Deno.test("AutoCompactor periodic mode keeps one retention of history", () => {
  const compactor = new AutoCompactor("periodic", HOUR);
  const step = compactor.pollIntervalMs;
  assert.equal(step, HOUR / 10);
  const compacted: Array<[number, number]> = [];
  for (let t = 0; t <= 3 * HOUR; t += step) {
    const revision = 1 + t / step; // one revision per poll
    const target = compactor.poll(t, revision);
    if (target !== null) compacted.push([t, target]);
  }
  // First compaction once an hour has passed, to the revision of an hour ago; then hourly.
  assert.deepEqual(compacted, [[HOUR, 1], [2 * HOUR, 11], [3 * HOUR, 21]]);
});

Deno.test("AutoCompactor with retention 0 never compacts", () => {
  const compactor = new AutoCompactor("periodic", 0);
  assert.equal(compactor.enabled, false);
  assert.equal(compactor.poll(10 * HOUR, 1000), null);
});
