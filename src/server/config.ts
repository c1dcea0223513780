/**
 * `etcd-ts serve`'s configuration, read exactly as etcd 3.4 reads its own:
 * the same flags (Go flag syntax), the same `ETCD_*` environment variables,
 * the same YAML file (`--config-file`, which makes etcd ignore every other
 * flag and variable), the same defaults, checks, messages and exit codes.
 *
 * {@linkcode parseServeConfig} does what etcd does before it touches the
 * data directory; {@linkcode validateForBootstrap} and
 * {@linkcode validateForJoin} are the checks etcd makes when it starts a
 * member without a WAL (new cluster, or joining an existing one).
 *
 * Every behaviour here was checked against etcd 3.4.23; where etcd-ts
 * differs (features it does not have) the difference is a {@linkcode ConfigError}
 * or a warning, never a silent change of meaning.
 *
 * @module
 */

import { parseGoDuration } from "../util/go_duration.ts";
import { goQuote } from "../util/go_strconv.ts";
import {
  applyEnv,
  ConfigError,
  defaultFlagValues,
  flagSpec,
  type FlagValue,
  parseArgs,
} from "./flags.ts";
import { parseConfigFileUrls, readConfigFile } from "./config_file.ts";
import {
  compareStrings,
  formatUrlsMap,
  isIpLiteral,
  parseGoUrl,
  parseUrlsMap,
  splitHostPort,
} from "../util/go_url.ts";

export { ConfigError } from "./flags.ts";
export type { ConfigErrorKind } from "./flags.ts";

/** The TLS settings of one side (clients or peers); parsed now, used once TLS is implemented. */
export interface TlsSettings {
  /** `--cert-file` / `--peer-cert-file`: the server certificate ("" = none). */
  readonly certFile: string;
  /** `--key-file` / `--peer-key-file`: its key ("" = none). */
  readonly keyFile: string;
  /** `--client-cert-auth` / `--peer-client-cert-auth`: require client certificates. */
  readonly clientCertAuth: boolean;
  /** `--trusted-ca-file` / `--peer-trusted-ca-file`: CA bundle for client certificates. */
  readonly trustedCaFile: string;
  /** `--auto-tls` / `--peer-auto-tls`: generate a self-signed certificate. */
  readonly autoTls: boolean;
}

/** Log levels etcd's `--log-level` accepts (zap's names). */
export type LogLevel = "debug" | "info" | "warn" | "error" | "dpanic" | "panic" | "fatal";

/** Auto compaction as etcd starts it: off, or periodic / by revision with its retention. */
export type AutoCompaction =
  | { readonly mode: "off" }
  | { readonly mode: "periodic"; readonly retentionMs: number }
  | { readonly mode: "revision"; readonly retentionRevisions: number };

