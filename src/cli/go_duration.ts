/**
 * Go's `time.Duration` as etcdctl reads it (`--dial-timeout=2s`) and prints
 * it (`took = 2.669822ms`): `time.ParseDuration` with its error messages
 * and `Duration.String`.
 *
 * @module
 */

import { GoSyntaxError } from "./go_strconv.ts";

const UNITS: Readonly<Record<string, bigint>> = {
  ns: 1n,
  us: 1_000n,
  "\u00b5s": 1_000n,
  "\u03bcs": 1_000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

const MAX_NS = 1n << 63n;

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

/** One `[0-9]*(\.[0-9]*)?unit` term at the start of `s`: [nanoseconds, rest]. */
function parseTerm(s: string, orig: string): [bigint, string] {
  const invalid = () => new GoSyntaxError(`time: invalid duration ${timeQuote(orig)}`);
  if (!(s[0] === "." || isDigit(s[0]))) throw invalid();
  let i = 0;
  let v = 0n;
  while (isDigit(s[i])) {
    if (v > MAX_NS / 10n) throw invalid();
    v = v * 10n + BigInt(s.charCodeAt(i) - 48);
    if (v > MAX_NS) throw invalid();
    i++;
  }
  const pre = i > 0;
  let frac = 0n;
  let scale = 1n;
  let post = false;
  if (s[i] === ".") {
    i++;
    const start = i;
    let overflow = false;
    while (isDigit(s[i])) {
      if (!overflow && frac * 10n + 9n < MAX_NS) {
        frac = frac * 10n + BigInt(s.charCodeAt(i) - 48);
        scale *= 10n;
      } else overflow = true;
      i++;
    }
    post = i > start;
  }
  if (!pre && !post) throw invalid();
  let j = i;
  while (j < s.length && !(s[j] === "." || isDigit(s[j]))) j++;
  if (j === i) throw new GoSyntaxError(`time: missing unit in duration ${timeQuote(orig)}`);
  const unitName = s.slice(i, j);
  const unit = UNITS[unitName];
  if (unit === undefined) {
    throw new GoSyntaxError(
      `time: unknown unit ${timeQuote(unitName)} in duration ${timeQuote(orig)}`,
    );
  }
  if (v > MAX_NS / unit) throw invalid();
  let ns = v * unit;
  if (frac > 0n) {
    ns += BigInt(Math.floor(Number(frac) * (Number(unit) / Number(scale))));
    if (ns > MAX_NS) throw invalid();
  }
  return [ns, s.slice(j)];
}

/**
 * Go's `time.ParseDuration`: nanoseconds as a bigint. Throws
 * {@linkcode GoSyntaxError} with Go's message (`time: invalid duration "x"`).
 */
export function parseGoDuration(orig: string): bigint {
  let s = orig;
  let neg = false;
  if (s[0] === "-" || s[0] === "+") {
    neg = s[0] === "-";
    s = s.slice(1);
  }
  if (s === "0") return 0n;
  if (s === "") throw new GoSyntaxError(`time: invalid duration ${timeQuote(orig)}`);
  let total = 0n;
  while (s !== "") {
    const [ns, rest] = parseTerm(s, orig);
    total += ns;
    if (total > MAX_NS) throw new GoSyntaxError(`time: invalid duration ${timeQuote(orig)}`);
    s = rest;
  }
  if (neg) return -total;
  if (total > MAX_NS - 1n) throw new GoSyntaxError(`time: invalid duration ${timeQuote(orig)}`);
  return total;
}

/** `v / 10**prec` with trailing zeros of the fraction dropped: [".123", integer part]. */
function fraction(v: bigint, prec: number): [string, bigint] {
  let digits = "";
  let printed = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    printed = printed || digit !== 0n;
    if (printed) digits = digit.toString() + digits;
    v /= 10n;
  }
  return [printed ? "." + digits : "", v];
}

/** Go's `Duration.String` for `ns` nanoseconds: "2.669822ms", "5.001254369s", "1m30s". */
export function formatGoDuration(ns: bigint | number): string {
  let u = typeof ns === "bigint" ? ns : BigInt(Math.trunc(ns));
  const neg = u < 0n;
  if (neg) u = -u;
  let out: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return "0s";
    const [prec, unit] = u < 1_000n ? [0, "ns"] : u < 1_000_000n ? [3, "\u00b5s"] : [6, "ms"];
    const [frac, whole] = fraction(u, prec);
    out = whole.toString() + frac + unit;
  } else {
    const [frac, seconds] = fraction(u, 9);
    out = (seconds % 60n).toString() + frac + "s";
    const minutes = seconds / 60n;
    if (minutes > 0n) {
      out = (minutes % 60n).toString() + "m" + out;
      const hours = minutes / 60n;
      if (hours > 0n) out = hours.toString() + "h" + out;
    }
  }
  return neg ? "-" + out : out;
}
