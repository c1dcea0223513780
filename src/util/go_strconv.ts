/**
 * Go's `strconv` where etcd's and etcdctl's messages show it: `Quote` (what
 * `%q` prints), `QuoteRune`, `Unquote` (what `fmt.Sscanf("%q")` reads),
 * `ParseUint`, `ParseInt` and `ParseBool`, each with Go's exact error text.
 *
 * Go strings are bytes; here a quoted string is built from UTF-8 bytes, so
 * invalid sequences come out as `\xNN` as Go prints them.
 *
 * @module
 */

import { assert } from "./assert.ts";
import { utf8Encode } from "./bytes.ts";

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

/** Go's `strconv.ErrSyntax` as {@linkcode goUnquote} returns it: `message` is "invalid syntax". */
export class GoSyntaxError extends Error {
  override name = "GoSyntaxError";
}

const INVALID_SYNTAX = "invalid syntax";

const SIMPLE_UNESCAPES: Readonly<Record<string, number>> = {
  a: 7,
  b: 8,
  f: 12,
  n: 10,
  r: 13,
  t: 9,
  v: 11,
  "\\": 0x5c,
};

function unhex(c: string | undefined): number {
  return c !== undefined && /^[0-9a-fA-F]$/.test(c) ? parseInt(c, 16) : -1;
}

/** A `\x`, `\u` or `\U` escape whose letter is at `s[i]`: [bytes, next index]. */
function unquoteHex(s: string, i: number): [number[], number] {
  const c = s[i];
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

/** A three-digit octal escape starting at `s[i]`: [bytes, next index]. */
function unquoteOctal(s: string, i: number): [number[], number] {
  let v = 0;
  for (let j = 0; j < 3; j++) {
    const d = (s[i + j] ?? "").charCodeAt(0) - 48;
    if (!(d >= 0 && d <= 7)) throw new GoSyntaxError(INVALID_SYNTAX);
    v = v * 8 + d;
  }
  if (v > 255) throw new GoSyntaxError(INVALID_SYNTAX);
  return [[v], i + 3];
}

/** One backslash escape at `s[i]` (just after the backslash): [bytes, next index]. */
function unquoteEscape(s: string, i: number, quote: string): [number[], number] {
  const c = s[i];
  if (c === undefined) throw new GoSyntaxError(INVALID_SYNTAX);
  const simple = SIMPLE_UNESCAPES[c];
  if (simple !== undefined) return [[simple], i + 1];
  if (c === "'" || c === '"') {
    if (c !== quote) throw new GoSyntaxError(INVALID_SYNTAX);
    return [[c.charCodeAt(0)], i + 1];
  }
  if (c === "x" || c === "u" || c === "U") return unquoteHex(s, i);
  if (c >= "0" && c <= "7") return unquoteOctal(s, i);
  throw new GoSyntaxError(INVALID_SYNTAX);
}

/** The body of a double-quoted literal (quotes removed) as bytes. */
function unquoteDouble(body: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < body.length;) {
    const c = body[i]!;
    if (c === '"' || c === "\n") throw new GoSyntaxError(INVALID_SYNTAX);
    if (c !== "\\") {
      const cp = body.codePointAt(i)!;
      out.push(...utf8Encode(String.fromCodePoint(cp)));
      i += cp > 0xffff ? 2 : 1;
      continue;
    }
    const [bytes, next] = unquoteEscape(body, i + 1, '"');
    out.push(...bytes);
    i = next;
  }
  return new Uint8Array(out);
}

/**
 * Go's `strconv.Unquote` for a double-quoted or back-quoted literal
 * (`s` includes the quotes; a single-quoted rune literal is refused too).
 * Returns the bytes; throws {@linkcode GoSyntaxError} ("invalid syntax").
 */
export function goUnquote(s: string): Uint8Array {
  const quote = s[0];
  if (s.length < 2 || s[s.length - 1] !== quote) throw new GoSyntaxError(INVALID_SYNTAX);
  const body = s.slice(1, -1);
  if (quote === "`") {
    if (body.includes("`")) throw new GoSyntaxError(INVALID_SYNTAX);
    return utf8Encode(body.replaceAll("\r", ""));
  }
  if (quote !== '"') throw new GoSyntaxError(INVALID_SYNTAX);
  return unquoteDouble(body);
}

/** Which of Go's number errors a {@linkcode NumError} is. */
export type NumErrorReason = "syntax" | "range";

/**
 * Go's `*strconv.NumError`: `strconv.ParseInt: parsing "x": invalid syntax`
 * (`reason` "syntax") or `…: value out of range` (`reason` "range").
 */
export class NumError extends Error {
  /** The failing function's name (`ParseInt`, `ParseUint`, `ParseBool`). */
  readonly func: string;
  /** The text that failed to parse. */
  readonly num: string;
  /** Which of Go's two number errors. */
  readonly reason: NumErrorReason;