/** A member's whole configuration, every field in etcd 3.4's meaning. */
export interface ServeConfig {
  /** `--name` (default `default`). */
  readonly name: string;
  /** `--data-dir`; when not given, `${name}.etcd` (with a warning, as etcd). */
  readonly dataDir: string;
  /** `--wal-dir`: a dedicated WAL directory, "" for `<data-dir>/member/wal`. */
  readonly walDir: string;
  /** `--listen-client-urls`, Go-normalized and sorted (default `http://localhost:2379`). */
  readonly listenClientUrls: readonly string[];
  /** `--advertise-client-urls` (default `http://localhost:2379`). */
  readonly advertiseClientUrls: readonly string[];
  /** `--listen-peer-urls` (default `http://localhost:2380`). */
  readonly listenPeerUrls: readonly string[];
  /** `--initial-advertise-peer-urls` (default `http://localhost:2380`): this member's peer URLs. */
  readonly initialAdvertisePeerUrls: readonly string[];
  /** `--listen-metrics-urls` (default none). */
  readonly listenMetricsUrls: readonly string[];
  /**
   * `--initial-cluster` parsed: member name to its sorted peer URLs. When the
   * flag was left at its default and `--name` is not `default`, etcd builds
   * it from `--name` and `--initial-advertise-peer-urls`, and so do we.
   */
  readonly initialCluster: ReadonlyMap<string, readonly string[]>;
  /** `--initial-cluster` as text after that derivation. */
  readonly initialClusterText: string;
  /**
   * etcd's error for a malformed `--initial-cluster` (`error setting up
   * initial cluster: …`): etcd reports it only when it bootstraps, so it is
   * thrown by {@linkcode validateForBootstrap} / {@linkcode validateForJoin}.
   */
  readonly initialClusterError?: string;
  /** `--initial-cluster-state` (default `new`). */
  readonly initialClusterState: "new" | "existing";
  /** `--initial-cluster-token` (default `etcd-cluster`): salts member and cluster ids. */
  readonly initialClusterToken: string;
  /** Whether the token was given (flag, `ETCD_INITIAL_CLUSTER_TOKEN` or config file key). */
  readonly initialClusterTokenExplicit: boolean;
  /** `--snapshot-count`: applied entries between snapshots (default 100000). */
  readonly snapshotCount: number;
  /** `--heartbeat-interval` in ms (default 100): one raft tick. */
  readonly heartbeatIntervalMs: number;
  /** `--election-timeout` in ms (default 1000; ≥ 5 heartbeats, ≤ 50000). */
  readonly electionTimeoutMs: number;
  /** Election timeout in ticks, as etcd computes it (`electionTimeoutMs / heartbeatIntervalMs`, floored). */
  readonly electionTicks: number;
  /** `--initial-election-tick-advance` (default true). */
  readonly initialElectionTickAdvance: boolean;
  /** `--max-request-bytes` (default 1572864). */
  readonly requestBytesMax: number;
  /**
   * `--quota-backend-bytes` as etcd applies it: 0 means the default 2 GiB,
   * a negative value disables the quota (`Infinity` here).
   */
  readonly quotaBackendBytes: number;
  /** `--max-txn-ops` (default 128). */
  readonly txnOpsMax: number;
  /** `--max-snapshots`: snapshot files kept, 0 = all (default 5). */
  readonly snapshotsMax: number;
  /** `--max-wals`: WAL files kept, 0 = all (default 5). */
  readonly walFilesMax: number;
  /** `--auto-compaction-mode` (default `periodic`). */
  readonly autoCompactionMode: "periodic" | "revision";
  /** `--auto-compaction-retention` as given (default `0`). */
  readonly autoCompactionRetention: string;
  /** The two above interpreted as etcd does (hours when periodic without a unit). */
  readonly autoCompaction: AutoCompaction;
  /** `--log-level` (default `info`). */
  readonly logLevel: LogLevel;
  /** `--logger` (3.4 default `capnslog`); etcd-ts always writes zap-style JSON lines. */
  readonly logger: "zap" | "capnslog";
  /** `--log-outputs` (default `default` = stderr): `stderr`, `stdout`, or file paths (zap). */
  readonly logOutputs: readonly string[];
  /** `--strict-reconfig-check` (default true). */
  readonly strictReconfigCheck: boolean;
  /** `--enable-v2` (default false); the v2 API is not served by etcd-ts. */
  readonly enableV2: boolean;
  /** `--enable-pprof` (default false). */
  readonly enablePprof: boolean;
  /** `--metrics`: `basic` (default) or `extensive`. */
  readonly metrics: string;
  /** `--auth-token` (default `simple`). */
  readonly authToken: string;
  /** `--bcrypt-cost` (default 10). */
  readonly bcryptCost: number;
  /** `--auth-token-ttl` in seconds (default 300). */
  readonly authTokenTtlSeconds: number;
  /** Client-side TLS (`--cert-file`, `--key-file`, `--client-cert-auth`, …). */
  readonly clientTls: TlsSettings;
  /** Peer-side TLS (`--peer-cert-file`, …). */
  readonly peerTls: TlsSettings;
  /** `--force-new-cluster` (default false). */
  readonly forceNewCluster: boolean;
  /** `--pre-vote` as given (3.4 default false); etcd-ts always runs Pre-Vote. */
  readonly preVote: boolean;
  /**
   * `--experimental-watch-progress-notify-interval` in ms (default 10m; 0 or
   * less: the default, as etcd).
   */
  readonly watchProgressNotifyIntervalMs: number;
  /** The configuration file read (`--config-file` / `ETCD_CONFIG_FILE`), "" for none. */
  readonly configFile: string;
  /** Flags etcd has but etcd-ts does not use, that were set: name to value as parsed. */
  readonly other: ReadonlyMap<string, FlagValue>;
  /** Warnings to log at start (etcd's, and ours for ignored settings). */
  readonly warnings: readonly string[];
  /** Informational lines etcd logs while reading its configuration. */
  readonly notices: readonly string[];
}

/** What `etcd-ts serve` should do. */
export type ServeCommand =
  /** `-h`/`--help`: print the usage, exit 0. */
  | { readonly kind: "help" }
  /** `--version`: print the version, exit 0. */
  | { readonly kind: "version" }
  /** Start a member with this configuration. */
  | { readonly kind: "serve"; readonly config: ServeConfig };

