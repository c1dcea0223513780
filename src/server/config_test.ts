// Each expected message and exit code below is what etcd 3.4.23 printed and
// returned for the same flags / environment / file, run on loopback on
// 2026-11-23 (for example `etcd --heartbeat-interval=300` printed
// `E | etcdmain: error verifying flags, --election-timeout[1000ms] should be at
// least as 5 times as --heartbeat-interval[300ms]. See 'etcd --help'.` and
// exited 1). Only the help hint names our binary.

import assert from "node:assert/strict";
import {
  BootstrapError,
  ConfigError,
  DEFAULT_QUOTA_BACKEND_BYTES,
  parseAutoCompaction,
  parseServeConfig,
  type ServeConfig,
  validateForBootstrap,
  validateForJoin,
} from "./config.ts";
import { FLAG_SPECS } from "./flags.ts";
import {
  requestBytesMax,
  snapshotCountDefault,
  snapshotsMaxDefault,
  walFilesMaxDefault,
} from "../util/limits.ts";

const HINT = "See 'etcd-ts serve --help'.";

/** Loopback settings that pass etcd's checks, for tests about something else. */
const BASE = [
  "--listen-client-urls=http://127.0.0.1:31379",
  "--advertise-client-urls=http://127.0.0.1:31379",
  "--listen-peer-urls=http://127.0.0.1:31380",
  "--initial-advertise-peer-urls=http://127.0.0.1:31380",
  "--initial-cluster=default=http://127.0.0.1:31380",
];

function fileReader(files: Record<string, string>) {
  return (path: string): string => {
    const text = files[path];
    if (text === undefined) throw new Deno.errors.NotFound(`No such file or directory: ${path}`);
    return text;
  };
}

function serve(
  args: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): ServeConfig {
  const result = parseServeConfig(args, env, fileReader(files));
  assert.equal(result.kind, "serve");
  if (result.kind !== "serve") throw new Error("unreachable");
  return result.config;
}

