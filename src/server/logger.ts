/**
 * Structured log lines in the shape of etcd 3.4's zap logger
 * (`--logger=zap`), one JSON object per line:
 *
 * ```
 * {"level":"info","ts":"2026-11-23T23:46:23.829Z","caller":"embed/etcd.go:117","msg":"configuring peer listeners","listen-peer-urls":["http://127.0.0.1:31380"]}
 * ```
 *
 * Keys come in zap's order: `level`, `ts` (ISO 8601, milliseconds, UTC), `caller`
 * (here the name given with {@linkcode Logger.named}, e.g. `server/raft_node.ts`;
 * left out when none was given), `msg`, then the fields in the order given.
 * Field values are made JSON-safe the way etcd logs them: a `bigint` (the
 * 64-bit member, cluster and lease ids) as etcd's hex id string, a
 * `Uint8Array` as its UTF-8 text (zap's `ByteString`), an `Error` as its
 * message, a `Date` as ISO text, `NaN`/`±Infinity` as zap's `"NaN"`,
 * `"+Inf"`, `"-Inf"`, `undefined` fields left out. Logging never throws.
 *
 * @module
 */

import type { StorageLog } from "../storage/log.ts";
import { formatId } from "./ids.ts";

/** The levels etcd's `--log-level` accepts, lowest first. */
export const LOG_LEVEL_ORDER = [
  "debug",
  "info",
  "warn",
  "error",
  "dpanic",
  "panic",
  "fatal",
] as const;

/** One of {@linkcode LOG_LEVEL_ORDER}. */
export type LoggerLevel = (typeof LOG_LEVEL_ORDER)[number];

/** Extra key/value pairs of a log line. */
export type LogFields = Readonly<Record<string, unknown>>;

/** A structured logger. */
export interface Logger {
  /** Logs at `debug`. */
  debug(msg: string, fields?: LogFields): void;
  /** Logs at `info`. */
  info(msg: string, fields?: LogFields): void;
  /** Logs at `warn`. */
  warn(msg: string, fields?: LogFields): void;
  /** Logs at `error`. */
  error(msg: string, fields?: LogFields): void;
  /** Logs at `level`. */
  log(level: LoggerLevel, msg: string, fields?: LogFields): void;
  /** Whether a line at `level` would be written. */
  enabled(level: LoggerLevel): boolean;
  /** A logger writing the same way with `caller` set to `caller` (e.g. `server/raft_node.ts`). */
  named(caller: string): Logger;
  /** A logger adding `fields` to every line (before the line's own fields). */
  with(fields: LogFields): Logger;
}

/** How {@linkcode createLogger} writes. */
export interface LoggerOptions {
  /** Lowest level written (default `info`); an unknown name means `info`. */
  readonly level?: LoggerLevel | string;
  /** Receives each line, without a trailing newline (default: standard error). */
  readonly write?: (line: string) => void;
  /** The clock for `ts` (default: `new Date()`). */
  readonly now?: () => Date;
  /** The initial `caller`. */
  readonly caller?: string;
}

const encoder = new TextEncoder();

/** Writes a line and a newline to standard error, whole, ignoring failures. */
function writeStderr(line: string): void {
  const bytes = encoder.encode(line + "\n");
  let offset = 0;
  while (offset < bytes.length) offset += Deno.stderr.writeSync(bytes.subarray(offset));
}

const MAX_DEPTH = 10;

/** A JSON-safe copy of `value` as etcd would log it. */
export function toLogValue(value: unknown, seen: Set<object> = new Set(), depth = 0): unknown {
  switch (typeof value) {
    case "string":
    case "boolean":
      return value;
    case "number":
      if (Number.isFinite(value)) return value;
      return Number.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
    case "bigint":
      return value >= 0n ? formatId(value) : value.toString();
    case "undefined":
      return null;
    case "function":
    case "symbol":
      return String(value);
  }
  if (value === null) return null;
  if (value instanceof Uint8Array) return new TextDecoder().decode(value);
  if (value instanceof Error) return value.message;
  if (value instanceof Date) {
    return Number.isNaN(value.getTime()) ? "invalid date" : value.toISOString();
  }
  const obj = value as object;
  if (seen.has(obj)) return "[Circular]";
  if (depth >= MAX_DEPTH) return "[Object]";
  seen.add(obj);
  try {
    return toLogContainer(obj, seen, depth + 1);
  } finally {
    seen.delete(obj);
  }
}