/** Reads a text file; throws (for example `Deno.errors.NotFound`) when it cannot. */
export type ReadTextFile = (path: string) => string;

/** etcd's default `--initial-cluster`, rebuilt from `--name` when left as is. */
export const DEFAULT_INITIAL_CLUSTER = "default=http://localhost:2380";
/** etcd's backend quota when `--quota-backend-bytes` is 0 (2 GiB). */
export const DEFAULT_QUOTA_BACKEND_BYTES = 2 * 1024 * 1024 * 1024;
/** Above this quota etcd warns (8 GiB). */
export const MAX_QUOTA_BACKEND_BYTES = 8 * 1024 * 1024 * 1024;
/** etcd's largest `--election-timeout` in ms. */
export const MAX_ELECTION_TIMEOUT_MS = 50_000;

const LOG_LEVELS: readonly LogLevel[] = [
  "debug",
  "info",
  "warn",
  "error",
  "dpanic",
  "panic",
  "fatal",
];

/** The flags etcd-ts reads into {@linkcode ServeConfig}; any other flag set lands in `other`. */
const USED_FLAGS = new Set([
  "config-file",
  "experimental-watch-progress-notify-interval",
  "version",
  "name",
  "data-dir",
  "wal-dir",
  "snapshot-count",
  "heartbeat-interval",
  "election-timeout",
  "initial-election-tick-advance",
  "listen-peer-urls",
  "listen-client-urls",
  "max-snapshots",
  "max-wals",
  "quota-backend-bytes",
  "max-txn-ops",
  "max-request-bytes",
  "initial-advertise-peer-urls",
  "initial-cluster",
  "initial-cluster-state",
  "initial-cluster-token",
  "advertise-client-urls",
  "discovery",
  "discovery-srv",
  "strict-reconfig-check",
  "pre-vote",
  "auto-compaction-retention",
  "auto-compaction-mode",
  "enable-v2",
  "cert-file",
  "key-file",
  "client-cert-auth",
  "trusted-ca-file",
  "auto-tls",
  "peer-cert-file",
  "peer-key-file",
  "peer-client-cert-auth",
  "peer-trusted-ca-file",
  "peer-auto-tls",
  "auth-token",
  "bcrypt-cost",
  "auth-token-ttl",
  "enable-pprof",
  "metrics",
  "listen-metrics-urls",
  "logger",
  "log-outputs",
  "log-level",
  "log-output",
  "proxy",
  "force-new-cluster",
]);

/** The merged flag values and where they came from. */
interface Sources {
  readonly values: Map<string, FlagValue>;
  /** Flags given explicitly (command line, environment or file). */
  readonly explicit: Set<string>;
  /** `--listen-client-urls` set without `--advertise-client-urls` on the command line/env. */
  readonly missingAdvertiseClientUrls: boolean;
  readonly configFile: string;
  readonly warnings: string[];
  readonly notices: string[];
}

/**
 * Parses `etcd-ts serve`'s arguments and environment as etcd 3.4 does.
 * `readTextFile` reads `--config-file`. Throws {@linkcode ConfigError}
 * (print `message`, plus etcd's usage when `showUsage`; exit with `exitCode`).
 */
export function parseServeConfig(
  args: readonly string[],
  env: Readonly<Record<string, string>>,
  readTextFile: ReadTextFile,
): ServeCommand {
  const state = parseArgs(args);
  if (state.help) return { kind: "help" };
  const extra = state.positional[0];
  if (extra !== undefined) throw new ConfigError("verify", `'${extra}' is not a valid flag`);
  if (state.values.get("version") === true) return { kind: "version" };
  const fileFlag = state.values.get("config-file");
  const configFile = typeof fileFlag === "string" && fileFlag !== ""
    ? fileFlag
    : env["ETCD_CONFIG_FILE"] ?? "";
  const sources = configFile === ""
    ? sourcesFromCommandLine(state.values, state.fromArgs, env, state.warnings)
    : sourcesFromFile(configFile, readTextFile, state.warnings);
  validateLikeEtcd(sources);
  return { kind: "serve", config: buildConfig(sources) };
}

