/**
 * Go's `time.Duration` as etcd and etcdctl read it (`--dial-timeout=2s`,
 * `--grpc-keepalive-timeout=20s`) and print it (`took = 2.669822ms`):
 * `time.ParseDuration` with its error messages, and `Duration.String`.
 *
 * @module
 */

const UNITS: ReadonlyMap<string, bigint> = new Map([
  ["ns", 1n],
  ["us", 1_000n],
  ["\u00b5s", 1_000n],
  ["\u03bcs", 1_000n],
  ["ms", 1_000_000n],
  ["s", 1_000_000_000n],
  ["m", 60_000_000_000n],
  ["h", 3_600_000_000_000n],
]);

/** 1<<63: one past the largest duration, the bound Go's parser checks against. */
const LIMIT = 1n << 63n;

/** A `time.ParseDuration` failure; `message` is Go's (`time: invalid duration "x"`). */
export class DurationError extends Error {
  /** Creates the error with Go's `message`. */
  constructor(message: string) {
    super(message);
    this.name = "DurationError";
  }
}

/** The `time` package's own quoting: non-ASCII and control bytes as `\xNN`. */
function timeQuote(s: string): string {
  let out = '"';
  for (const byte of new TextEncoder().encode(s)) {
    if (byte >= 0x80 || byte < 0x20) out += "\\x" + byte.toString(16).padStart(2, "0");
    else {
      const c = String.fromCharCode(byte);
      out += c === '"' || c === "\\" ? "\\" + c : c;
    }
  }
  return out + '"';
}

function isDigit(c: string | undefined): boolean {
  return c !== undefined && c >= "0" && c <= "9";
}

function digit(s: string, i: number): bigint {
  return BigInt(s.charCodeAt(i) - 48);
}

/** Go's `leadingInt`: the digits at `s[i]` as [value, end], or undefined on overflow. */
function leadingInt(s: string, i: number): [bigint, number] | undefined {
  let x = 0n;
  for (; isDigit(s[i]); i++) {
    if (x > LIMIT / 10n) return undefined;
    x = x * 10n + digit(s, i);
    if (x > LIMIT) return undefined;
  }
  return [x, i];
}

/** Go's `leadingFraction`: the digits at `s[i]` as [value, scale, end], dropping overflow. */
function leadingFraction(s: string, i: number): [bigint, number, number] {
  let x = 0n;
  let scale = 1;
  let overflow = false;
  for (; isDigit(s[i]); i++) {
    if (overflow) continue;
    if (x > (LIMIT - 1n) / 10n) {
      overflow = true;
      continue;
    }
    const y = x * 10n + digit(s, i);
    if (y > LIMIT) {
      overflow = true;
      continue;
    }
    x = y;
    scale *= 10;
  }
  return [x, scale, i];
}

/** The unit at `s[i]` (up to the next digit or `.`) as [nanoseconds per unit, end]. */
function readUnit(s: string, i: number, orig: string): [bigint, number] {
  let j = i;
  while (j < s.length && !(s[j] === "." || isDigit(s[j]))) j++;
  if (j === i) throw new DurationError(`time: missing unit in duration ${timeQuote(orig)}`);
  const name = s.slice(i, j);
  const unit = UNITS.get(name);
  if (unit === undefined) {
    throw new DurationError(`time: unknown unit ${timeQuote(name)} in duration ${timeQuote(orig)}`);
  }
  return [unit, j];
}

/** One `[0-9]*(\.[0-9]*)?unit` term at the start of `s`: [nanoseconds, rest]. */
function parseTerm(s: string, orig: string): [bigint, string] {
  const invalid = () => new DurationError(`time: invalid duration ${timeQuote(orig)}`);
  if (!(s[0] === "." || isDigit(s[0]))) throw invalid();
  const whole = leadingInt(s, 0);
  if (whole === undefined) throw invalid();
  let [v, i] = whole;
  const pre = i > 0;
  let frac = 0n;
  let scale = 1;
  let post = false;
  if (s[i] === ".") {
    const start = i + 1;
    [frac, scale, i] = leadingFraction(s, start);
    post = i > start;
  }
  if (!pre && !post) throw invalid();
  const [unit, end] = readUnit(s, i, orig);
  if (v > LIMIT / unit) throw invalid();
  v *= unit;
  if (frac > 0n) {
    // float64, as Go computes it: nanosecond-exact for fractions of an hour.
    v += BigInt(Math.trunc(Number(frac) * (Number(unit) / scale)));
    if (v > LIMIT) throw invalid();
  }
  return [v, s.slice(end)];
}

/**
 * Go's `time.ParseDuration`: nanoseconds as a bigint. Throws
 * {@linkcode DurationError} with Go's message (`time: invalid duration "x"`,
 * `time: missing unit in duration "1"`, `time: unknown unit "d" in duration "1d"`).
 */
export function parseGoDuration(orig: string): bigint {
  const invalid = () => new DurationError(`time: invalid duration ${timeQuote(orig)}`);
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw invalid();
  let total = 0n;
  while (s !== "") {
    const [ns, rest] = parseTerm(s, orig);
    total += ns;
    if (total > LIMIT) throw invalid();
    s = rest;
  }
  if (neg) return -total;
  if (total > LIMIT - 1n) throw invalid();
  return total;
}

/** `v / 10**prec` with trailing zeros of the fraction dropped: [".123", integer part]. */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const d = v % 10n;
    printed = printed || d !== 0n;
    if (printed) digits = d.toString() + digits;
    v /= 10n;
  }
  return [printed ? "." + digits : "", v];
}

/** `Duration.String` of a positive duration under one second: "850ns", "977.622µs", "3ms". */
function formatSubsecond(u: bigint): string {
  const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
  const [frac, whole] = fraction(u, prec);
  return whole.toString() + frac + unit;
}

/** `Duration.String` of a duration of one second or more: "5.001254369s", "1h2m3.5s". */
function formatSeconds(u: bigint): string {
  const [frac, seconds] = fraction(u, 9);
  let out = (seconds % 60n).toString() + frac + "s";
  const minutes = seconds / 60n;
  if (minutes > 0n) {
    out = (minutes % 60n).toString() + "m" + out;
    const hours = minutes / 60n;
    if (hours > 0n) out = hours.toString() + "h" + out;
  }
  return out;
}

/**
 * Go's `Duration.String` for `ns` nanoseconds (a number is truncated to an
 * integer): "2.669822ms", "5.001254369s", "1m30s", "0s".
 */
export function formatGoDuration(ns: bigint | number): string {
  let u = typeof ns === "bigint" ? ns : BigInt(Math.trunc(ns));
  if (u === 0n) return "0s";
  const neg = u < 0n;
  if (neg) u = -u;
  const out = u < 1_000_000_000n ? formatSubsecond(u) : formatSeconds(u);
  return neg ? "-" + out : out;
}
