/**
 * etcd 3.4's command line, read the way Go's `flag` package and etcd's
 * `pkg/flags` read it: every flag `etcd --help` lists (plus the hidden and
 * "no longer supported" ones etcd 3.4.23 still defines), `-name`, `--name`,
 * `-name=value`, `-name value`, bool flags without a value, `--` ending the
 * flags, parsing stopping at the first non-flag; then `ETCD_*` environment
 * variables for every flag not given on the command line, with etcd's
 * conflict, "recognized" and "unrecognized" rules.
 *
 * Values are parsed with Go's `strconv` rules (base prefixes `0x`, `0o`,
 * `0b`, a leading `0` for octal, `_` separators) and Go's `time.ParseDuration`
 * (`src/util/go_strconv.ts`, `src/util/go_duration.ts`).
 * Errors carry etcd's messages and exit codes in a {@linkcode ConfigError}.
 *
 * @module
 */

import { DurationError, parseGoDuration } from "../util/go_duration.ts";
import { goQuote, NumError, parseGoBool, parseGoInt, parseGoUint } from "../util/go_strconv.ts";
import { parseEtcdUrls, parseUrlList, UrlError } from "../util/go_url.ts";

/** How etcd reports a configuration error. */
export type ConfigErrorKind =
  /** Go's flag package (`flag provided but not defined: -x`): usage follows, exit 2. */
  | "flag"
  /** etcd's `error verifying flags, … See 'etcd --help'.`: exit 1. */
  | "verify"
  /** A fatal log line at start (`couldn't find local name …`): exit 1. */
  | "fatal"
  /** etcd panics (an unknown `--log-level`): exit 2. */
  | "panic";

/** The hint etcd appends to a flag verification error, naming our binary. */
export const HELP_HINT = "See 'etcd-ts serve --help'.";

/**
 * A configuration etcd would refuse. `message` is the one line to print;
 * `detail` is etcd's own error text inside it; `exitCode` is etcd's.
 */
export class ConfigError extends Error {
  /** Which of etcd's reporting paths this error follows. */
  readonly kind: ConfigErrorKind;
  /** etcd's error text (for `verify`, without the `error verifying flags, ` frame). */
  readonly detail: string;
  /** The process exit code etcd uses for this error. */
  readonly exitCode: 1 | 2;
  /** Whether etcd prints its short usage after the message (flag-package errors). */
  readonly showUsage: boolean;

  /** Creates the error; `message` is built from `kind` and `detail`. */
  constructor(kind: ConfigErrorKind, detail: string) {
    super(kind === "verify" ? `error verifying flags, ${detail}. ${HELP_HINT}` : detail);
    this.name = "ConfigError";
    this.kind = kind;
    this.detail = detail;
    this.exitCode = kind === "flag" || kind === "panic" ? 2 : 1;
    this.showUsage = kind === "flag";
  }
}

/** The value types of etcd's flags. */
export type FlagKind =
  | "string"
  | "bool"
  | "uint"
  | "int"
  | "uint32"
  | "duration"
  | "urls"
  | "corsUrls"
  | "uniqueStrings"
  | "strings"
  | "choice"
  | "ignored";

/** One flag etcd 3.4 defines. */
export interface FlagSpec {
  /** The flag name without dashes (`listen-client-urls`). */
  readonly name: string;
  /** How its value is parsed. */
  readonly kind: FlagKind;
  /** The default, as text parsed like a command-line value. */
  readonly defaultText: string;
  /** The accepted values of a `choice` flag. */
  readonly choices?: readonly string[];
}

/** A parsed flag value: durations in nanoseconds, URL and string lists as arrays. */
export type FlagValue = string | boolean | number | readonly string[];

function spec(name: string, kind: FlagKind, defaultText = "", choices?: string[]): FlagSpec {
  return choices === undefined ? { name, kind, defaultText } : { name, kind, defaultText, choices };
}

const IGNORED_FLAGS = [
  "cluster-active-size",
  "cluster-remove-delay",
  "cluster-sync-interval",
  "config",
  "force",
  "max-result-buffer",
  "max-retry-attempts",
  "peer-heartbeat-interval",
  "peer-election-timeout",
  "retry-interval",
  "snapshot",
  "v",
  "vv",
  "test.coverprofile",
  "test.outputdir",
];

