/**
 * etcd's YAML configuration file (`--config-file`, `ETCD_CONFIG_FILE`).
 *
 * etcd 3.4 reads it with `ghodss/yaml`: YAML 1.1 (go-yaml v2) is turned into
 * JSON (object keys sorted), then `encoding/json` fills etcd's config struct.
 * So, as verified against etcd 3.4.23:
 * - keys match etcd's keys case-insensitively; unknown keys are ignored; of
 *   two keys that match one setting the later in sorted order wins;
 * - JSON types are strict: `name: 123` and `heartbeat-interval: "300"` fail
 *   (`json: cannot unmarshal number into Go struct field configYAML.name of
 *   type string`), a negative or fractional number into an unsigned setting
 *   fails naming the number; `null` / an empty value keeps the default;
 * - YAML 1.1 scalars: `yes/no/on/off/y/n` are booleans, `0x10`, `017`
 *   (octal), `1_000` and `1e3` are numbers;
 * - URL lists are comma-separated strings; `log-outputs` and
 *   `cipher-suites` are YAML lists; TLS settings sit in the nested
 *   `client-transport-security:` / `peer-transport-security:` maps.
 *
 * The YAML parser here is a small one for the subset such files use:
 * block mappings and sequences by indentation, comments, plain, single- and
 * double-quoted scalars (plain ones may continue on more-indented lines),
 * and flow sequences/maps (`[a, b]`, possibly over several lines). Anchors,
 * aliases, tags and block scalars (`|`, `>`) are refused with the line.
 *
 * @module
 */

import { ConfigError, type FlagValue } from "./flags.ts";
import { compareStrings, parseEtcdUrls } from "../util/go_url.ts";

/** A YAML number, with the text Go's JSON encoder would write for it. */
export class YamlNumber {
  /** Creates the number; `json` is its JSON text (`16` for `0x10`). */
  constructor(readonly json: string, readonly isInteger: boolean) {}
}

/** A parsed YAML value (mappings keep their keys in file order, duplicates included). */
export type YamlValue =
  | null
  | boolean
  | string
  | YamlNumber
  | YamlValue[]
  | YamlMapping;

/** A YAML mapping: its entries in file order. */
export interface YamlMapping {
  readonly entries: [string, YamlValue][];
}

/** A YAML syntax error; `message` is `yaml: line N: reason`. */
export class YamlError extends Error {
  /** Creates the error for 1-based `line`. */
  constructor(readonly line: number, reason: string) {
    super(`yaml: line ${line}: ${reason}`);
    this.name = "YamlError";
  }
}

interface Line {
  /** 1-based line number. */
  readonly no: number;
  /** Columns of leading spaces. */
  readonly indent: number;
  /** The text after the indentation, comment removed, right-trimmed. */
  readonly text: string;
}

/** Index of a `#` that starts a comment (after whitespace, outside quotes), or -1. */
function commentStart(text: string): number {
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quote !== "") {
      if (c === "\\" && quote === '"') i++;
      else if (c === quote) quote = "";
      continue;
    }
    if ((c === '"' || c === "'") && (i === 0 || " \t[{,:".includes(text[i - 1] ?? ""))) quote = c;
    else if (c === "#" && (i === 0 || text[i - 1] === " " || text[i - 1] === "\t")) return i;
  }
  return -1;
}

function splitLines(source: string): Line[] {
  const lines: Line[] = [];
  source.replace(/^\uFEFF/, "").split(/\r?\n/).forEach((raw, i) => {
    const indent = raw.length - raw.replace(/^ */, "").length;
    const rest = raw.slice(indent);
    if (rest.startsWith("\t") || (rest.trim() !== "" && /^\s*\t/.test(rest))) {
      throw new YamlError(i + 1, "found character that cannot start any token");
    }
    const cut = commentStart(rest);
    const text = (cut < 0 ? rest : rest.slice(0, cut)).trimEnd();
    if (text === "" || text === "---" || text === "...") return;
    if (text.startsWith("%")) throw new YamlError(i + 1, "directives are not supported");
    lines.push({ no: i + 1, indent, text });
  });
  return lines;
}

const NULLS = new Set(["", "~", "null", "Null", "NULL"]);
const TRUES = new Set(["y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"]);
const FALSES = new Set([
  "n",
  "N",
  "no",
  "No",
  "NO",
  "false",
  "False",
  "FALSE",
  "off",
  "Off",
  "OFF",
]);
const YAML_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;

