// Expected values are go-humanize's Bytes as etcdctl 3.4.23 prints DB SIZE
// (the transcript shows 20480 as "20 kB", our run showed 24576 as "25 kB").
import assert from "node:assert/strict";
import { humanizeBytes } from "./humanize.ts";

Deno.test("humanizeBytes matches go-humanize", () => {
  assert.equal(humanizeBytes(0), "0 B");
  assert.equal(humanizeBytes(9), "9 B");
  assert.equal(humanizeBytes(10), "10 B");
  assert.equal(humanizeBytes(999), "999 B");
  assert.equal(humanizeBytes(1000), "1.0 kB");
  assert.equal(humanizeBytes(1500), "1.5 kB");
  assert.equal(humanizeBytes(20480), "20 kB");
  assert.equal(humanizeBytes(24576), "25 kB");
  assert.equal(humanizeBytes(10500), "10 kB");
  assert.equal(humanizeBytes(11500), "12 kB");
  assert.equal(humanizeBytes(1_000_000), "1.0 MB");
  assert.equal(humanizeBytes(2_147_483_648), "2.1 GB");
});
