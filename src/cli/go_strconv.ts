/**
 * Go's `strconv` as etcdctl's output and error messages show it: `Quote`
 * (what `%q` prints), `Unquote` (what `fmt.Sscanf("%q")` reads),
 * `ParseInt` and `ParseBool` with their exact error messages.
 *
 * Go strings are bytes; here a quoted string is built from UTF-8 bytes, so
 * invalid sequences come out as `\xNN` as Go prints them.
 *
 * @module
 */

import { utf8Encode } from "../util/bytes.ts";

const LOWER_HEX = "0123456789abcdef";
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and ASCII space. */
export function isGoPrint(codePoint: number): boolean {
  if (codePoint <= 0xff) {
    return (codePoint >= 0x20 && codePoint <= 0x7e) || (codePoint >= 0xa1 && codePoint !== 0xad);
  }
  return PRINTABLE.test(String.fromCodePoint(codePoint));
}

/**
 * Decodes one UTF-8 sequence at `bytes[i]` as Go's `utf8.DecodeRune` does:
 * `[codePoint, width]`, or `[-1, 1]` for an invalid or truncated sequence.
 */
export function decodeRune(bytes: Uint8Array, i: number): [number, number] {
  const b0 = bytes[i]!;
  if (b0 < 0x80) return [b0, 1];
  let need: number;
  let cp: number;
  if (b0 >= 0xc2 && b0 <= 0xdf) [need, cp] = [1, b0 & 0x1f];
  else if (b0 >= 0xe0 && b0 <= 0xef) [need, cp] = [2, b0 & 0x0f];
  else if (b0 >= 0xf0 && b0 <= 0xf4) [need, cp] = [3, b0 & 0x07];
  else return [-1, 1];
  if (i + need >= bytes.length) return [-1, 1];
  for (let k = 1; k <= need; k++) {
    const b = bytes[i + k]!;
    if ((b & 0xc0) !== 0x80) return [-1, 1];
    cp = (cp << 6) | (b & 0x3f);
  }
  const min = need === 1 ? 0x80 : need === 2 ? 0x800 : 0x10000;
  if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return [-1, 1];
  return [cp, need + 1];
}

function hexByte(byte: number): string {
  return LOWER_HEX[byte >> 4]! + LOWER_HEX[byte & 0xf]!;
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x07: "\\a",
  0x08: "\\b",
  0x0c: "\\f",
  0x0a: "\\n",
  0x0d: "\\r",
  0x09: "\\t",
  0x0b: "\\v",
};

function escapeRune(cp: number, quote: number): string {
  if (cp === quote || cp === 0x5c) return "\\" + String.fromCodePoint(cp);
  if (isGoPrint(cp)) return String.fromCodePoint(cp);
  const short = SHORT_ESCAPES[cp];
  if (short !== undefined) return short;
  if (cp < 0x20 || cp === 0x7f) return "\\x" + hexByte(cp);
  if (cp < 0x10000) return "\\u" + cp.toString(16).padStart(4, "0");
  return "\\U" + cp.toString(16).padStart(8, "0");
}

function quoteWith(input: Uint8Array | string, quote: number): string {
  const bytes = typeof input === "string" ? utf8Encode(input) : input;
  const q = String.fromCharCode(quote);
  let out = q;
  for (let i = 0; i < bytes.length;) {
    const [cp, width] = decodeRune(bytes, i);
    out += cp < 0 ? "\\x" + hexByte(bytes[i]!) : escapeRune(cp, quote);
    i += width;
  }
  return out + q;
}

/** Go's `strconv.Quote` (what `%q` prints for a string or a byte slice). */
export function goQuote(input: Uint8Array | string): string {
  return quoteWith(input, 0x22);
}

/** Go's `strconv.QuoteRune` (what `%q` prints for a byte or a rune): `'p'`. */
export function goQuoteRune(codePoint: number): string {
  return quoteWith(String.fromCodePoint(codePoint), 0x27);
}

/** Thrown by the parsers below; `message` is Go's error text. */
export class GoSyntaxError extends Error {
  override name = "GoSyntaxError";
}

const INVALID_SYNTAX = "invalid syntax";

function unhex(c: string | undefined): number {
  if (c === undefined) return -1;
  const v = parseInt(c, 16);
  return Number.isNaN(v) || !/^[0-9a-fA-F]$/.test(c) ? -1 : v;
}

