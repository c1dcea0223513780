// The accepted/refused values below were checked against etcd 3.4.23's flag
// parsing (`etcd --election-timeout=1 --heartbeat-interval=V` reveals how V
// was read; `--grpc-keepalive-timeout=V` exercises Go's time.ParseDuration).

import assert from "node:assert/strict";
import {
  applyEnv,
  ConfigError,
  DurationError,
  flagToEnv,
  NumError,
  parseArgs,
  parseGoBool,
  parseGoDuration,
  parseGoInt,
  parseGoUint,
} from "./flags.ts";

Deno.test("parseGoUint: Go's strconv.ParseUint(s, 0, 64)", () => {
  const ok: [string, bigint][] = [
    ["0x10", 16n],
    ["0X1f", 31n],
    ["0x_1f", 31n],
    ["0_1", 1n],
    ["1_000", 1000n],
    ["0o17", 15n],
    ["017", 15n],
    ["0B11", 3n],
    ["0", 0n],
    ["18446744073709551615", 18446744073709551615n],
  ];
  for (const [text, value] of ok) assert.equal(parseGoUint(text), value, text);
  for (const text of ["0x", "_1", "1__0", "+5", "08", "1_", "", "-1", "1.5", " 1", "abc"]) {
    assert.throws(
      () => parseGoUint(text),
      (e) => e instanceof NumError && e.reason === "syntax",
      text,
    );
  }
  assert.throws(
    () => parseGoUint("18446744073709551616"),
    (e) => e instanceof NumError && e.reason === "range",
  );
  assert.throws(() => parseGoUint("4294967296", 32), /value out of range/);
  assert.equal(
    new NumError("ParseUint", "-1", "syntax").message,
    'strconv.ParseUint: parsing "-1": invalid syntax',
  );
});

Deno.test("parseGoInt: Go's strconv.ParseInt(s, 0, 64)", () => {
  assert.equal(parseGoInt("-0x10"), -16n);
  assert.equal(parseGoInt("+5"), 5n);
  assert.equal(parseGoInt("-9223372036854775808"), -(1n << 63n));
  assert.throws(
    () => parseGoInt("9223372036854775808"),
    (e) => e instanceof NumError && e.reason === "range",
  );
  assert.throws(() => parseGoInt("-"), (e) => e instanceof NumError && e.reason === "syntax");
  assert.throws(() => parseGoInt("1.5"), (e) => e instanceof NumError && e.reason === "syntax");
});

Deno.test("parseGoBool: Go's strconv.ParseBool", () => {
  for (const t of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseGoBool(t), true);
  for (const f of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseGoBool(f), false);
  for (const bad of ["yes", "on", "", "tRUE", "2"]) assert.throws(() => parseGoBool(bad), NumError);
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

Deno.test("parseArgs: parsing stops at the first non-flag; `--` is consumed", () => {
  const a = parseArgs(["--name", "x", "rest", "--name=y"]);
  assert.equal(a.values.get("name"), "x");
  assert.deepEqual(a.positional, ["rest", "--name=y"]);
  assert.deepEqual([...a.fromArgs], ["name"]);
  const b = parseArgs(["--enable-v2", "--", "x"]);
  assert.equal(b.values.get("enable-v2"), true);
  assert.deepEqual(b.positional, ["x"]);
  // A non-bool flag takes the next argument even when it looks like a flag.
  assert.equal(parseArgs(["--name", "--enable-v2"]).values.get("name"), "--enable-v2");
  // Ignored flags are bool-like and warn.
  const c = parseArgs(["-vv", "--snapshot=1", "x"]);
  assert.deepEqual(c.warnings, [
    'flag "-vv" is no longer supported - ignoring.',
    'flag "-snapshot" is no longer supported - ignoring.',
  ]);
  assert.deepEqual(c.positional, ["x"]);
});

Deno.test("applyEnv: flag names map to ETCD_* with dashes as underscores", () => {
  assert.equal(flagToEnv("initial-cluster-token"), "ETCD_INITIAL_CLUSTER_TOKEN");
  assert.equal(flagToEnv("test.coverprofile"), "ETCD_TEST.COVERPROFILE");
  const state = parseArgs(["--name=x"]);
  const report = applyEnv(state, { ETCD_INITIAL_CLUSTER_TOKEN: "t", ETCD_X: "1" });
  assert.equal(state.values.get("initial-cluster-token"), "t");
  assert.deepEqual([...state.fromEnv], ["initial-cluster-token"]);
  assert.deepEqual(report.used, [
    "recognized and used environment variable ETCD_INITIAL_CLUSTER_TOKEN=t",
  ]);
  assert.deepEqual(report.unrecognized, ["unrecognized environment variable ETCD_X=1"]);
  assert.throws(
    () => applyEnv(parseArgs(["--name=x"]), { ETCD_NAME: "y" }),
    (e) => e instanceof ConfigError && e.kind === "fatal",
  );
});