  /** Creates the error `strconv.<fn>: parsing "<text>": <reason's text>`. */
  constructor(fn: string, text: string, reason: NumErrorReason) {
    const why = reason === "syntax" ? INVALID_SYNTAX : "value out of range";
    super(`strconv.${fn}: parsing ${goQuote(text)}: ${why}`);
    this.name = "NumError";
    this.func = fn;
    this.num = text;
    this.reason = reason;
  }
}

/** Go's `underscoreOK`: `_` only between digits (or right after a base prefix). */
function underscoreOk(text: string): boolean {
  let s = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  let saw = "^";
  let hex = false;
  if (s.length >= 2 && s[0] === "0" && "bBoOxX".includes(s[1]!)) {
    hex = s[1] === "x" || s[1] === "X";
    saw = "0";
    s = s.slice(2);
  }
  for (const c of s) {
    if ((c >= "0" && c <= "9") || (hex && /^[a-fA-F]$/.test(c))) {
      saw = "0";
    } else if (c === "_") {
      if (saw !== "0") return false;
      saw = "_";
    } else {
      if (saw === "_") return false;
      saw = "!";
    }
  }
  return saw !== "_";
}

/** The value of an ASCII digit or letter (`a`/`A` = 10), or 99 for anything else. */
function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 48 && code <= 57) return code - 48;
  const lower = code | 0x20;
  if (lower >= 97 && lower <= 122) return lower - 97 + 10;
  return 99;
}

/** The base and digits after Go's base-prefix rules (`0b`, `0o`, `0x`, `0`) for base 0. */
function pickBase(s: string, base: number): [number, string] {
  if (base !== 0) return [base, s];
  if (s[0] !== "0") return [10, s];
  const p = (s[1] ?? "").toLowerCase();
  if (s.length >= 3 && p === "b") return [2, s.slice(2)];
  if (s.length >= 3 && p === "o") return [8, s.slice(2)];
  if (s.length >= 3 && p === "x") return [16, s.slice(2)];
  return [8, s.slice(1)];
}

/** `ParseUint`'s core, reporting failures as `fn`'s; throws {@linkcode NumError}. */
function parseUintAs(fn: string, text: string, base: number, bits: number): bigint {
  assert(base === 0 || (base >= 2 && base <= 36), `strconv: invalid base ${base}`);
  assert(bits >= 0 && bits <= 64, `strconv: invalid bit size ${bits}`);
  if (text === "") throw new NumError(fn, text, "syntax");
  const [b, digits] = pickBase(text, base);
  const max = (1n << BigInt(bits === 0 ? 64 : bits)) - 1n;
  let n = 0n;
  let underscores = false;
  for (const c of digits) {
    if (c === "_" && base === 0) {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= b) throw new NumError(fn, text, "syntax");
    n = n * BigInt(b) + BigInt(d);
    if (n > max) throw new NumError(fn, text, "range");
  }
  if (underscores && !underscoreOk(text)) throw new NumError(fn, text, "syntax");
  return n;
}

/**
 * Go's `strconv.ParseUint(text, base, bits)`: base 0 reads the prefixes
 * `0b`, `0o`, `0x` and a leading `0` (octal) and allows `_` between digits;
 * bits 0 means 64. Throws {@linkcode NumError}
 * (`strconv.ParseUint: parsing "-1": invalid syntax`). A base outside 0 and
 * 2..36 or bits outside 0..64 is a programmer error (an assertion).
 */
export function parseGoUint(text: string, base = 0, bits = 64): bigint {
  return parseUintAs("ParseUint", text, base, bits);
}

/**
 * Go's `strconv.ParseInt(text, base, bits)`: an optional sign, then as
 * {@linkcode parseGoUint}. Throws {@linkcode NumError}
 * (`strconv.ParseInt: parsing "abc": invalid syntax`, `…: value out of range`).
 */
export function parseGoInt(text: string, base = 0, bits = 64): bigint {
  if (text === "") throw new NumError("ParseInt", text, "syntax");
  const negative = text[0] === "-";
  const body = text[0] === "-" || text[0] === "+" ? text.slice(1) : text;
  let magnitude: bigint;
  try {
    magnitude = parseUintAs("ParseInt", body, base, bits);
  } catch (err) {
    if (err instanceof NumError) throw new NumError("ParseInt", text, err.reason);
    throw err;
  }
  const cutoff = 1n << BigInt((bits === 0 ? 64 : bits) - 1);
  if (!negative && magnitude >= cutoff) throw new NumError("ParseInt", text, "range");
  if (negative && magnitude > cutoff) throw new NumError("ParseInt", text, "range");
  return negative ? -magnitude : magnitude;
}

/**
 * Go's `strconv.ParseBool`. Throws {@linkcode NumError}
 * (`strconv.ParseBool: parsing "x": invalid syntax`).
 */
export function parseGoBool(text: string): boolean {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(text)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(text)) return false;
  throw new NumError("ParseBool", text, "syntax");
}