function fails(
  args: string[],
  env: Record<string, string> = {},
  files: Record<string, string> = {},
): ConfigError {
  try {
    parseServeConfig(args, env, fileReader(files));
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected ConfigError, got ${err}`);
    return err;
  }
  assert.fail(`accepted: ${args.join(" ")}`);
}

function verifyMessage(detail: string): string {
  return `error verifying flags, ${detail}. ${HINT}`;
}

Deno.test("defaults are etcd 3.4.23's (`etcd --help`)", () => {
  const c = serve([]);
  assert.equal(c.name, "default");
  assert.equal(c.dataDir, "default.etcd");
  assert.ok(c.warnings.includes("no data-dir provided, using default data-dir ./default.etcd"));
  assert.equal(c.walDir, "");
  assert.deepEqual(c.listenClientUrls, ["http://localhost:2379"]);
  assert.deepEqual(c.advertiseClientUrls, ["http://localhost:2379"]);
  assert.deepEqual(c.listenPeerUrls, ["http://localhost:2380"]);
  assert.deepEqual(c.initialAdvertisePeerUrls, ["http://localhost:2380"]);
  assert.deepEqual(c.listenMetricsUrls, []);
  assert.deepEqual([...c.initialCluster], [["default", ["http://localhost:2380"]]]);
  assert.equal(c.initialClusterText, "default=http://localhost:2380");
  assert.equal(c.initialClusterState, "new");
  assert.equal(c.initialClusterToken, "etcd-cluster");
  assert.equal(c.snapshotCount, 100000);
  assert.equal(c.heartbeatIntervalMs, 100);
  assert.equal(c.electionTimeoutMs, 1000);
  assert.equal(c.electionTicks, 10);
  assert.equal(c.initialElectionTickAdvance, true);
  assert.equal(c.requestBytesMax, 1572864);
  assert.equal(c.quotaBackendBytes, 2 * 1024 ** 3);
  assert.equal(c.txnOpsMax, 128);
  assert.equal(c.snapshotsMax, 5);
  assert.equal(c.walFilesMax, 5);
  assert.equal(c.autoCompactionMode, "periodic");
  assert.equal(c.autoCompactionRetention, "0");
  assert.deepEqual(c.autoCompaction, { mode: "off" });
  assert.equal(c.logLevel, "info");
  assert.equal(c.logger, "capnslog");
  assert.deepEqual(c.logOutputs, ["default"]);
  assert.equal(c.strictReconfigCheck, true);
  assert.equal(c.enableV2, false);
  assert.equal(c.enablePprof, false);
  assert.equal(c.metrics, "basic");
  assert.equal(c.authToken, "simple");
  assert.equal(c.bcryptCost, 10);
  assert.equal(c.authTokenTtlSeconds, 300);
  assert.equal(c.forceNewCluster, false);
  assert.equal(c.preVote, false);
  assert.deepEqual(c.clientTls, {
    certFile: "",
    keyFile: "",
    clientCertAuth: false,
    trustedCaFile: "",
    autoTls: false,
  });
  assert.deepEqual(c.peerTls, c.clientTls);
  assert.equal(c.configFile, "");
  assert.deepEqual([...c.other], []);
  // The same numbers as util/limits.ts.
  assert.equal(c.requestBytesMax, requestBytesMax);
  assert.equal(c.snapshotCount, snapshotCountDefault);
  assert.equal(c.snapshotsMax, snapshotsMaxDefault);
  assert.equal(c.walFilesMax, walFilesMaxDefault);
  assert.equal(DEFAULT_QUOTA_BACKEND_BYTES, 2147483648);
});

Deno.test("every flag `etcd --help` lists is defined, with its listed default", () => {
  // name → default as printed by etcd 3.4.23 --help (durations and the odd ones as parsed).
  const help: Record<string, string> = {
    "name": "default",
    "snapshot-count": "100000",
    "heartbeat-interval": "100",
    "election-timeout": "1000",
    "initial-election-tick-advance": "true",
    "max-snapshots": "5",
    "max-wals": "5",
    "quota-backend-bytes": "0",
    "backend-batch-limit": "0",
    "max-txn-ops": "128",
    "max-request-bytes": "1572864",
    "grpc-keepalive-min-time": "5s",
    "grpc-keepalive-interval": "2h",
    "grpc-keepalive-timeout": "20s",
    "initial-cluster": "default=http://localhost:2380",
    "initial-cluster-state": "new",
    "initial-cluster-token": "etcd-cluster",
    "discovery-fallback": "proxy",
    "strict-reconfig-check": "true",
    "pre-vote": "false",
    "auto-compaction-retention": "0",
    "auto-compaction-mode": "periodic",
    "enable-v2": "false",
    "cors": "*",
    "host-whitelist": "*",
    "auth-token": "simple",
    "bcrypt-cost": "10",
    "auth-token-ttl": "300",
    "metrics": "basic",
    "logger": "capnslog",
    "log-outputs": "default",
    "log-level": "info",
    "proxy": "off",
    "proxy-failure-wait": "5000",
    "proxy-refresh-interval": "30000",
    "proxy-dial-timeout": "1000",
    "proxy-write-timeout": "5000",
    "proxy-read-timeout": "0",
    "experimental-corrupt-check-time": "0s",
    "experimental-backend-bbolt-freelist-type": "array",
    "experimental-compaction-batch-limit": "1000",
    "experimental-watch-progress-notify-interval": "10m",
    "experimental-warning-apply-duration": "100ms",
    "force-new-cluster": "false",
    "debug": "false",
  };
  const listedWithEmptyDefault = [
    "data-dir",
    "wal-dir",
    "backend-batch-interval",
    "discovery",
    "discovery-proxy",
    "discovery-srv",
    "discovery-srv-name",
    "cert-file",
    "key-file",
    "client-cert-auth",
    "client-crl-file",
    "client-cert-allowed-hostname",
    "trusted-ca-file",
    "auto-tls",
    "peer-cert-file",
    "peer-key-file",
    "peer-client-cert-auth",
    "peer-trusted-ca-file",
    "peer-cert-allowed-cn",
    "peer-cert-allowed-hostname",
    "peer-auto-tls",
    "peer-crl-file",
    "cipher-suites",
    "enable-pprof",
    "listen-metrics-urls",
    "experimental-initial-corrupt-check",
    "experimental-enable-v2v3",
    "experimental-enable-lease-checkpoint",
    "experimental-peer-skip-client-san-verification",
    "log-package-levels",
    "listen-peer-urls",
    "listen-client-urls",
    "initial-advertise-peer-urls",
    "advertise-client-urls",
    "max-concurrent-streams",
  ];
  const specs = new Map(FLAG_SPECS.map((s) => [s.name, s]));
  for (const [name, defaultText] of Object.entries(help)) {
    assert.equal(specs.get(name)?.defaultText, defaultText, name);
  }
  for (const name of listedWithEmptyDefault) assert.ok(specs.has(name), name);
  assert.equal(
    Object.keys(help).length + listedWithEmptyDefault.length,
    80,
    "etcd --help lists 80 flags",
  );
});

Deno.test("flag syntax: Go's flag package forms", () => {
  for (const args of [["--name=x"], ["--name", "x"], ["-name", "x"], ["-name=x"]]) {
    assert.equal(serve(args).name, "x", args.join(" "));
  }
  assert.equal(serve(["--name=a", "--name=b"]).name, "b", "the last one wins");
  assert.equal(serve(["--name="]).name, "");
  assert.equal(serve(["--enable-v2"]).enableV2, true);
  assert.equal(
    serve(["--enable-v2=false", "--strict-reconfig-check=0"]).strictReconfigCheck,
    false,
  );
  assert.equal(serve(["--enable-v2=T"]).enableV2, true);
  assert.equal(serve(["--pre-vote"]).preVote, true);
  assert.equal(serve(["--quota-backend-bytes=0x10"]).quotaBackendBytes, 16);
  assert.equal(
    serve(["--max-wals=010", "--max-snapshots=0b11", "--snapshot-count=1_000"]).walFilesMax,
    8,
  );
  assert.equal(serve(["--max-snapshots=0b11"]).snapshotsMax, 3);
  assert.equal(serve(["--snapshot-count=1_000"]).snapshotCount, 1000);
  assert.equal(
    serve(["--election-timeout", "3000", "--heartbeat-interval", "300"]).electionTicks,
    10,
  );
});

Deno.test("flag errors: Go's messages, exit 2 with usage", () => {
  const cases: [string[], string][] = [
    [["--bogus"], "flag provided but not defined: -bogus"],
    [["-bogus=1"], "flag provided but not defined: -bogus"],
    [["--name"], "flag needs an argument: -name"],
    [["---name=x"], "bad flag syntax: ---name=x"],
    [["-=x"], "bad flag syntax: -=x"],
    [["--snapshot-count=abc"], 'invalid value "abc" for flag -snapshot-count: parse error'],
    [["--heartbeat-interval=-1"], 'invalid value "-1" for flag -heartbeat-interval: parse error'],
    [
      ["--snapshot-count=99999999999999999999999"],
      'invalid value "99999999999999999999999" for flag -snapshot-count: value out of range',
    ],
    [
      ["--quota-backend-bytes=1.5"],
      'invalid value "1.5" for flag -quota-backend-bytes: parse error',
    ],
    [
      ["--max-concurrent-streams=-1"],
      'invalid value "-1" for flag -max-concurrent-streams: strconv.ParseUint: parsing "-1": invalid syntax',
    ],
    [
      ["--max-concurrent-streams=4294967296"],
      'invalid value "4294967296" for flag -max-concurrent-streams: strconv.ParseUint: parsing "4294967296": value out of range',
    ],
    [
      ["--grpc-keepalive-timeout=1"],
      'invalid value "1" for flag -grpc-keepalive-timeout: parse error',
    ],
    [["--enable-v2=yes"], 'invalid boolean value "yes" for -enable-v2: parse error'],
    [
      ["--initial-cluster-state=bogus"],
      'invalid value "bogus" for flag -initial-cluster-state: invalid value',
    ],
    [["--proxy=1"], 'invalid value "1" for flag -proxy: invalid value'],
    [
      ["--listen-client-urls", "http//bad"],
      'invalid value "http//bad" for flag -listen-client-urls: URL scheme must be http, https, unix, or unixs: http//bad',
    ],
    [
      ["--listen-client-urls=127.0.0.1:31379"],
      'invalid value "127.0.0.1:31379" for flag -listen-client-urls: parse "127.0.0.1:31379": first path segment in URL cannot contain colon',
    ],
    [
      ["--advertise-client-urls=http://h:1/p"],
      'invalid value "http://h:1/p" for flag -advertise-client-urls: URL must not contain a path: http://h:1/p',
    ],
    [
      ["--listen-metrics-urls=1"],
      'invalid value "1" for flag -listen-metrics-urls: URL scheme must be http, https, unix, or unixs: 1',
    ],
    [
      ["--cors=1"],
      'invalid value "1" for flag -cors: URL scheme must be http, https, unix, or unixs: 1',
    ],
  ];
  for (const [args, message] of cases) {
    const err = fails(args);
    assert.equal(err.message, message, args.join(" "));
    assert.equal(err.exitCode, 2);
    assert.equal(err.showUsage, true);
    assert.equal(err.kind, "flag");
  }
});

Deno.test("arguments after the flags: 'x' is not a valid flag, exit 1", () => {
  const cases: [string[], string][] = [
    [["-name", "x", "extra"], "'extra' is not a valid flag"],
    [["--enable-v2", "false"], "'false' is not a valid flag"],
    [["--", "--name=x"], "'--name=x' is not a valid flag"],
    [["-"], "'-' is not a valid flag"],
    [["--version", "extra"], "'extra' is not a valid flag"],
  ];
  for (const [args, detail] of cases) {
    const err = fails(args);
    assert.equal(err.message, verifyMessage(detail));
    assert.equal(err.exitCode, 1);
    assert.equal(err.showUsage, false);
  }
});

Deno.test("--help and --version", () => {
  const reader = fileReader({});
  for (
    const args of [["-h"], ["--help"], ["-help"], ["--help=false"], ["--name=x", "-h", "--bogus"]]
  ) {
    assert.deepEqual(parseServeConfig(args, {}, reader), { kind: "help" }, args.join(" "));
  }
  assert.equal(fails(["--bogus", "--help"]).message, "flag provided but not defined: -bogus");
  for (
    const args of [["--version"], ["-version"], ["--version=true", "--heartbeat-interval=300"]]
  ) {
    assert.deepEqual(parseServeConfig(args, {}, reader), { kind: "version" }, args.join(" "));
  }
  assert.equal(serve(["--version=false"]).name, "default");
  assert.deepEqual(parseServeConfig(["--version"], { ETCD_NAME: "x" }, reader), {
    kind: "version",
  });
});

Deno.test("ETCD_* variables: used, with etcd's notices", () => {
  const c = serve([], {
    ETCD_NAME: "envname",
    ETCD_DATA_DIR: "/d",
    ETCD_SNAPSHOT_COUNT: "7",
    ETCD_ENABLE_V2: "true",
    ETCD_INITIAL_CLUSTER: "envname=http://localhost:2380",
  });
  assert.equal(c.name, "envname");
  assert.equal(c.dataDir, "/d");
  assert.equal(c.snapshotCount, 7);
  assert.equal(c.enableV2, true);
  assert.deepEqual(c.notices, [
    "recognized and used environment variable ETCD_DATA_DIR=/d",
    "recognized and used environment variable ETCD_ENABLE_V2=true",
    "recognized and used environment variable ETCD_INITIAL_CLUSTER=envname=http://localhost:2380",
    "recognized and used environment variable ETCD_NAME=envname",
    "recognized and used environment variable ETCD_SNAPSHOT_COUNT=7",
  ]);
  assert.equal(serve([], { ETCD_NAME: "" }).name, "default", "an empty variable is not used");
  assert.equal(serve([], { ETCD_VERSION: "true" }).name, "default", "ETCD_VERSION comes too late");
});

Deno.test("ETCD_* variables: unrecognized ones are warnings; case matters", () => {
  const c = serve([], { ETCD_BOGUS: "1", etcd_name: "lower", ETCD_name: "mixed", OTHER: "x" });
  assert.equal(c.name, "default");
  assert.ok(c.warnings.includes("unrecognized environment variable ETCD_BOGUS=1"));
  assert.ok(c.warnings.includes("unrecognized environment variable ETCD_name=mixed"));
  assert.ok(!c.warnings.some((w) => w.includes("etcd_name") || w.includes("OTHER")));
});

Deno.test("ETCD_* variables: a flag and its variable both given is fatal", () => {
  const message = 'conflicting environment variable "ETCD_NAME" is shadowed by corresponding ' +
    "command-line flag (either unset environment variable or disable flag)";
  for (
    const env of [{ ETCD_NAME: "y" }, { ETCD_NAME: "" }, {
      ETCD_NAME: "y",
      ETCD_SNAPSHOT_COUNT: "abc",
    }]
  ) {
    const err = fails(["--name", "x"], env);
    assert.equal(err.message, message);
    assert.equal(err.exitCode, 1);
    assert.equal(err.kind, "fatal");
  }
});

Deno.test("ETCD_* variables: bad values, the last in name order reported", () => {
  assert.equal(
    fails([], { ETCD_SNAPSHOT_COUNT: "abc" }).message,
    verifyMessage('invalid value "abc" for ETCD_SNAPSHOT_COUNT: parse error'),
  );
  assert.equal(
    fails([], { ETCD_SNAPSHOT_COUNT: "abc", ETCD_HEARTBEAT_INTERVAL: "x" }).message,
    verifyMessage('invalid value "abc" for ETCD_SNAPSHOT_COUNT: parse error'),
  );
  assert.equal(
    fails([], { ETCD_ENABLE_V2: "yes" }).message,
    verifyMessage('invalid value "yes" for ETCD_ENABLE_V2: parse error'),
  );
  assert.equal(
    fails([], { ETCD_LISTEN_CLIENT_URLS: "http//bad" }).message,
    verifyMessage(
      'invalid value "http//bad" for ETCD_LISTEN_CLIENT_URLS: URL scheme must be http, https, unix, or unixs: http//bad',
    ),
  );
  assert.equal(fails([], { ETCD_SNAPSHOT_COUNT: "abc" }).exitCode, 1);
});

Deno.test("--listen-client-urls without --advertise-client-urls (flag or variable)", () => {
  const detail = "--advertise-client-urls is required when --listen-client-urls is set explicitly";
  const rest = BASE.filter((a) => !a.includes("client-urls"));
  assert.equal(
    fails([...rest, "--listen-client-urls=http://127.0.0.1:31379"]).message,
    verifyMessage(detail),
  );
  assert.equal(
    fails(rest, { ETCD_LISTEN_CLIENT_URLS: "http://127.0.0.1:31379" }).message,
    verifyMessage(detail),
  );
  const ok = serve(rest, {
    ETCD_LISTEN_CLIENT_URLS: "http://127.0.0.1:31379",
    ETCD_ADVERTISE_CLIENT_URLS: "http://127.0.0.1:31379",
  });
  assert.deepEqual(ok.advertiseClientUrls, ["http://127.0.0.1:31379"]);
  assert.deepEqual(
    serve(["--listen-client-urls=", "--advertise-client-urls=http://h:1"]).listenClientUrls,
    [],
  );
});

Deno.test("election and heartbeat checks", () => {
  const cases: [string[], string][] = [
    [
      ["--heartbeat-interval=300"],
      "--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]",
    ],
    [
      ["--election-timeout=60000"],
      "--election-timeout[60000ms] is too long, and should be set less than 50000ms",
    ],
    [
      ["--election-timeout=50001", "--heartbeat-interval", "10000"],
      "--election-timeout[50001ms] is too long, and should be set less than 50000ms",
    ],
    [["--heartbeat-interval=0"], "--heartbeat-interval must be >0 (set to 0ms)"],
    [["--election-timeout=0"], "--election-timeout must be >0 (set to 0ms)"],
  ];
  for (const [args, detail] of cases) {
    const err = fails([...BASE, ...args]);
    assert.equal(err.message, verifyMessage(detail));
    assert.equal(err.exitCode, 1);
  }
  assert.equal(serve(["--election-timeout=50000", "--heartbeat-interval=10000"]).electionTicks, 5);
  assert.equal(
    serve(["--heartbeat-interval=200"]).electionTicks,
    5,
    "exactly 5 heartbeats is enough",
  );
  assert.equal(
    fails(["--heartbeat-interval=201"]).detail,
    "--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[201ms]",
  );
});

Deno.test("logging flags: etcd's checks in etcd's order", () => {
  const cases: [string[], string, 1 | 2][] = [
    [["--logger=bogus"], 'unknown logger option "bogus"', 1],
    [["--logger="], 'unknown logger option ""', 1],
    [["--log-level=bogus"], 'unknown level "bogus"', 2],
    [["--log-level=INFO"], 'unknown level "INFO"', 2],
    [["--log-outputs=a,b", "--log-level=bogus"], 'unknown level "bogus"', 2],
    [
      ["--log-outputs=stdout,stderr"],
      '--logger=capnslog supports only 1 value in \'--log-outputs\', got ["stderr" "stdout"]',
      1,
    ],
    [
      ["--log-outputs=/tmp/x.log"],
      'unknown log-output "/tmp/x.log" (only supports "default", "stderr", "stdout")',
      1,
    ],
    [["--log-outputs="], 'unknown log-output "" (only supports "default", "stderr", "stdout")', 1],
    [
      ["--logger=zap", "--log-outputs=default,b", "--log-level=bogus"],
      'multi logoutput for "default" is not supported yet',
      1,
    ],
    [
      ["--logger=bogus", "--listen-peer-urls=http://example.com:31380"],
      'unknown logger option "bogus"',
      1,
    ],
  ];
  for (const [args, detail, exitCode] of cases) {
    const err = fails(args);
    assert.equal(err.detail, detail, args.join(" "));
    assert.equal(err.exitCode, exitCode, args.join(" "));
    if (exitCode === 1) assert.equal(err.message, verifyMessage(detail));
  }
  const zap = serve(["--logger=zap", "--log-outputs=stderr,/tmp/x.log", "--log-level=debug"]);
  assert.equal(zap.logger, "zap");
  assert.deepEqual(zap.logOutputs, ["/tmp/x.log", "stderr"]);
  assert.equal(zap.logLevel, "debug");
  assert.equal(serve(["--log-level=dpanic"]).logLevel, "dpanic");
  assert.deepEqual(serve(["--log-outputs=stdout"]).logOutputs, ["stdout"]);
});

Deno.test("listen and advertise URL checks", () => {
  const withUrl = (
    flag: string,
    url: string,
  ) => [...BASE.filter((a) => !a.startsWith(`--${flag}=`)), `--${flag}=${url}`];
  const cases: [string[], string][] = [
    [
      withUrl("listen-peer-urls", "http://example.com:31380"),
      "expected IP in URL for binding (http://example.com:31380)",
    ],
    [
      withUrl("listen-client-urls", "http://:31379"),
      "expected IP in URL for binding (http://:31379)",
    ],
    [
      withUrl("initial-advertise-peer-urls", "http://:31380"),
      '--initial-advertise-peer-urls "http://:31380" must be "host:port" (unexpected empty host (http://:31380))',
    ],
    [
      withUrl("advertise-client-urls", "http://:1,http://a:2"),
      '--advertise-client-urls "http://:1,http://a:2" must be "host:port" (unexpected empty host (http://:1))',
    ],
    [
      [...BASE, "--listen-metrics-urls=http://metrics.example:1"],
      "expected IP in URL for binding (http://metrics.example:1)",
    ],
  ];
  for (const [args, detail] of cases) assert.equal(fails(args).message, verifyMessage(detail));
  const c = serve(
    withUrl("listen-client-urls", "http://localhost:31379,http://[::1]:31379,http://0.0.0.0:31379"),
  );
  assert.deepEqual(c.listenClientUrls, [
    "http://0.0.0.0:31379",
    "http://[::1]:31379",
    "http://localhost:31379",
  ]);
});

Deno.test("auto compaction: mode check and etcd's retention parsing", () => {
  assert.equal(
    fails([...BASE, "--auto-compaction-mode=bogus"]).message,
    verifyMessage('unknown auto-compaction-mode "bogus"'),
  );
  const retentionErrors: [string[], string][] = [
    [
      ["--auto-compaction-retention=bogus"],
      'error parsing CompactionRetention: time: invalid duration "bogus"',
    ],
    [
      ["--auto-compaction-mode=revision", "--auto-compaction-retention=-5"],
      'error parsing CompactionRetention: time: missing unit in duration "-5"',
    ],
    [
      ["--auto-compaction-retention=1.5"],
      'error parsing CompactionRetention: time: missing unit in duration "1.5"',
    ],
    [
      ["--auto-compaction-retention=5d"],
      'error parsing CompactionRetention: time: unknown unit "d" in duration "5d"',
    ],
  ];
  for (const [args, message] of retentionErrors) {
    const err = fails([...BASE, ...args]);
    assert.equal(err.message, message);
    assert.equal(err.exitCode, 1);
  }
  assert.deepEqual(serve(["--auto-compaction-retention=30m"]).autoCompaction, {
    mode: "periodic",
    retentionMs: 1_800_000,
  });
  assert.deepEqual(serve(["--auto-compaction-retention=2"]).autoCompaction, {
    mode: "periodic",
    retentionMs: 7_200_000,
  });
  assert.deepEqual(serve(["--auto-compaction-retention=+2"]).autoCompaction, {
    mode: "periodic",
    retentionMs: 7_200_000,
  });
  assert.deepEqual(serve(["--auto-compaction-retention="]).autoCompaction, { mode: "off" });
  assert.deepEqual(
    serve(["--auto-compaction-mode=revision", "--auto-compaction-retention=1000"]).autoCompaction,
    { mode: "revision", retentionRevisions: 1000 },
  );
  // etcd reads "1h" in revision mode as a duration: 3.6e12 (nanoseconds) revisions.
  assert.deepEqual(parseAutoCompaction("revision", "1h"), {
    mode: "revision",
    retentionRevisions: 3.6e12,
  });
  assert.deepEqual(parseAutoCompaction("periodic", "1h30m"), {
    mode: "periodic",
    retentionMs: 5_400_000,
  });
  assert.deepEqual(parseAutoCompaction("periodic", "0s"), { mode: "off" });
});

Deno.test("TLS on listen URLs: etcd's start-up checks", () => {
  const client = [
    "--listen-client-urls=https://127.0.0.1:31379",
    "--advertise-client-urls=http://127.0.0.1:31379",
  ];
  const peer = [
    "--listen-peer-urls=https://127.0.0.1:31380",
    "--initial-advertise-peer-urls=http://127.0.0.1:31380",
  ];
  const cases: [string[], string][] = [
    [
      client,
      "TLS key/cert (--cert-file, --key-file) must be provided for client url https://127.0.0.1:31379 with HTTPS scheme",
    ],
    [
      [...client, "--cert-file=/x.crt"],
      "KeyFile and CertFile must both be present[key: , cert: /x.crt]",
    ],
    [peer, "cannot listen on TLS for 127.0.0.1:31380: KeyFile and CertFile are not presented"],
    [
      [...peer, "--peer-cert-file=/x.crt"],
      "KeyFile and CertFile must both be present[key: , cert: /x.crt]",
    ],
  ];
  for (const [args, message] of cases) {
    const err = fails(args);
    assert.equal(err.message, message);
    assert.equal(err.exitCode, 1);
  }
  assert.equal(serve([...client, "--auto-tls"]).clientTls.autoTls, true);
  assert.equal(serve([...peer, "--peer-auto-tls"]).peerTls.autoTls, true);
  const tls = serve([
    ...client,
    "--cert-file=/c.crt",
    "--key-file=/c.key",
    "--client-cert-auth",
    "--trusted-ca-file=/ca.crt",
    "--peer-cert-file=/p.crt",
    "--peer-key-file=/p.key",
    "--peer-client-cert-auth=true",
    "--peer-trusted-ca-file=/pca.crt",
  ]);
  assert.deepEqual(tls.clientTls, {
    certFile: "/c.crt",
    keyFile: "/c.key",
    clientCertAuth: true,
    trustedCaFile: "/ca.crt",
    autoTls: false,
  });
  assert.deepEqual(tls.peerTls, {
    certFile: "/p.crt",
    keyFile: "/p.key",
    clientCertAuth: true,
    trustedCaFile: "/pca.crt",
    autoTls: false,
  });
});

Deno.test("what etcd-ts does not do: refused, or accepted with a warning", () => {
  assert.equal(fails(["--proxy=on"]).message, "etcd-ts does not support the v2 proxy (--proxy=on)");
  assert.equal(
    fails(["--discovery=http://d:1/x"]).message,
    "etcd-ts does not support --discovery; use --initial-cluster",
  );
  assert.equal(
    fails(["--listen-client-urls=unix://sock:1", "--advertise-client-urls=http://h:1"]).message,
    "etcd-ts does not support unix socket URLs (--listen-client-urls=unix://sock:1)",
  );
  assert.equal(
    fails(["--discovery=http://d:1/x", "--initial-cluster=a=http://h:1"]).message,
    verifyMessage(
      'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"',
    ),
  );
  const c = serve([
    "--discovery-srv-name=x",
    "--experimental-compaction-batch-limit=-1",
    "--cors=*",
    "--v",
    "--enable-v2",
  ]);
  assert.deepEqual([...c.other], [["cors", ["*"]], ["discovery-srv-name", "x"], [
    "experimental-compaction-batch-limit",
    -1,
  ]]);
  for (
    const warning of [
      "--discovery-srv-name is accepted for compatibility and ignored by etcd-ts",
      'flag "-v" is no longer supported - ignoring.',
      "--enable-v2 is accepted, but etcd-ts serves only the v3 API",
    ]
  ) {
    assert.ok(c.warnings.includes(warning), warning);
  }
  assert.ok(
    serve(["--log-output=stdout"]).warnings.includes(
      "Deprecated '--log-output' flag is set to [\"stdout\"]; please use '--log-outputs' flag",
    ),
  );
});

Deno.test("--quota-backend-bytes: 0 is 2 GiB, negative disables, above 8 GiB warns", () => {
  assert.equal(serve(["--quota-backend-bytes=0"]).quotaBackendBytes, 2147483648);
  const off = serve(["--quota-backend-bytes=-1"]);
  assert.equal(off.quotaBackendBytes, Infinity);
  assert.ok(off.warnings.includes("disabling backend quota"));
  const big = serve(["--quota-backend-bytes=9000000000"]);
  assert.equal(big.quotaBackendBytes, 9000000000);
  assert.ok(
    big.warnings.includes("backend quota 9000000000 exceeds maximum recommended quota 8589934592"),
  );
});

Deno.test("--initial-cluster: built from --name when left at its default", () => {
  const derived = serve([
    "--name",
    "foo",
    "--initial-advertise-peer-urls",
    "http://127.0.0.2:31380,http://127.0.0.1:31380",
  ]);
  assert.equal(derived.initialClusterText, "foo=http://127.0.0.1:31380,foo=http://127.0.0.2:31380");
  assert.deepEqual([...derived.initialCluster], [["foo", [
    "http://127.0.0.1:31380",
    "http://127.0.0.2:31380",
  ]]]);
  validateForBootstrap(derived);
  // Given explicitly but equal to the default string: etcd rewrites it too.
  const explicitDefault = serve(["--name=foo", "--initial-cluster=default=http://localhost:2380"]);
  assert.equal(explicitDefault.initialClusterText, "foo=http://localhost:2380");
  // The default name keeps the default string even with other peer URLs, and then fails to bootstrap.
  const defaultName = serve([
    "--initial-advertise-peer-urls=http://127.0.0.1:31380",
    "--listen-peer-urls=http://127.0.0.1:31380",
  ]);
  assert.equal(defaultName.initialClusterText, "default=http://localhost:2380");
  assert.equal(
    bootstrapMessage(defaultName),
    "--initial-cluster has default=http://localhost:2380 but missing from --initial-advertise-peer-urls=" +
      'http://127.0.0.1:31380 (resolved urls: "http://127.0.0.1:31380" != "http://localhost:2380")',
  );
});

function bootstrapMessage(cfg: ServeConfig, join = false): string {
  try {
    (join ? validateForJoin : validateForBootstrap)(cfg);
  } catch (err) {
    assert.ok(err instanceof BootstrapError, String(err));
    assert.equal(err.exitCode, 1);
    return err.message;
  }
  return "ok";
}

Deno.test("validateForBootstrap: etcd's VerifyBootstrap messages", () => {
  const member = (ap: string, cluster: string, name = "foo") =>
    serve([
      `--name=${name}`,
      `--initial-advertise-peer-urls=${ap}`,
      `--initial-cluster=${cluster}`,
    ]);
  const cases: [ServeConfig, string][] = [
    [
      serve(["--initial-advertise-peer-urls=http://127.0.0.1:31380"]),
      '--initial-cluster has default=http://localhost:2380 but missing from --initial-advertise-peer-urls=http://127.0.0.1:31380 (resolved urls: "http://127.0.0.1:31380" != "http://localhost:2380")',
    ],
    [
      member("http://127.0.0.1:31380", "bar=http://127.0.0.1:31380"),
      `couldn't find local name "foo" in the initial cluster configuration`,
    ],
    [
      member("http://127.0.0.1:31380", "foo=http://127.0.0.1:31381"),
      '--initial-cluster has foo=http://127.0.0.1:31381 but missing from --initial-advertise-peer-urls=http://127.0.0.1:31380 (resolved urls: "http://127.0.0.1:31380" != "http://127.0.0.1:31381")',
    ],
    [
      member("http://127.0.0.1:31380,http://127.0.0.1:31382", "foo=http://127.0.0.1:31380"),
      "--initial-advertise-peer-urls has http://127.0.0.1:31382 but missing from --initial-cluster=foo=http://127.0.0.1:31380,foo=http://127.0.0.1:31382",
    ],
    [
      member("http://127.0.0.1:31380", "foo=http://127.0.0.1:31380,foo=http://127.0.0.1:31382"),
      '--initial-cluster has foo=http://127.0.0.1:31382 but missing from --initial-advertise-peer-urls=http://127.0.0.1:31380 (len(["http://127.0.0.1:31380"]) != len(["http://127.0.0.1:31380" "http://127.0.0.1:31382"]))',
    ],
    [
      member("http://127.0.0.1:31380", "foo=http://127.0.0.1:31380,bar=http://127.0.0.1:31380"),
      "initial cluster bar=http://127.0.0.1:31380,foo=http://127.0.0.1:31380 has duplicate url",
    ],
    [
      member("http://127.0.0.1:31380", "foo=http://127.0.0.1:31380,foo=http://127.0.0.1:31380"),
      'failed to resolve http://127.0.0.1:31380 to match --initial-cluster=foo=http://127.0.0.1:31380 (len(["http://127.0.0.1:31380"]) != len(["http://127.0.0.1:31380" "http://127.0.0.1:31380"]))',
    ],
    [
      member("http://localhost:31380", "foo=http://127.0.0.1:31380"),
      '--initial-cluster has foo=http://127.0.0.1:31380 but missing from --initial-advertise-peer-urls=http://localhost:31380 (resolved urls: "http://localhost:31380" != "http://127.0.0.1:31380")',
    ],
    [
      member("http://127.0.0.1:31380", ""),
      `couldn't find local name "foo" in the initial cluster configuration`,
    ],
    [
      member("http://127.0.0.1:31380", "foo"),
      "error setting up initial cluster: URL scheme must be http, https, unix, or unixs: ",
    ],
    [
      member("http://127.0.0.1:31380", "foo=http//bad"),
      "error setting up initial cluster: URL scheme must be http, https, unix, or unixs: http//bad",
    ],
  ];
  for (const [cfg, message] of cases) {
    assert.equal(bootstrapMessage(cfg), message, cfg.initialClusterText);
  }
  assert.equal(
    bootstrapMessage(member("http://127.0.0.1:31380", "=http://127.0.0.1:31380", "")),
    "ok",
  );
  assert.equal(
    bootstrapMessage(
      member("http://127.0.0.1:31380", "foo= http://127.0.0.1:31380 ,,bar=http://127.0.0.1:31390"),
    ),
    "ok",
  );
});