/** Every flag etcd 3.4.23 defines, with its type and default (checked against the binary). */
export const FLAG_SPECS: readonly FlagSpec[] = [
  spec("config-file", "string"),
  spec("version", "bool", "false"),
  // member
  spec("name", "string", "default"),
  spec("data-dir", "string"),
  spec("wal-dir", "string"),
  spec("snapshot-count", "uint", "100000"),
  spec("heartbeat-interval", "uint", "100"),
  spec("election-timeout", "uint", "1000"),
  spec("initial-election-tick-advance", "bool", "true"),
  spec("listen-peer-urls", "urls", "http://localhost:2380"),
  spec("listen-client-urls", "urls", "http://localhost:2379"),
  spec("max-snapshots", "uint", "5"),
  spec("max-wals", "uint", "5"),
  spec("quota-backend-bytes", "int", "0"),
  spec("backend-batch-interval", "duration", "0"),
  spec("backend-batch-limit", "int", "0"),
  spec("max-txn-ops", "uint", "128"),
  spec("max-request-bytes", "uint", "1572864"),
  spec("max-concurrent-streams", "uint32", "4294967295"),
  spec("grpc-keepalive-min-time", "duration", "5s"),
  spec("grpc-keepalive-interval", "duration", "2h"),
  spec("grpc-keepalive-timeout", "duration", "20s"),
  // clustering
  spec("initial-advertise-peer-urls", "urls", "http://localhost:2380"),
  spec("initial-cluster", "string", "default=http://localhost:2380"),
  spec("initial-cluster-state", "choice", "new", ["new", "existing"]),
  spec("initial-cluster-token", "string", "etcd-cluster"),
  spec("advertise-client-urls", "urls", "http://localhost:2379"),
  spec("discovery", "string"),
  spec("discovery-fallback", "choice", "proxy", ["proxy", "exit"]),
  spec("discovery-proxy", "string"),
  spec("discovery-srv", "string"),
  spec("discovery-srv-name", "string"),
  spec("strict-reconfig-check", "bool", "true"),
  spec("pre-vote", "bool", "false"),
  spec("auto-compaction-retention", "string", "0"),
  spec("auto-compaction-mode", "string", "periodic"),
  spec("enable-v2", "bool", "false"),
  // security
  spec("cert-file", "string"),
  spec("key-file", "string"),
  spec("client-cert-auth", "bool", "false"),
  spec("client-crl-file", "string"),
  spec("client-cert-allowed-hostname", "string"),
  spec("trusted-ca-file", "string"),
  spec("auto-tls", "bool", "false"),
  spec("peer-cert-file", "string"),
  spec("peer-key-file", "string"),
  spec("peer-client-cert-auth", "bool", "false"),
  spec("peer-trusted-ca-file", "string"),
  spec("peer-cert-allowed-cn", "string"),
  spec("peer-cert-allowed-hostname", "string"),
  spec("peer-auto-tls", "bool", "false"),
  spec("peer-crl-file", "string"),
  spec("cipher-suites", "strings"),
  spec("cors", "corsUrls", "*"),
  spec("host-whitelist", "uniqueStrings", "*"),
  // auth
  spec("auth-token", "string", "simple"),
  spec("bcrypt-cost", "uint", "10"),
  spec("auth-token-ttl", "uint", "300"),
  // profiling and monitoring
  spec("enable-pprof", "bool", "false"),
  spec("metrics", "string", "basic"),
  spec("listen-metrics-urls", "urls"),
  // logging
  spec("logger", "string", "capnslog"),
  spec("log-outputs", "uniqueStrings", "default"),
  spec("log-level", "string", "info"),
  spec("debug", "bool", "false"),
  spec("log-package-levels", "string"),
  spec("log-output", "uniqueStrings"),
  // v2 proxy
  spec("proxy", "choice", "off", ["off", "readonly", "on"]),
  spec("proxy-failure-wait", "uint", "5000"),
  spec("proxy-refresh-interval", "uint", "30000"),
  spec("proxy-dial-timeout", "uint", "1000"),
  spec("proxy-write-timeout", "uint", "5000"),
  spec("proxy-read-timeout", "uint", "0"),
  // experimental
  spec("experimental-initial-corrupt-check", "bool", "false"),
  spec("experimental-corrupt-check-time", "duration", "0s"),
  spec("experimental-enable-v2v3", "string"),
  spec("experimental-backend-bbolt-freelist-type", "string", "array"),
  spec("experimental-enable-lease-checkpoint", "bool", "false"),
  spec("experimental-enable-lease-checkpoint-persist", "bool", "false"),
  spec("experimental-compaction-batch-limit", "int", "1000"),
  spec("experimental-peer-skip-client-san-verification", "bool", "false"),
  spec("experimental-watch-progress-notify-interval", "duration", "10m"),
  spec("experimental-warning-apply-duration", "duration", "100ms"),
  // unsafe
  spec("force-new-cluster", "bool", "false"),
  spec("unsafe-no-fsync", "bool", "false"),
  spec("enable-grpc-gateway", "bool", "true"),
  ...IGNORED_FLAGS.map((name) => spec(name, "ignored")),
];