/** One backslash escape at `s[i]` (just after the backslash): [bytes, next index]. */
function unquoteEscape(s: string, i: number, quote: string): [number[], number] {
  const c = s[i];
  const simple: Record<string, number> = {
    a: 7,
    b: 8,
    f: 12,
    n: 10,
    r: 13,
    t: 9,
    v: 11,
    "\\": 0x5c,
  };
  if (c === undefined) throw new GoSyntaxError(INVALID_SYNTAX);
  if (c in simple) return [[simple[c]!], i + 1];
  if (c === "'" || c === '"') {
    if (c !== quote) throw new GoSyntaxError(INVALID_SYNTAX);
    return [[c.charCodeAt(0)], i + 1];
  }
  if (c === "x" || c === "u" || c === "U") {
    const n = c === "x" ? 2 : c === "u" ? 4 : 8;
    let v = 0;
    for (let j = 1; j <= n; j++) {
      const d = unhex(s[i + j]);
      if (d < 0) throw new GoSyntaxError(INVALID_SYNTAX);
      v = v * 16 + d;
    }
    if (c === "x") return [[v], i + 1 + n];
    if (v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff)) throw new GoSyntaxError(INVALID_SYNTAX);
    return [[...utf8Encode(String.fromCodePoint(v))], i + 1 + n];
  }
  if (c >= "0" && c <= "7") {
    let v = c.charCodeAt(0) - 48;
    for (let j = 1; j <= 2; j++) {
      const d = (s[i + j] ?? "").charCodeAt(0) - 48;
      if (!(d >= 0 && d <= 7)) throw new GoSyntaxError(INVALID_SYNTAX);
      v = v * 8 + d;
    }
    if (v > 255) throw new GoSyntaxError(INVALID_SYNTAX);
    return [[v], i + 3];
  }
  throw new GoSyntaxError(INVALID_SYNTAX);
}

/**
 * Go's `strconv.Unquote` for a double-quoted or back-quoted literal
 * (`s` includes the quotes). Returns the bytes; throws
 * {@linkcode GoSyntaxError} ("invalid syntax").
 */
export function goUnquote(s: string): Uint8Array {
  const quote = s[0];
  if (s.length < 2 || s[s.length - 1] !== quote) throw new GoSyntaxError(INVALID_SYNTAX);
  const body = s.slice(1, -1);
  if (quote === "`") {
    if (body.includes("`")) throw new GoSyntaxError(INVALID_SYNTAX);
    return utf8Encode(body.replaceAll("\r", ""));
  }
  if (quote !== '"' || body.includes("\n")) throw new GoSyntaxError(INVALID_SYNTAX);
  const out: number[] = [];
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '"') throw new GoSyntaxError(INVALID_SYNTAX);
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      out.push(...utf8Encode(String.fromCodePoint(cp)));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const [bytes, next] = unquoteEscape(body, i + 1, quote);
    out.push(...bytes);
    i = next;
  }
  return new Uint8Array(out);
}

function underscoreOk(s: string): boolean {
  let saw = "^";
  let i = 0;
  if (s.length >= 1 && (s[0] === "-" || s[0] === "+")) s = s.slice(1);
  let isHex = false;
  if (s.length >= 2 && s[0] === "0" && "boxBOX".includes(s[1]!)) {
    i = 2;
    saw = "0";
    isHex = s[1]!.toLowerCase() === "x";
  }
  for (; i < s.length; i++) {
    const c = s[i]!;
    if ((c >= "0" && c <= "9") || (isHex && /^[a-fA-F]$/.test(c))) {
      saw = "0";
      continue;
    }
    if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
      continue;
    }
    if (saw === "_") return false;
    saw = "!";
  }
  return saw !== "_";
}

function digitValue(c: string): number {
  const code = c.toLowerCase().charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  if (code >= 97 && code <= 122) return code - 97 + 10;
  return 99;
}

/** The base and digits after Go's base-prefix rules for base 0. */
function pickBase(s: string, base: number): [number, string] {
  if (base !== 0) return [base, s];
  if (s[0] !== "0") return [10, s];
  const p = (s[1] ?? "").toLowerCase();
  if (s.length >= 3 && p === "b") return [2, s.slice(2)];
  if (s.length >= 3 && p === "o") return [8, s.slice(2)];
  if (s.length >= 3 && p === "x") return [16, s.slice(2)];
  return [8, s.slice(1)];
}

/** Go's `strconv.ParseUint` core; "syntax" or "range" on failure. */
function parseUint(s: string, base: number): bigint | "syntax" | "range" {
  if (s === "") return "syntax";
  const base0 = base === 0;
  const [b, digits] = pickBase(s, base);
  const max = (1n << 64n) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of digits) {
    if (c === "_" && base0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= b) return "syntax";
    n = n * BigInt(b) + BigInt(d);
    if (n > max) return "range";
  }
  if (underscores && !underscoreOk(s)) return "syntax";
  return n;
}

/**
 * Go's `strconv.ParseInt(s, base, 64)`. Throws {@linkcode GoSyntaxError}
 * with Go's message, e.g. `strconv.ParseInt: parsing "abc": invalid syntax`.
 */
export function goParseInt(s: string, base: number): bigint {
  const fail = (what: string) =>
    new GoSyntaxError(`strconv.ParseInt: parsing ${goQuote(s)}: ${what}`);
  if (s === "") throw fail(INVALID_SYNTAX);
  const neg = s[0] === "-";
  const body = s[0] === "+" || s[0] === "-" ? s.slice(1) : s;
  const un = parseUint(body, base);
  if (un === "syntax") throw fail(INVALID_SYNTAX);
  const cutoff = 1n << 63n;
  if (un === "range" || (!neg && un >= cutoff) || (neg && un > cutoff)) {
    throw fail("value out of range");
  }
  return neg ? -un : un;
}

/** Go's `strconv.ParseBool`, with its error message. */
export function goParseBool(s: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  throw new GoSyntaxError(`strconv.ParseBool: parsing ${goQuote(s)}: ${INVALID_SYNTAX}`);
}