Deno.test("validateForJoin: name and duplicates only (etcd's VerifyJoinExisting)", () => {
  const join = (ap: string, cluster: string) =>
    serve([
      "--name=foo",
      "--initial-cluster-state=existing",
      `--initial-advertise-peer-urls=${ap}`,
      `--initial-cluster=${cluster}`,
    ]);
  assert.equal(join("http://h:1", "bar=http://h:2").initialClusterState, "existing");
  assert.equal(
    bootstrapMessage(join("http://h:1", "bar=http://h:2"), true),
    `couldn't find local name "foo" in the initial cluster configuration`,
  );
  assert.equal(bootstrapMessage(join("http://h:1", "foo=http://h:9,bar=http://h:2"), true), "ok");
  assert.equal(
    bootstrapMessage(join("http://h:1", "foo=http://h:2,bar=http://h:2"), true),
    "initial cluster bar=http://h:2,foo=http://h:2 has duplicate url",
  );
});

Deno.test("--config-file: the file alone decides; flags and variables are ignored", () => {
  const file = `
name: cfname
data-dir: /var/lib/cf
listen-client-urls: http://127.0.0.1:31379
advertise-client-urls: http://127.0.0.1:31379
listen-peer-urls: http://127.0.0.1:31380
initial-advertise-peer-urls: http://127.0.0.1:31380
initial-cluster: cfname=http://127.0.0.1:31380
snapshot-count: 10000
log-outputs: [stderr]
logger: zap
auto-compaction-retention: "1"
client-transport-security:
  client-cert-auth: true
`;
  const files = { "/etc/etcd.yml": file };
  const env = { ETCD_NAME: "envname", ETCD_BOGUS: "1" };
  const c = serve(
    ["--config-file", "/etc/etcd.yml", "--name", "flagname", "--heartbeat-interval=300"],
    env,
    files,
  );
  assert.equal(c.name, "cfname");
  assert.equal(c.dataDir, "/var/lib/cf");
  assert.equal(c.heartbeatIntervalMs, 100);
  assert.equal(c.snapshotCount, 10000);
  assert.deepEqual(c.logOutputs, ["stderr"]);
  assert.deepEqual(c.autoCompaction, { mode: "periodic", retentionMs: 3_600_000 });
  assert.equal(c.clientTls.clientCertAuth, true);
  assert.equal(c.configFile, "/etc/etcd.yml");
  assert.deepEqual(c.notices, [
    'Loading server configuration from "/etc/etcd.yml". Other configuration command line flags and environment variables will be ignored if provided.',
  ]);
  assert.ok(!c.warnings.some((w) => w.includes("ETCD_BOGUS")), "variables are not even looked at");
  validateForBootstrap(c);
  // ETCD_CONFIG_FILE works too, and the flag wins over it without a conflict.
  assert.equal(serve([], { ETCD_CONFIG_FILE: "/etc/etcd.yml" }, files).name, "cfname");
  assert.equal(
    serve(["--config-file=/etc/etcd.yml"], { ETCD_CONFIG_FILE: "/nonexistent" }, files).name,
    "cfname",
  );
  // The command line is still parsed first.
  assert.equal(
    fails(["--config-file=/etc/etcd.yml", "--heartbeat-interval=abc"], {}, files).exitCode,
    2,
  );
});