/** Go's `strconv.ParseInt/ParseUint(s, 0, 64)` for YAML, or undefined. */
function goInteger(text: string): bigint | undefined {
  const negative = text.startsWith("-");
  const body = /^[-+]/.test(text) ? text.slice(1) : text;
  let value: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(body) || /^0[bB][01]+$/.test(body) || /^0[oO][0-7]+$/.test(body)) {
    value = BigInt(body.slice(0, 2).toLowerCase() + body.slice(2));
  } else if (/^0[0-7]*$/.test(body)) {
    value = BigInt("0o" + (body.slice(1) || "0"));
  } else if (/^[1-9][0-9]*$/.test(body)) {
    value = BigInt(body);
  } else {
    return undefined;
  }
  const result = negative ? -value : value;
  return result < -(1n << 63n) || result > (1n << 64n) - 1n ? undefined : result;
}

/** go-yaml v2's resolution of a plain scalar (YAML 1.1 core types). */
export function resolvePlainScalar(text: string): YamlValue {
  if (NULLS.has(text)) return null;
  if (TRUES.has(text)) return true;
  if (FALSES.has(text)) return false;
  if (/^[-+.0-9]/.test(text)) {
    const plain = text.replaceAll("_", "");
    const int = goInteger(plain);
    if (int !== undefined) return new YamlNumber(int.toString(), true);
    if (YAML_FLOAT.test(plain)) return new YamlNumber(String(Number(plain)), false);
  }
  if (
    [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF"].includes(text)
  ) {
    throw new ConfigError("verify", "error converting YAML to JSON: json: unsupported value: Inf");
  }
  if ([".nan", ".NaN", ".NAN"].includes(text)) {
    throw new ConfigError("verify", "error converting YAML to JSON: json: unsupported value: NaN");
  }
  return text;
}

const DOUBLE_ESCAPES: Readonly<Record<string, string>> = {
  "0": "\0",
  a: "\x07",
  b: "\b",
  t: "\t",
  "\t": "\t",
  n: "\n",
  v: "\v",
  f: "\f",
  r: "\r",
  e: "\x1b",
  " ": " ",
  '"': '"',
  "/": "/",
  "\\": "\\",
  N: "\u0085",
  _: "\u00a0",
  L: "\u2028",
  P: "\u2029",
};

/** Reads a quoted scalar starting at `text[start]`; returns it and the index after it. */
function readQuoted(text: string, start: number, lineNo: number): [string, number] {
  const quote = text[start];
  let out = "";
  for (let i = start + 1; i < text.length; i++) {
    const c = text[i] ?? "";
    if (quote === "'") {
      if (c !== "'") out += c;
      else if (text[i + 1] === "'") (out += "'"), i++;
      else return [out, i + 1];
      continue;
    }
    if (c === '"') return [out, i + 1];
    if (c !== "\\") {
      out += c;
      continue;
    }
    const e = text[i + 1] ?? "";
    const hexLength = e === "x" ? 2 : e === "u" ? 4 : e === "U" ? 8 : 0;
    if (hexLength > 0) {
      const hex = text.slice(i + 2, i + 2 + hexLength);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLength}}$`).test(hex)) {
        throw new YamlError(lineNo, "did not find expected hexdecimal number");
      }
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + hexLength;
    } else if (e in DOUBLE_ESCAPES) {
      out += DOUBLE_ESCAPES[e];
      i++;
    } else {
      throw new YamlError(lineNo, "found unknown escape character while parsing a quoted scalar");
    }
  }
  throw new YamlError(lineNo, "found unexpected end of stream while scanning a quoted scalar");
}

/** A cursor over flow text (`[a, {b: c}]`), possibly joined from several lines. */
class FlowReader {
  pos = 0;
  constructor(readonly text: string, readonly lineNo: number) {}

  skipSpace(): void {
    while (this.text[this.pos] === " " || this.text[this.pos] === "\n") this.pos++;
  }

  value(): YamlValue {
    this.skipSpace();
    const c = this.text[this.pos];
    if (c === "[") return this.sequence();
    if (c === "{") return this.mapping();
    if (c === '"' || c === "'") {
      const [s, end] = readQuoted(this.text, this.pos, this.lineNo);
      this.pos = end;
      return s;
    }
    const start = this.pos;
    while (this.pos < this.text.length && !",[]{}".includes(this.text[this.pos] ?? "")) {
      if (this.text[this.pos] === ":" && " \n".includes(this.text[this.pos + 1] ?? " ")) break;
      this.pos++;
    }
    return resolvePlainScalar(this.text.slice(start, this.pos).replaceAll("\n", " ").trim());
  }

  sequence(): YamlValue[] {
    this.pos++;
    const items: YamlValue[] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "]") return this.pos++, items;
      items.push(this.value());
      this.skipSpace();
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c !== "]") throw new YamlError(this.lineNo, "did not find expected ',' or ']'");
    }
  }

  mapping(): YamlMapping {
    this.pos++;
    const entries: [string, YamlValue][] = [];
    for (;;) {
      this.skipSpace();
      if (this.text[this.pos] === "}") return this.pos++, { entries };
      const key = this.value();
      this.skipSpace();
      let value: YamlValue = null;
      if (this.text[this.pos] === ":") {
        this.pos++;
        value = this.value();
        this.skipSpace();
      }
      entries.push([scalarKey(key, this.lineNo), value]);
      const c = this.text[this.pos];
      if (c === ",") this.pos++;
      else if (c !== "}") throw new YamlError(this.lineNo, "did not find expected ',' or '}'");
    }
  }
}

function scalarKey(key: YamlValue, lineNo: number): string {
  if (key === null) return "null";
  if (typeof key === "string") return key;
  if (typeof key === "boolean") return String(key);
  if (key instanceof YamlNumber) return key.json;
  throw new YamlError(lineNo, "a mapping key must be a scalar");
}

/** The position of the `: ` (or final `:`) that ends a mapping key, or -1. */
function keyColon(text: string): number {
  let i = 0;
  if (text[0] === '"' || text[0] === "'") {
    try {
      i = readQuoted(text, 0, 0)[1];
    } catch {
      return -1;
    }
  }
  for (; i < text.length; i++) {
    if (text[i] === ":" && (i + 1 === text.length || text[i + 1] === " ")) return i;
  }
  return -1;
}

/** The block parser: lines with their indentation. */
class BlockParser {
  index = 0;
  constructor(readonly lines: Line[]) {}

  peek(): Line | undefined {
    return this.lines[this.index];
  }

  /** A node whose first line is indented `indent`. */
  node(indent: number): YamlValue {
    const line = this.peek();
    if (line === undefined) return null;
    if (line.text === "-" || line.text.startsWith("- ")) return this.sequence(line.indent);
    if (keyColon(line.text) >= 0) return this.mapping(line.indent);
    this.index++;
    return this.inlineValue(line.text, line, indent);
  }

  mapping(indent: number): YamlMapping {
    const entries: [string, YamlValue][] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      const colon = keyColon(line.text);
      if (colon < 0) throw new YamlError(line.no, "could not find expected ':'");
      const keyText = line.text.slice(0, colon).trim();
      const key = keyText.startsWith('"') || keyText.startsWith("'")
        ? readQuoted(keyText, 0, line.no)[0]
        : scalarKey(resolvePlainScalar(keyText), line.no);
      const rest = line.text.slice(colon + 1).trim();
      this.index++;
      entries.push([
        key,
        rest === "" ? this.nested(indent, line.no) : this.inlineValue(rest, line, indent),
      ]);
    }
    const next = this.peek();
    if (next !== undefined && next.indent > indent) {
      throw new YamlError(next.no, "mapping values are not allowed in this context");
    }
    return { entries };
  }

  /** The value of `key:` with nothing after the colon: a nested block, or null. */
  nested(indent: number, _lineNo: number): YamlValue {
    const next = this.peek();
    if (next === undefined) return null;
    if (next.indent > indent) return this.node(next.indent);
    const isItem = next.text === "-" || next.text.startsWith("- ");
    return next.indent === indent && isItem ? this.sequence(indent) : null;
  }

  sequence(indent: number): YamlValue[] {
    const items: YamlValue[] = [];
    for (let line = this.peek(); line !== undefined && line.indent === indent; line = this.peek()) {
      if (!(line.text === "-" || line.text.startsWith("- "))) break;
      const rest = line.text.slice(1).trimStart();
      if (rest === "") {
        this.index++;
        items.push(this.nested(indent, line.no));
      } else {
        // An item's content is a node indented to where its text starts.
        const column = indent + line.text.length - rest.length;
        this.lines[this.index] = { no: line.no, indent: column, text: rest };
        items.push(this.node(column));
      }
    }
    return items;
  }

  /** A value written after `key: ` (or alone on a line), with any continuation lines. */
  inlineValue(text: string, line: Line, indent: number): YamlValue {
    const c = text[0] ?? "";
    if ("&*!|>".includes(c)) {
      throw new YamlError(line.no, `${c} (anchors, aliases, tags, block scalars) is not supported`);
    }
    if (c === "[" || c === "{") return this.flow(text, line);
    if (c === '"' || c === "'") {
      const [value, end] = readQuoted(text, 0, line.no);
      if (text.slice(end).trim() !== "") throw new YamlError(line.no, "did not find expected key");
      return value;
    }
    if (keyColon(text) >= 0) {
      throw new YamlError(line.no, "mapping values are not allowed in this context");
    }
    let plain = text;
    for (let next = this.peek(); next !== undefined && next.indent > indent; next = this.peek()) {
      if (keyColon(next.text) >= 0) {
        throw new YamlError(next.no, "mapping values are not allowed in this context");
      }
      plain += " " + next.text;
      this.index++;
    }
    return resolvePlainScalar(plain);
  }

  /** A flow collection, reading more lines until its brackets close. */
  flow(first: string, line: Line): YamlValue {
    let text = first;
    for (;;) {
      const reader = new FlowReader(text, line.no);
      try {
        const value = reader.value();
        reader.skipSpace();
        if (reader.pos !== text.length) {
          throw new YamlError(line.no, "did not find expected <document start>");
        }
        return value;
      } catch (err) {
        const next = this.peek();
        const unterminated = err instanceof YamlError && reader.pos >= text.length;
        if (!unterminated || next === undefined) throw err;
        text += "\n" + next.text;
        this.index++;
      }
    }
  }
}

/** Parses the YAML subset etcd configuration files use. Throws {@linkcode YamlError}. */
export function parseYaml(source: string): YamlValue {
  const lines = splitLines(source);
  const parser = new BlockParser(lines);
  const first = parser.peek();
  if (first === undefined) return null;
  const value = parser.node(first.indent);
  const extra = parser.peek();
  if (extra !== undefined) throw new YamlError(extra.no, "did not find expected <document start>");
  return value;
}

/** The Go types of etcd's YAML settings, as `encoding/json` names them in errors. */
type GoType =
  | "string"
  | "[]string"
  | "bool"
  | "uint"
  | "uint32"
  | "uint64"
  | "int"
  | "int64"
  | "time.Duration"
  | "embed.securityConfig";

const S = "string";
const B = "bool";
const D = "time.Duration";

/** etcd 3.4.23's YAML keys and their Go types (keys not listed are ignored, as etcd does). */
export const CONFIG_FILE_KEYS: ReadonlyMap<string, GoType> = new Map<string, GoType>([
  ...[
    "name",
    "data-dir",
    "wal-dir",
    "initial-cluster-state",
    "discovery",
    "discovery-srv",
    "discovery-srv-name",
    "discovery-proxy",
    "initial-cluster",
    "initial-cluster-token",
    "auto-compaction-mode",
    "auto-compaction-retention",
    "auth-token",
    "experimental-enable-v2v3",
    "experimental-backend-bbolt-freelist-type",
    "metrics",
    "listen-metrics-urls",
    "logger",
    "log-level",
    "log-package-levels",
    "cors",
    "host-whitelist",
    "listen-peer-urls",
    "listen-client-urls",
    "initial-advertise-peer-urls",
    "advertise-client-urls",
  ].map((k): [string, GoType] => [k, S]),
  ...["log-outputs", "cipher-suites", "log-output"].map((k): [string, GoType] => [k, "[]string"]),
  ["snapshot-count", "uint64"],
  ...[
    "max-snapshots",
    "max-wals",
    "heartbeat-interval",
    "election-timeout",
    "max-txn-ops",
    "max-request-bytes",
    "bcrypt-cost",
    "auth-token-ttl",
  ].map((k): [string, GoType] => [k, "uint"]),
  ["max-concurrent-streams", "uint32"],
  ["quota-backend-bytes", "int64"],
  ["backend-batch-limit", "int"],
  ["experimental-compaction-batch-limit", "int"],
  ...[
    "initial-election-tick-advance",
    "strict-reconfig-check",
    "enable-v2",
    "pre-vote",
    "experimental-initial-corrupt-check",
    "experimental-enable-lease-checkpoint",
    "experimental-enable-lease-checkpoint-persist",
    "force-new-cluster",
    "enable-pprof",
    "debug",
    "unsafe-no-fsync",
    "enable-grpc-gateway",
  ].map((k): [string, GoType] => [k, B]),
  ...[
    "backend-batch-interval",
    "grpc-keepalive-min-time",
    "grpc-keepalive-interval",
    "grpc-keepalive-timeout",
    "experimental-corrupt-check-time",
    "experimental-watch-progress-notify-interval",
    "experimental-warning-apply-duration",
  ].map((k): [string, GoType] => [k, D]),
  ["client-transport-security", "embed.securityConfig"],
  ["peer-transport-security", "embed.securityConfig"],
]);

/** The keys of `client-transport-security` / `peer-transport-security`, and their flags' suffixes. */
const SECURITY_KEYS: ReadonlyMap<string, GoType> = new Map<string, GoType>([
  ["cert-file", S],
  ["key-file", S],
  ["client-cert-auth", B],
  ["trusted-ca-file", S],
  ["auto-tls", B],
]);

/** The keys etcd reads into its v2 proxy settings (not type-checked here: unsupported). */
const PROXY_KEYS = new Set([
  "proxy",
  "proxy-failure-wait",
  "proxy-refresh-interval",
  "proxy-dial-timeout",
  "proxy-write-timeout",
  "proxy-read-timeout",
  "discovery-fallback",
]);

function jsonKind(value: YamlValue): string {
  if (typeof value === "string") return "string";
  if (typeof value === "boolean") return "bool";
  if (value instanceof YamlNumber) return "number";
  if (Array.isArray(value)) return "array";
  return "object";
}

function typeError(what: string, path: string, type: GoType): ConfigError {
  return new ConfigError(
    "verify",
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${what} into Go struct field ${path} of type ${type}`,
  );
}