function sourcesFromCommandLine(
  values: Map<string, FlagValue>,
  fromArgs: Set<string>,
  env: Readonly<Record<string, string>>,
  warnings: string[],
): Sources {
  const state = {
    values,
    fromArgs,
    fromEnv: new Set<string>(),
    positional: [],
    warnings,
    help: false,
  };
  const report = applyEnv(state, env);
  const explicit = new Set([...fromArgs, ...state.fromEnv]);
  // etcd drops the default --initial-cluster when discovery is used instead.
  const discovering = str(values, "discovery") !== "" || str(values, "discovery-srv") !== "";
  if (discovering && !explicit.has("initial-cluster")) values.set("initial-cluster", "");
  return {
    values,
    explicit,
    missingAdvertiseClientUrls: explicit.has("listen-client-urls") &&
      !explicit.has("advertise-client-urls"),
    configFile: "",
    warnings: [...warnings, ...report.unrecognized],
    notices: report.used,
  };
}

function describeReadError(path: string, err: unknown): string {
  const name = err instanceof Error ? err.name : "";
  const code = (err as { code?: unknown } | null)?.code;
  if (name === "NotFound" || code === "ENOENT") return `open ${path}: no such file or directory`;
  if (name === "PermissionDenied" || code === "EACCES") return `open ${path}: permission denied`;
  if (name === "IsADirectory" || code === "EISDIR") return `read ${path}: is a directory`;
  return `open ${path}: ${err instanceof Error ? err.message : String(err)}`;
}

function sourcesFromFile(path: string, readTextFile: ReadTextFile, warnings: string[]): Sources {
  const notices = [
    `Loading server configuration from ${goQuote(path)}. Other configuration command line flags ` +
    "and environment variables will be ignored if provided.",
  ];
  let text: string;
  try {
    text = readTextFile(path);
  } catch (err) {
    throw new ConfigError("verify", describeReadError(path, err));
  }
  const file = readConfigFile(text);
  parseConfigFileUrls(file.values);
  const values = defaultFlagValues();
  for (const [name, value] of file.values) values.set(name, value);
  if (values.get("initial-cluster-state") === "") values.set("initial-cluster-state", "new");
  const discovering = str(values, "discovery") !== "" || str(values, "discovery-srv") !== "";
  if (discovering && str(values, "initial-cluster") === DEFAULT_INITIAL_CLUSTER) {
    values.set("initial-cluster", "");
  }
  const outputs = values.get("log-outputs");
  if (Array.isArray(outputs) && outputs.length === 0) values.set("log-outputs", ["default"]);
  // Warnings for `-v`-style flags on the command line still apply: etcd parsed the flags first.
  return {
    values,
    explicit: new Set(file.values.keys()),
    missingAdvertiseClientUrls: false,
    configFile: path,
    warnings: [...warnings],
    notices,
  };
}

function str(values: ReadonlyMap<string, FlagValue>, name: string): string {
  const v = values.get(name);
  return typeof v === "string" ? v : "";
}

function num(values: ReadonlyMap<string, FlagValue>, name: string): number {
  const v = values.get(name);
  return typeof v === "number" ? v : 0;
}

function bool(values: ReadonlyMap<string, FlagValue>, name: string): boolean {
  return values.get(name) === true;
}

function list(values: ReadonlyMap<string, FlagValue>, name: string): readonly string[] {
  const v = values.get(name);
  return Array.isArray(v) ? v : [];
}

/** etcd's `setupLogging` checks: the logger, then (in its order) outputs and level. */
function validateLogging(values: ReadonlyMap<string, FlagValue>): void {
  const logger = str(values, "logger");
  const level = str(values, "log-level");
  const outputs = list(values, "log-outputs");
  const checkLevel = () => {
    if (!(LOG_LEVELS as readonly string[]).includes(level)) {
      throw new ConfigError("panic", `unknown level ${goQuote(level)}`);
    }
  };
  if (logger === "capnslog") {
    checkLevel();
    if (outputs.length !== 1) {
      throw new ConfigError(
        "verify",
        `--logger=capnslog supports only 1 value in '--log-outputs', got [${
          outputs.map(goQuote).join(" ")
        }]`,
      );
    }
    const output = outputs[0] ?? "";
    if (!["default", "stderr", "stdout"].includes(output)) {
      throw new ConfigError(
        "verify",
        `unknown log-output ${goQuote(output)} (only supports "default", "stderr", "stdout")`,
      );
    }
  } else if (logger === "zap") {
    if (outputs.length > 1 && outputs.includes("default")) {
      throw new ConfigError("verify", `multi logoutput for "default" is not supported yet`);
    }
    checkLevel();
  } else {
    throw new ConfigError("verify", `unknown logger option ${goQuote(logger)}`);
  }
}

