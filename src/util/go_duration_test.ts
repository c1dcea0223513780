// Expected values and messages are Go 1.19's time.ParseDuration and
// Duration.String, as etcd and etcdctl 3.4.23 report them
// (`etcd --grpc-keepalive-timeout=V` exercises time.ParseDuration).
import assert from "node:assert/strict";
import { DurationError, formatGoDuration, parseGoDuration } from "./go_duration.ts";

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

Deno.test("parseGoDuration: Go's time.ParseDuration", () => {
  const ok: [string, bigint][] = [
    ["0", 0n],
    ["1h", 3_600_000_000_000n],
    ["1.5h", 5_400_000_000_000n],
    [".5s", 500_000_000n],
    ["1s500ms", 1_500_000_000n],
    ["-1s", -1_000_000_000n],
    ["5\u00b5s", 5_000n],
    ["5us", 5_000n],
    ["9223372036854775807ns", 9223372036854775807n],
  ];
  for (const [text, ns] of ok) assert.equal(parseGoDuration(text), ns, text);
  const bad: [string, string][] = [
    ["1", 'time: missing unit in duration "1"'],
    ["1d", 'time: unknown unit "d" in duration "1d"'],
    ["1e3s", 'time: unknown unit "e" in duration "1e3s"'],
    ["", 'time: invalid duration ""'],
    ["bogus", 'time: invalid duration "bogus"'],
    [".s", 'time: invalid duration ".s"'],
    ["9223372036854775808ns", 'time: invalid duration "9223372036854775808ns"'],
  ];
  for (const [text, message] of bad) {
    assert.throws(
      () => parseGoDuration(text),
      (e) => e instanceof DurationError && e.message === message,
      text,
    );
  }
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

Deno.test("parseGoDuration: the time package's own quoting and edge cases", () => {
  // time.quote escapes every non-ASCII or control byte, unlike strconv.Quote.
  assert.throws(() => parseGoDuration("1\u00e9"), {
    message: 'time: unknown unit "\\xc3\\xa9" in duration "1\\xc3\\xa9"',
  });
  assert.throws(() => parseGoDuration("\t"), { message: 'time: invalid duration "\\x09"' });
  assert.equal(parseGoDuration("+1.s"), 1_000_000_000n);
  assert.equal(parseGoDuration("-9223372036854775808ns"), -(1n << 63n));
  assert.equal(parseGoDuration("1.0000000000000000000000001s"), 1_000_000_000n);
  assert.throws(() => parseGoDuration("99999999999999999999ns"), { message: /invalid duration/ });
  assert.throws(() => parseGoDuration("1.s5"), { message: /missing unit/ });
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

Deno.test("formatGoDuration: numbers truncate; the extremes print as Go's", () => {
  assert.equal(formatGoDuration(1500.9), "1.5\u00b5s");
  assert.equal(formatGoDuration(-(1n << 63n)), "-2562047h47m16.854775808s");
  assert.equal(formatGoDuration(3_600_000_000_000n), "1h0m0s");
});