const INT_RANGES: Readonly<Record<string, [bigint, bigint]>> = {
  uint: [0n, (1n << 64n) - 1n],
  uint64: [0n, (1n << 64n) - 1n],
  uint32: [0n, (1n << 32n) - 1n],
  int: [-(1n << 63n), (1n << 63n) - 1n],
  int64: [-(1n << 63n), (1n << 63n) - 1n],
  "time.Duration": [-(1n << 63n), (1n << 63n) - 1n],
};

/** `encoding/json`'s decoding of one YAML-derived value into a Go type. */
function decodeAs(value: YamlValue, type: GoType, path: string): FlagValue {
  const range = INT_RANGES[type];
  if (range !== undefined) {
    if (!(value instanceof YamlNumber)) throw typeError(jsonKind(value), path, type);
    const n = /^-?[0-9]+$/.test(value.json) ? BigInt(value.json) : undefined;
    if (n === undefined || n < range[0] || n > range[1]) {
      throw typeError(`number ${value.json}`, path, type);
    }
    return Number(n);
  }
  if (type === "string") {
    if (typeof value !== "string") throw typeError(jsonKind(value), path, type);
    return value;
  }
  if (type === "bool") {
    if (typeof value !== "boolean") throw typeError(jsonKind(value), path, type);
    return value;
  }
  if (!Array.isArray(value)) throw typeError(jsonKind(value), path, type);
  return value.map((item) => {
    if (item === null) return "";
    if (typeof item !== "string") throw typeError(jsonKind(item), path, "string");
    return item;
  });
}