/** etcd's `checkBindURLs`: a listen URL's host must be an IP or `localhost`. */
function checkBindUrls(urls: readonly string[]): void {
  for (const url of urls) {
    const parsed = parseGoUrl(url);
    if (parsed.scheme === "unix" || parsed.scheme === "unixs") continue;
    const { host } = splitHostPort(parsed.host);
    if (host === "localhost") continue;
    if (!isIpLiteral(host)) {
      throw new ConfigError("verify", `expected IP in URL for binding (${url})`);
    }
  }
}

/** etcd's `checkHostURLs` with its `--flag "urls" must be "host:port" (…)` frame. */
function checkHostUrls(flag: string, urls: readonly string[]): void {
  for (const url of urls) {
    if (splitHostPort(parseGoUrl(url).host).host === "") {
      throw new ConfigError(
        "verify",
        `--${flag} ${goQuote(urls.join(","))} must be "host:port" (unexpected empty host (${url}))`,
      );
    }
  }
}

/** etcd's `embed.Config.Validate`, in its order. */
function validateLikeEtcd(sources: Sources): void {
  const v = sources.values;
  validateLogging(v);
  checkBindUrls(list(v, "listen-peer-urls"));
  checkBindUrls(list(v, "listen-client-urls"));
  checkBindUrls(list(v, "listen-metrics-urls"));
  checkHostUrls("initial-advertise-peer-urls", list(v, "initial-advertise-peer-urls"));
  checkHostUrls("advertise-client-urls", list(v, "advertise-client-urls"));
  const state = str(v, "initial-cluster-state");
  if (state !== "new" && state !== "existing") {
    throw new ConfigError("verify", `unexpected clusterState ${goQuote(state)}`);
  }
  const discoveryFlags = [str(v, "discovery"), str(v, "initial-cluster"), str(v, "discovery-srv")];
  if (discoveryFlags.filter((s) => s !== "").length > 1) {
    throw new ConfigError(
      "verify",
      'multiple discovery or bootstrap flags are set. Choose one of "initial-cluster", "discovery" or "discovery-srv"',
    );
  }
  validateTimes(num(v, "heartbeat-interval"), num(v, "election-timeout"));
  const mayBeProxy = str(v, "proxy") !== "off" ||
    (str(v, "discovery") !== "" && str(v, "discovery-fallback") === "proxy");
  if (sources.missingAdvertiseClientUrls && !mayBeProxy) {
    throw new ConfigError(
      "verify",
      "--advertise-client-urls is required when --listen-client-urls is set explicitly",
    );
  }
  const mode = str(v, "auto-compaction-mode");
  if (mode !== "" && mode !== "periodic" && mode !== "revision") {
    throw new ConfigError("verify", `unknown auto-compaction-mode ${goQuote(mode)}`);
  }
}

function validateTimes(tickMs: number, electionMs: number): void {
  if (tickMs <= 0) {
    throw new ConfigError("verify", `--heartbeat-interval must be >0 (set to ${tickMs}ms)`);
  }
  if (electionMs <= 0) {
    throw new ConfigError("verify", `--election-timeout must be >0 (set to ${electionMs}ms)`);
  }
  if (5 * tickMs > electionMs) {
    throw new ConfigError(
      "verify",
      `--election-timeout[${electionMs}ms] should be at least as 5 times as --heartbeat-interval[${tickMs}ms]`,
    );
  }
  if (electionMs > MAX_ELECTION_TIMEOUT_MS) {
    throw new ConfigError(
      "verify",
      `--election-timeout[${electionMs}ms] is too long, and should be set less than ${MAX_ELECTION_TIMEOUT_MS}ms`,
    );
  }
}

/**
 * etcd's `parseCompactionRetention`: a plain non-negative integer is hours
 * (periodic) or revisions (revision); anything else a Go duration.
 */
export function parseAutoCompaction(mode: string, retention: string): AutoCompaction {
  const text = retention === "" ? "0" : retention;
  if (/^[+-]?[0-9]+$/.test(text) && !text.startsWith("-")) {
    const n = Number(text);
    if (n === 0) return { mode: "off" };
    return mode === "revision"
      ? { mode: "revision", retentionRevisions: n }
      : { mode: "periodic", retentionMs: n * 3_600_000 };
  }
  let ns: bigint;
  try {
    ns = parseGoDuration(text);
  } catch (err) {
    throw new ConfigError("fatal", `error parsing CompactionRetention: ${(err as Error).message}`);
  }
  if (ns === 0n) return { mode: "off" };
  return mode === "revision"
    ? { mode: "revision", retentionRevisions: Number(ns) }
    : { mode: "periodic", retentionMs: Number(ns) / 1e6 };
}

