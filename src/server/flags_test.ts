// The behaviour below was checked against etcd 3.4.23's flag parsing. Go's
// strconv and time.ParseDuration, which read the values, are tested in
// src/util/go_strconv_test.ts and src/util/go_duration_test.ts.

import assert from "node:assert/strict";
import { applyEnv, ConfigError, flagToEnv, parseArgs } from "./flags.ts";

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