/** Mapping entries as JSON would present them: one per key (the last), sorted by key. */
function jsonEntries(mapping: YamlMapping): [string, YamlValue][] {
  const byKey = new Map<string, YamlValue>();
  for (const [key, value] of mapping.entries) byKey.set(key, value);
  return [...byKey].sort(([a], [b]) => compareStrings(a, b));
}

function decodeSecurity(
  value: YamlValue,
  prefix: string,
  key: string,
  out: Map<string, FlagValue>,
) {
  if (Array.isArray(value) || (typeof value !== "object" || value instanceof YamlNumber)) {
    throw typeError(jsonKind(value), `configYAML.${key}`, "embed.securityConfig");
  }
  for (const [nestedKey, nested] of jsonEntries(value ?? { entries: [] })) {
    const name = [...SECURITY_KEYS.keys()].find((k) => k.toLowerCase() === nestedKey.toLowerCase());
    if (name === undefined || nested === null) continue;
    const type = SECURITY_KEYS.get(name) ?? "string";
    out.set(prefix + name, decodeAs(nested, type, `securityConfig.${key}.${name}`));
  }
}

/** Settings read from a configuration file, keyed by etcd's flag names. */
export interface ConfigFileSettings {
  /** Values given in the file (flag value form: URL lists not yet parsed, durations in ns). */
  readonly values: Map<string, FlagValue>;
}