const SPECS_BY_NAME: ReadonlyMap<string, FlagSpec> = new Map(FLAG_SPECS.map((s) => [s.name, s]));

/** The spec of flag `name`, if etcd defines it. */
export function flagSpec(name: string): FlagSpec | undefined {
  return SPECS_BY_NAME.get(name);
}

/** Why a flag value was refused, as Go's flag package words it after `: `. */
function setError(err: unknown): string {
  if (err instanceof NumError) {
    return err.reason === "syntax" ? "parse error" : "value out of range";
  }
  if (err instanceof DurationError) return "parse error";
  if (err instanceof Error) return err.message;
  return String(err);
}

function uniqueSorted(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** etcd's `Uint32Value.Set`: `strconv.ParseUint(s, 0, 32)`, its error passed on verbatim. */
function parseUint32Flag(text: string): number {
  try {
    return Number(parseGoUint(text, 0, 32));
  } catch (err) {
    throw err instanceof NumError ? new Error(err.message) : err;
  }
}

/**
 * Parses `text` as flag `spec`'s `Set` would. Throws an `Error` whose message
 * is what Go's flag package prints after `for flag -name: `.
 */
export function parseFlagValue(spec: FlagSpec, text: string): FlagValue {
  switch (spec.kind) {
    case "string":
    case "ignored":
      return text;
    case "bool":
      return parseGoBool(text);
    case "uint":
      return Number(parseGoUint(text));
    case "int":
      return Number(parseGoInt(text));
    case "uint32":
      return parseUint32Flag(text);
    case "duration":
      return Number(parseGoDuration(text));
    case "urls":
      return parseUrlList(text);
    case "corsUrls":
      return uniqueSorted(text.split(",").map((v) => (v === "*" ? v : parseEtcdUrls([v])[0] ?? v)));
    case "uniqueStrings":
      return uniqueSorted(text.split(","));
    case "strings":
      return text === "" ? [] : text.split(",");
    case "choice":
      if (!(spec.choices ?? []).includes(text)) throw new Error("invalid value");
      return text;
  }
}

/** Parsed flag values and which flags were set (on the command line or from the environment). */
export interface FlagState {
  /** Every flag's value: its default unless set. */
  readonly values: Map<string, FlagValue>;
  /** The flags given on the command line. */
  readonly fromArgs: Set<string>;
  /** The flags set from `ETCD_*` variables. */
  readonly fromEnv: Set<string>;
  /** Arguments left after the flags (etcd refuses any). */
  readonly positional: string[];
  /** Warnings etcd logs while parsing (a "no longer supported" flag). */
  readonly warnings: string[];
  /** Whether `-h`/`-help`/`--help` was given. */
  readonly help: boolean;
}

/** Every flag's default value (a list flag without a default is the empty list). */
export function defaultFlagValues(): Map<string, FlagValue> {
  const values = new Map<string, FlagValue>();
  for (const s of FLAG_SPECS) {
    const list = s.kind === "uniqueStrings" || s.kind === "strings";
    values.set(s.name, list && s.defaultText === "" ? [] : parseFlagValue(s, s.defaultText));
  }
  return values;
}

function setFromArg(state: FlagState, spec: FlagSpec, value: string, boolForm: boolean): void {
  try {
    if (spec.kind === "ignored") {
      state.warnings.push(`flag "-${spec.name}" is no longer supported - ignoring.`);
    }
    state.values.set(spec.name, parseFlagValue(spec, value));
  } catch (err) {
    const why = setError(err);
    throw new ConfigError(
      "flag",
      boolForm
        ? `invalid boolean value ${goQuote(value)} for -${spec.name}: ${why}`
        : `invalid value ${goQuote(value)} for flag -${spec.name}: ${why}`,
    );
  }
  state.fromArgs.add(spec.name);
}

/**
 * Go's `FlagSet.Parse` over etcd's flags. Returns the state with `help` set
 * when `-h`/`-help` came before any error; throws a `flag` {@linkcode ConfigError}
 * (`flag provided but not defined: -x`, `flag needs an argument: -x`,
 * `bad flag syntax: ---x`, `invalid value "x" for flag -y: parse error`).
 */
export function parseArgs(args: readonly string[]): FlagState {
  const state: FlagState = {
    values: defaultFlagValues(),
    fromArgs: new Set(),
    fromEnv: new Set(),
    positional: [],
    warnings: [],
    help: false,
  };
  let i = 0;
  while (i < args.length) {
    const arg = args[i] ?? "";
    if (arg.length < 2 || arg[0] !== "-") break;
    i++;
    if (arg === "--") break;
    let name = arg.slice(arg[1] === "-" ? 2 : 1);
    if (name === "" || name[0] === "-" || name[0] === "=") {
      throw new ConfigError("flag", `bad flag syntax: ${arg}`);
    }
    let value: string | undefined;
    const eq = name.indexOf("=", 1);
    if (eq > 0) {
      value = name.slice(eq + 1);
      name = name.slice(0, eq);
    }
    const spec = SPECS_BY_NAME.get(name);
    if (spec === undefined) {
      if (name === "help" || name === "h") return { ...state, help: true };
      throw new ConfigError("flag", `flag provided but not defined: -${name}`);
    }
    if (spec.kind === "bool" || spec.kind === "ignored") {
      setFromArg(state, spec, value ?? "true", true);
      continue;
    }
    if (value === undefined) {
      if (i >= args.length) throw new ConfigError("flag", `flag needs an argument: -${name}`);
      value = args[i] ?? "";
      i++;
    }
    setFromArg(state, spec, value, false);
  }
  state.positional.push(...args.slice(i));
  return state;
}

/** etcd's `flags.FlagToEnv`: `ETCD_` and the name upper-cased with `-` as `_`. */
export function flagToEnv(name: string): string {
  return "ETCD_" + name.toUpperCase().replaceAll("-", "_");
}

/** What reading the environment found besides values. */
export interface EnvReport {
  /** etcd's info lines: `recognized and used environment variable ETCD_X=v`. */
  readonly used: string[];
  /** etcd's warnings: `unrecognized environment variable ETCD_X=v`. */
  readonly unrecognized: string[];
}

/**
 * etcd's `flags.SetFlagsFromEnv("ETCD", …)`: every flag not given on the
 * command line takes a non-empty `ETCD_<NAME>` (flags in name order). Then
 * a variable whose flag was also given on the command line is fatal
 * (`conflicting environment variable "ETCD_X" is shadowed by …`, even when
 * empty), and other `ETCD_*` variables are reported unrecognized. A bad value
 * fails last: the last bad one in name order, as `invalid value "v" for ETCD_X: why`.
 */
export function applyEnv(state: FlagState, env: Readonly<Record<string, string>>): EnvReport {
  const report: EnvReport = { used: [], unrecognized: [] };
  const usedKeys = new Set<string>();
  const shadowed = new Set([...state.fromArgs].map(flagToEnv));
  let failure: string | undefined;
  for (const spec of [...FLAG_SPECS].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const key = flagToEnv(spec.name);
    const value = env[key];
    if (shadowed.has(key) || value === undefined || value === "") continue;
    usedKeys.add(key);
    report.used.push(`recognized and used environment variable ${key}=${value}`);
    try {
      if (spec.kind === "ignored") {
        state.warnings.push(`flag "-${spec.name}" is no longer supported - ignoring.`);
      }
      state.values.set(spec.name, parseFlagValue(spec, value));
      state.fromEnv.add(spec.name);
    } catch (err) {
      failure = `invalid value ${goQuote(value)} for ${key}: ${setError(err)}`;
    }
  }
  for (const [key, value] of Object.entries(env)) {
    if (usedKeys.has(key)) continue;
    if (shadowed.has(key)) {
      throw new ConfigError(
        "fatal",
        `conflicting environment variable ${goQuote(key)} is shadowed by corresponding ` +
          "command-line flag (either unset environment variable or disable flag)",
      );
    }
    if (key.startsWith("ETCD_")) {
      report.unrecognized.push(`unrecognized environment variable ${key}=${value}`);
    }
  }
  if (failure !== undefined) throw new ConfigError("verify", failure);
  return report;
}

/** Whether `err` is a {@linkcode UrlError} (re-exported for the config builders). */
export function isUrlError(err: unknown): err is UrlError {
  return err instanceof UrlError;
}