/** etcd's TLS checks when it opens listeners (`cannot listen on TLS …`, `TLS key/cert …`). */
function checkListenerTls(v: ReadonlyMap<string, FlagValue>): void {
  const peerCert = str(v, "peer-cert-file");
  const peerKey = str(v, "peer-key-file");
  for (const url of list(v, "listen-peer-urls")) {
    const scheme = parseGoUrl(url).scheme;
    if (scheme !== "https" && scheme !== "unixs") continue;
    if ((peerCert === "") !== (peerKey === "")) {
      throw new ConfigError(
        "fatal",
        `KeyFile and CertFile must both be present[key: ${peerKey}, cert: ${peerCert}]`,
      );
    }
    if (peerCert === "" && !bool(v, "peer-auto-tls")) {
      const host = parseGoUrl(url).host;
      throw new ConfigError(
        "fatal",
        `cannot listen on TLS for ${host}: KeyFile and CertFile are not presented`,
      );
    }
  }
  const cert = str(v, "cert-file");
  const key = str(v, "key-file");
  for (const url of list(v, "listen-client-urls")) {
    const scheme = parseGoUrl(url).scheme;
    if (scheme !== "https" && scheme !== "unixs") continue;
    if ((cert === "") !== (key === "")) {
      throw new ConfigError(
        "fatal",
        `KeyFile and CertFile must both be present[key: ${key}, cert: ${cert}]`,
      );
    }
    if (cert === "" && !bool(v, "auto-tls")) {
      throw new ConfigError(
        "fatal",
        `TLS key/cert (--cert-file, --key-file) must be provided for client url ${url} with HTTPS scheme`,
      );
    }
  }
}

/** Features etcd has and etcd-ts refuses rather than silently ignore. */
function checkSupported(v: ReadonlyMap<string, FlagValue>): void {
  const proxy = str(v, "proxy");
  if (proxy !== "off" && proxy !== "") {
    throw new ConfigError("fatal", `etcd-ts does not support the v2 proxy (--proxy=${proxy})`);
  }
  for (const flag of ["discovery", "discovery-srv"]) {
    if (str(v, flag) !== "") {
      throw new ConfigError("fatal", `etcd-ts does not support --${flag}; use --initial-cluster`);
    }
  }
  for (const flag of ["listen-client-urls", "listen-peer-urls", "listen-metrics-urls"]) {
    const unix = list(v, flag).find((url) => /^unixs?:/.test(url));
    if (unix !== undefined) {
      throw new ConfigError(
        "fatal",
        `etcd-ts does not support unix socket URLs (--${flag}=${unix})`,
      );
    }
  }
}

function tlsOf(v: ReadonlyMap<string, FlagValue>, prefix: "" | "peer-"): TlsSettings {
  return {
    certFile: str(v, `${prefix}cert-file`),
    keyFile: str(v, `${prefix}key-file`),
    clientCertAuth: bool(v, `${prefix}client-cert-auth`),
    trustedCaFile: str(v, `${prefix}trusted-ca-file`),
    autoTls: bool(v, `${prefix}auto-tls`),
  };
}

/** etcd's `InitialClusterFromName` rule, then the parse it makes at bootstrap. */
function initialClusterOf(
  v: ReadonlyMap<string, FlagValue>,
): Pick<ServeConfig, "initialCluster" | "initialClusterText" | "initialClusterError"> {
  const name = str(v, "name");
  let text = str(v, "initial-cluster");
  const peerUrls = list(v, "initial-advertise-peer-urls");
  if (name !== "default" && text === DEFAULT_INITIAL_CLUSTER) {
    text = peerUrls.map((url) => `${name === "" ? "default" : name}=${url}`).join(",");
  }
  try {
    return { initialCluster: parseUrlsMap(text), initialClusterText: text };
  } catch (err) {
    return {
      initialCluster: new Map(),
      initialClusterText: text,
      initialClusterError: `error setting up initial cluster: ${(err as Error).message}`,
    };
  }
}

function otherFlags(sources: Sources): Map<string, FlagValue> {
  const other = new Map<string, FlagValue>();
  for (const name of [...sources.explicit].sort(compareStrings)) {
    const spec = flagSpec(name);
    if (USED_FLAGS.has(name) || spec === undefined || spec.kind === "ignored") continue;
    other.set(name, sources.values.get(name) ?? "");
    sources.warnings.push(`--${name} is accepted for compatibility and ignored by etcd-ts`);
  }
  return other;
}