Deno.test("--config-file: etcd's defaults and rules apply to the file's values", () => {
  const files = {
    "/lcu-only.yml":
      "name: foo\nlisten-client-urls: http://127.0.0.1:31379\nlisten-peer-urls: http://127.0.0.1:31380\ninitial-advertise-peer-urls: http://127.0.0.1:31380\n",
    "/hb.yml": "heartbeat-interval: 300\n",
    "/state.yml": "initial-cluster-state: bogus\n",
    "/empty.yml": "",
    "/bad-url.yml": "listen-client-urls: http//bad\n",
    "/bad-type.yml": "snapshot-count: abc\n",
  };
  // No advertise-client-urls error from a file: the default advertise URL stays.
  const c = serve(["--config-file=/lcu-only.yml"], {}, files);
  assert.deepEqual(c.advertiseClientUrls, ["http://localhost:2379"]);
  assert.equal(c.initialClusterText, "foo=http://127.0.0.1:31380");
  assert.equal(c.dataDir, "foo.etcd");
  assert.equal(serve(["--config-file=/empty.yml"], {}, files).name, "default");
  const cases: [string, string, 1 | 2][] = [
    [
      "/hb.yml",
      verifyMessage(
        "--election-timeout[1000ms] should be at least as 5 times as --heartbeat-interval[300ms]",
      ),
      1,
    ],
    ["/state.yml", verifyMessage('unexpected clusterState "bogus"'), 1],
    [
      "/bad-url.yml",
      "unexpected error setting up listen-client-urls: URL scheme must be http, https, unix, or unixs: http//bad",
      1,
    ],
    [
      "/bad-type.yml",
      verifyMessage(
        "error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go struct field configYAML.snapshot-count of type uint64",
      ),
      1,
    ],
    ["/none.yml", verifyMessage("open /none.yml: no such file or directory"), 1],
  ];
  for (const [path, message, exitCode] of cases) {
    const err = fails([`--config-file=${path}`], {}, files);
    assert.equal(err.message, message, path);
    assert.equal(err.exitCode, exitCode);
  }
});