function canonicalKey(key: string): string | undefined {
  const lower = key.toLowerCase();
  for (const name of CONFIG_FILE_KEYS.keys()) if (name === lower) return name;
  for (const name of PROXY_KEYS) if (name === lower) return name;
  return undefined;
}

/**
 * Reads etcd's YAML configuration `source` into flag-named values, with
 * etcd's errors (`error converting YAML to JSON: yaml: line 1: …`,
 * `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal …`).
 */
export function readConfigFile(source: string): ConfigFileSettings {
  let doc: YamlValue;
  try {
    doc = parseYaml(source);
  } catch (err) {
    if (err instanceof YamlError) {
      throw new ConfigError("verify", `error converting YAML to JSON: ${err.message}`);
    }
    throw err;
  }
  const values = new Map<string, FlagValue>();
  if (doc === null) return { values };
  if (typeof doc !== "object" || Array.isArray(doc) || doc instanceof YamlNumber) {
    throw new ConfigError(
      "verify",
      `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${
        jsonKind(doc)
      } into Go value of type embed.configYAML`,
    );
  }
  for (const [key, value] of jsonEntries(doc)) {
    const name = canonicalKey(key);
    if (name === undefined || value === null) continue;
    if (PROXY_KEYS.has(name)) {
      values.set(
        name,
        typeof value === "boolean" ? (value ? "on" : "off") : String(scalarText(value)),
      );
      continue;
    }
    const type = CONFIG_FILE_KEYS.get(name) ?? "string";
    if (type === "embed.securityConfig") {
      decodeSecurity(value, name === "peer-transport-security" ? "peer-" : "", name, values);
    } else {
      values.set(name, decodeAs(value, type, `configYAML.${name}`));
    }
  }
  return { values };
}

