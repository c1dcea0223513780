// Expected values and messages are Go 1.19's time.ParseDuration and
// Duration.String, as etcdctl 3.4.23 reports them.
import assert from "node:assert/strict";
import { formatGoDuration, parseGoDuration } from "./go_duration.ts";

Deno.test("parseGoDuration reads Go durations", () => {
  assert.equal(parseGoDuration("2s"), 2_000_000_000n);
  assert.equal(parseGoDuration("500ms"), 500_000_000n);
  assert.equal(parseGoDuration("1.5s"), 1_500_000_000n);
  assert.equal(parseGoDuration("1h2m3.5s"), 3_723_500_000_000n);
  assert.equal(parseGoDuration("-1s"), -1_000_000_000n);
  assert.equal(parseGoDuration("0"), 0n);
  assert.equal(parseGoDuration("10\u00b5s"), 10_000n);
  assert.equal(parseGoDuration(".5us"), 500n);
});

Deno.test("parseGoDuration fails with Go's messages", () => {
  assert.throws(() => parseGoDuration("abc"), { message: 'time: invalid duration "abc"' });
  assert.throws(() => parseGoDuration("5"), { message: 'time: missing unit in duration "5"' });
  assert.throws(() => parseGoDuration("5x"), {
    message: 'time: unknown unit "x" in duration "5x"',
  });
  assert.throws(() => parseGoDuration(""), { message: 'time: invalid duration ""' });
  assert.throws(() => parseGoDuration(".s"), { message: 'time: invalid duration ".s"' });
  assert.throws(() => parseGoDuration("99999999999h"), { message: /invalid duration/ });
});

Deno.test("formatGoDuration prints as Duration.String (transcript's took values)", () => {
  assert.equal(formatGoDuration(2_669_822n), "2.669822ms");
  assert.equal(formatGoDuration(5_001_254_369n), "5.001254369s");
  assert.equal(formatGoDuration(977_622n), "977.622\u00b5s");
  assert.equal(formatGoDuration(850n), "850ns");
  assert.equal(formatGoDuration(0n), "0s");
  assert.equal(formatGoDuration(3_000_000n), "3ms");
  assert.equal(formatGoDuration(90_000_000_000n), "1m30s");
  assert.equal(formatGoDuration(3_723_500_000_000n), "1h2m3.5s");
  assert.equal(formatGoDuration(-1_500_000_000n), "-1.5s");
});