function toLogContainer(obj: object, seen: Set<object>, depth: number): unknown {
  if (Array.isArray(obj)) return obj.map((item) => toLogValue(item, seen, depth));
  if (obj instanceof Set) return [...obj].map((item) => toLogValue(item, seen, depth));
  if (ArrayBuffer.isView(obj)) return Array.from(obj as unknown as ArrayLike<number>);
  if (obj instanceof Map) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of obj) out[String(k)] = toLogValue(v, seen, depth);
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) {
    if (v !== undefined) out[k] = toLogValue(v, seen, depth);
  }
  return out;
}

function encodeField(key: string, value: unknown): string {
  return `,${JSON.stringify(key)}:${JSON.stringify(toLogValue(value)) ?? "null"}`;
}

function encodeFieldSafely(key: string, value: unknown): string {
  try {
    return encodeField(key, value);
  } catch (err) {
    return encodeField(key, `[unloggable: ${err instanceof Error ? err.message : "?"}]`);
  }
}

/** One log line (no newline). Never throws. */
export function formatLogLine(
  level: LoggerLevel,
  ts: Date,
  caller: string | undefined,
  msg: string,
  fields: readonly LogFields[],
): string {
  try {
    let line = `{"level":${JSON.stringify(level)},"ts":${JSON.stringify(toLogValue(ts))}`;
    if (caller !== undefined) line += `,"caller":${JSON.stringify(caller)}`;
    line += `,"msg":${JSON.stringify(String(msg))}`;
    for (const group of fields) {
      for (const key of Object.keys(group)) {
        const value = group[key];
        if (value !== undefined) line += encodeFieldSafely(key, value);
      }
    }
    return line + "}";
  } catch (err) {
    return `{"level":${JSON.stringify(level)},"msg":${JSON.stringify(String(msg))},` +
      `"logger-error":${JSON.stringify(String(err))}}`;
  }
}

interface LoggerState {
  readonly threshold: number;
  readonly write: (line: string) => void;
  readonly now: () => Date;
  readonly caller: string | undefined;
  readonly bound: readonly LogFields[];
}

function makeLogger(state: LoggerState): Logger {
  const enabled = (level: LoggerLevel) => LOG_LEVEL_ORDER.indexOf(level) >= state.threshold;
  const log = (level: LoggerLevel, msg: string, fields?: LogFields) => {
    if (!enabled(level)) return;
    try {
      let ts: Date;
      try {
        ts = state.now();
      } catch {
        ts = new Date(0);
      }
      const groups = fields === undefined ? state.bound : [...state.bound, fields];
      state.write(formatLogLine(level, ts, state.caller, msg, groups));
    } catch {
      // A logger that cannot write must not take the server down.
    }
  };
  return {
    debug: (msg, fields) => log("debug", msg, fields),
    info: (msg, fields) => log("info", msg, fields),
    warn: (msg, fields) => log("warn", msg, fields),
    error: (msg, fields) => log("error", msg, fields),
    log,
    enabled,
    named: (caller) => makeLogger({ ...state, caller }),
    with: (fields) => makeLogger({ ...state, bound: [...state.bound, fields] }),
  };
}

/** A logger writing etcd-style JSON lines at `options.level` and above. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const index = LOG_LEVEL_ORDER.indexOf((options.level ?? "info") as LoggerLevel);
  return makeLogger({
    threshold: index < 0 ? 1 : index,
    write: options.write ?? writeStderr,
    now: options.now ?? (() => new Date()),
    caller: options.caller,
    bound: [],
  });
}

/** The storage layer's log callback, written through `logger`. */
export function storageLogOf(logger: Logger): StorageLog {
  return (level, message, fields) => logger.log(level, message, fields);
}