function scalarText(value: YamlValue): string {
  if (value instanceof YamlNumber) return value.json;
  return typeof value === "string" ? value : JSON.stringify(value);
}

/** The URL settings of a file, in the order etcd parses them, with the name its error uses. */
const FILE_URL_KEYS: readonly [string, string][] = [
  ["listen-peer-urls", "listen-peer-urls"],
  ["listen-client-urls", "listen-client-urls"],
  ["initial-advertise-peer-urls", "initial-advertise-peer-urls"],
  // etcd 3.4 names this one wrongly in its message; kept for byte-equal errors.
  ["advertise-client-urls", "advertise-peer-urls"],
  ["listen-metrics-urls", "listen-metrics-urls"],
];

/**
 * etcd's post-processing of a file's URL strings: each non-empty one is
 * split on commas and parsed (`unexpected error setting up listen-peer-urls: …`,
 * exit 1); `cors` and `host-whitelist` become lists.
 */
export function parseConfigFileUrls(values: Map<string, FlagValue>): void {
  for (const [key, label] of FILE_URL_KEYS) {
    const text = values.get(key);
    if (typeof text !== "string") continue;
    if (text === "") {
      values.delete(key);
      continue;
    }
    try {
      values.set(key, parseEtcdUrls(text.split(",")));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new ConfigError("fatal", `unexpected error setting up ${label}: ${why}`);
    }
  }
  for (const key of ["cors", "host-whitelist"]) {
    const text = values.get(key);
    if (typeof text === "string" && text !== "") {
      values.set(key, [...new Set(text.split(","))].sort(compareStrings));
    } else {
      values.delete(key);
    }
  }
}