/** etcd applies the progress interval only when positive (else its 10 minutes). */
function progressIntervalMs(nanoseconds: number): number {
  return nanoseconds > 0 ? nanoseconds / 1e6 : 10 * 60 * 1000;
}

function quotaOf(flag: number, warnings: string[]): number {
  if (flag < 0) {
    warnings.push("disabling backend quota");
    return Infinity;
  }
  if (flag > MAX_QUOTA_BACKEND_BYTES) {
    warnings.push(
      `backend quota ${flag} exceeds maximum recommended quota ${MAX_QUOTA_BACKEND_BYTES}`,
    );
  }
  return flag === 0 ? DEFAULT_QUOTA_BACKEND_BYTES : flag;
}

function semanticWarnings(sources: Sources): void {
  const v = sources.values;
  if (bool(v, "enable-v2")) {
    sources.warnings.push("--enable-v2 is accepted, but etcd-ts serves only the v3 API");
  }
  const deprecated = list(v, "log-output");
  if (sources.explicit.has("log-output")) {
    sources.warnings.push(
      `Deprecated '--log-output' flag is set to [${deprecated.map(goQuote).join(" ")}]; ` +
        "please use '--log-outputs' flag",
    );
  }
}

function buildConfig(sources: Sources): ServeConfig {
  const v = sources.values;
  checkSupported(v);
  const name = str(v, "name");
  let dataDir = str(v, "data-dir");
  if (dataDir === "") {
    dataDir = `${name}.etcd`;
    sources.warnings.push(`no data-dir provided, using default data-dir ./${dataDir}`);
  }
  checkListenerTls(v);
  const cluster = initialClusterOf(v);
  const mode = str(v, "auto-compaction-mode") === "revision" ? "revision" : "periodic";
  const retention = str(v, "auto-compaction-retention");
  const autoCompaction = parseAutoCompaction(mode, retention);
  semanticWarnings(sources);
  const other = otherFlags(sources);
  const tickMs = num(v, "heartbeat-interval");
  const electionMs = num(v, "election-timeout");
  return {
    name,
    dataDir,
    walDir: str(v, "wal-dir"),
    listenClientUrls: list(v, "listen-client-urls"),
    advertiseClientUrls: list(v, "advertise-client-urls"),
    listenPeerUrls: list(v, "listen-peer-urls"),
    initialAdvertisePeerUrls: list(v, "initial-advertise-peer-urls"),
    listenMetricsUrls: list(v, "listen-metrics-urls"),
    ...cluster,
    initialClusterState: str(v, "initial-cluster-state") === "existing" ? "existing" : "new",
    initialClusterToken: str(v, "initial-cluster-token"),
    initialClusterTokenExplicit: sources.explicit.has("initial-cluster-token"),
    snapshotCount: num(v, "snapshot-count"),
    heartbeatIntervalMs: tickMs,
    electionTimeoutMs: electionMs,
    electionTicks: Math.floor(electionMs / tickMs),
    initialElectionTickAdvance: bool(v, "initial-election-tick-advance"),
    requestBytesMax: num(v, "max-request-bytes"),
    quotaBackendBytes: quotaOf(num(v, "quota-backend-bytes"), sources.warnings),
    txnOpsMax: num(v, "max-txn-ops"),
    snapshotsMax: num(v, "max-snapshots"),
    walFilesMax: num(v, "max-wals"),
    autoCompactionMode: mode,
    autoCompactionRetention: retention,
    autoCompaction,
    logLevel: str(v, "log-level") as LogLevel,
    logger: str(v, "logger") === "zap" ? "zap" : "capnslog",
    logOutputs: list(v, "log-outputs"),
    strictReconfigCheck: bool(v, "strict-reconfig-check"),
    enableV2: bool(v, "enable-v2"),
    enablePprof: bool(v, "enable-pprof"),
    metrics: str(v, "metrics"),
    authToken: str(v, "auth-token"),
    bcryptCost: num(v, "bcrypt-cost"),
    authTokenTtlSeconds: num(v, "auth-token-ttl"),
    clientTls: tlsOf(v, ""),
    peerTls: tlsOf(v, "peer-"),
    forceNewCluster: bool(v, "force-new-cluster"),
    preVote: bool(v, "pre-vote"),
    watchProgressNotifyIntervalMs: progressIntervalMs(
      num(v, "experimental-watch-progress-notify-interval"),
    ),
    configFile: sources.configFile,
    other,
    warnings: sources.warnings,
    notices: sources.notices,
  };
}

/** Why a member cannot bootstrap or join with its configuration; `message` is etcd's. */
export class BootstrapError extends ConfigError {
  /** Which check failed. */
  readonly reason: "initial-cluster" | "local-name" | "advertise-mismatch" | "duplicate-url";

  /** Creates the error with etcd's `message` (a fatal line, exit 1). */
  constructor(reason: BootstrapError["reason"], message: string) {
    super("fatal", message);
    this.name = "BootstrapError";
    this.reason = reason;
  }
}

function goQuoteList(items: readonly string[]): string {
  return `[${items.map(goQuote).join(" ")}]`;
}

/** etcd's `advertiseMatchesCluster`: this member's entries in `--initial-cluster` equal its peer URLs. */
function checkAdvertiseMatchesCluster(cfg: ServeConfig): void {
  const fromCluster = [...(cfg.initialCluster.get(cfg.name) ?? [])].sort(compareStrings);
  const advertised = [...cfg.initialAdvertisePeerUrls].sort(compareStrings);
  let why: string | undefined;
  if (fromCluster.length !== advertised.length) {
    why = `len(${goQuoteList(advertised)}) != len(${goQuoteList(fromCluster)})`;
  } else {
    const i = advertised.findIndex((url, k) => url !== fromCluster[k]);
    if (i < 0) return;
    why = `resolved urls: ${goQuote(advertised[i] ?? "")} != ${goQuote(fromCluster[i] ?? "")}`;
  }
  const apSet = new Set(advertised);
  const clusterSet = new Set(fromCluster);
  const inClusterOnly = [...clusterSet].filter((u) => !apSet.has(u));
  const ownMap = formatUrlsMap(new Map([[cfg.name, advertised]]));
  if (inClusterOnly.length > 0) {
    throw new BootstrapError(
      "advertise-mismatch",
      `--initial-cluster has ${
        inClusterOnly.map((u) => `${cfg.name}=${u}`).join(",")
      } but missing ` +
        `from --initial-advertise-peer-urls=${advertised.join(",")} (${why})`,
    );
  }
  const advertisedOnly = [...apSet].filter((u) => !clusterSet.has(u));
  if (advertisedOnly.length > 0) {
    throw new BootstrapError(
      "advertise-mismatch",
      `--initial-advertise-peer-urls has ${
        advertisedOnly.join(",")
      } but missing from --initial-cluster=${ownMap}`,
    );
  }
  throw new BootstrapError(
    "advertise-mismatch",
    `failed to resolve ${advertised.join(",")} to match --initial-cluster=${ownMap} (${why})`,
  );
}

function checkLocalMember(cfg: ServeConfig): void {
  if (cfg.initialClusterError !== undefined) {
    throw new BootstrapError("initial-cluster", cfg.initialClusterError);
  }
  if (!cfg.initialCluster.has(cfg.name)) {
    throw new BootstrapError(
      "local-name",
      `couldn't find local name ${goQuote(cfg.name)} in the initial cluster configuration`,
    );
  }
}

function checkDuplicateUrls(cfg: ServeConfig): void {
  const seen = new Set<string>();
  for (const urls of cfg.initialCluster.values()) {
    for (const url of urls) {
      if (seen.has(url)) {
        throw new BootstrapError(
          "duplicate-url",
          `initial cluster ${formatUrlsMap(cfg.initialCluster)} has duplicate url`,
        );
      }
      seen.add(url);
    }
  }
}

/**
 * etcd's checks before bootstrapping a NEW cluster (no WAL,
 * `--initial-cluster-state=new`, `VerifyBootstrap`): the initial cluster
 * parses, names this member, lists exactly its advertised peer URLs, and
 * has no URL twice. Throws {@linkcode BootstrapError}.
 */
export function validateForBootstrap(cfg: ServeConfig): void {
  checkLocalMember(cfg);
  checkAdvertiseMatchesCluster(cfg);
  checkDuplicateUrls(cfg);
}

/**
 * etcd's checks before joining an EXISTING cluster without a WAL
 * (`VerifyJoinExisting`): the initial cluster parses, names this member,
 * and has no URL twice. Throws {@linkcode BootstrapError}.
 */
export function validateForJoin(cfg: ServeConfig): void {
  checkLocalMember(cfg);
  checkDuplicateUrls(cfg);
}
