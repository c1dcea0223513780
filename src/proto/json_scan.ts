/**
 * A JSON syntax scanner over UTF-8 bytes that fails exactly as Go's
 * `encoding/json` does, so the gateway returns etcd's messages for bad
 * bodies (`invalid character 'x' after object key`, `unexpected EOF`, …).
 *
 * Two ways to end, as in Go:
 * - {@linkcode scanValue} reads the first value of a stream like
 *   `json.Decoder.Decode` (what etcd's gateway does with a request body):
 *   whatever follows the value is not read, input cut inside a value is
 *   `unexpected EOF`, and an input of only whitespace is no value at all;
 * - {@linkcode checkValid} checks a whole text like `json.Unmarshal`: only
 *   whitespace may follow the value, and a cut input is `unexpected end of
 *   JSON input` or the error Go's scanner gives for a space at that point.
 *
 * Nesting deeper than Go's 10000 levels is refused as Go refuses it. The
 * walking helpers at the end ({@linkcode skipSpace}, {@linkcode valueEnd},
 * …) assume text this scanner already accepted.
 *
 * @module
 */

import { type EtcdError, invalidArgument } from "./errors.ts";
import { quoteChar } from "./json_go_text.ts";

/** Go's `encoding/json` maxNestingDepth. */
export const JSON_NESTING_MAX = 10000;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;

const STREAM = 0;
const WHOLE = 1;
type Mode = typeof STREAM | typeof WHOLE;

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

function isDigit(c: number): boolean {
  return c >= ZERO && c <= NINE;
}

function isHex(c: number): boolean {
  return isDigit(c) || (c >= 0x61 && c <= 0x66) || (c >= 0x41 && c <= 0x46);
}

/** The error Go's scanner gives for byte `c` in `context`. */
export function syntaxError(c: number, context: string): EtcdError {
  return invalidArgument(`invalid character ${quoteChar(c)} ${context}`);
}

/**
 * The error for input ending where `context` expected more: `unexpected
 * EOF` for a stream; for a whole text, what Go's scanner says when it feeds
 * a space there (`context` null: the space was acceptable).
 */
function eofError(mode: Mode, context: string | null): EtcdError {
  if (mode === STREAM) return invalidArgument("unexpected EOF");
  if (context === null) return invalidArgument("unexpected end of JSON input");
  return syntaxError(0x20, context);
}

/** The index of the first non-whitespace byte at or after `i` (or `end`). */
export function skipSpace(b: Uint8Array, i: number, end: number): number {
  while (i < end && isSpace(b[i]!)) i++;
  return i;
}

/** Bytes checked one by one before {@linkcode findSpecialWide} takes over a long string. */
const NARROW_SCAN_BYTES = 64;

/** Whether `c` ends a run of plain string bytes: a quote, a backslash or a control byte. */
function isSpecial(c: number): boolean {
  return c === QUOTE || c === BACKSLASH || c < 0x20;
}

/**
 * The index of the first quote, backslash or control byte in `b[j:end]`
 * (or `end`), four bytes at a time: a word holds one when a byte is below
 * 0x20 or equals 0x22 or 0x5c (the classic "has less" / "has zero" bit
 * tricks; a false alarm only costs a byte-wise look at that word).
 */
function findSpecialWide(b: Uint8Array, j: number, end: number): number {
  while (j < end && (b.byteOffset + j) % 4 !== 0) {
    if (isSpecial(b[j]!)) return j;
    j++;
  }
  const words = new Uint32Array(b.buffer, b.byteOffset + j, (end - j) >>> 2);
  for (let w = 0; w < words.length; w++) {
    const x = words[w]!;
    const quote = x ^ 0x22222222;
    const slash = x ^ 0x5c5c5c5c;
    const found = ((x - 0x20202020) & ~x) | ((quote - 0x01010101) & ~quote) |
      ((slash - 0x01010101) & ~slash);
    if ((found & 0x80808080) !== 0) {
      for (let k = j + w * 4; k < j + w * 4 + 4; k++) if (isSpecial(b[k]!)) return k;
    }
  }
  for (let k = j + words.length * 4; k < end; k++) if (isSpecial(b[k]!)) return k;
  return end;
}

/** The index of the first quote, backslash or control byte in `b[j:end]` (or `end`). */
function findSpecial(b: Uint8Array, j: number, end: number): number {
  const narrowEnd = Math.min(end, j + NARROW_SCAN_BYTES);
  for (; j < narrowEnd; j++) if (isSpecial(b[j]!)) return j;
  return j < end ? findSpecialWide(b, j, end) : end;
}

/** Checks the escape whose backslash is at `j`; returns the index after it. */
function scanEscape(b: Uint8Array, j: number, end: number, mode: Mode): number {
  if (++j >= end) throw eofError(mode, "in string escape code");
  const escape = b[j]!;
  if (escape === 0x75) {
    for (let k = 0; k < 4; k++) {
      if (++j >= end) throw eofError(mode, "in \\u hexadecimal character escape");
      if (!isHex(b[j]!)) throw syntaxError(b[j]!, "in \\u hexadecimal character escape");
    }
  } else if (
    escape !== QUOTE && escape !== BACKSLASH && escape !== 0x2f && escape !== 0x62 &&
    escape !== 0x66 && escape !== 0x6e && escape !== 0x72 && escape !== 0x74
  ) {
    throw syntaxError(escape, "in string escape code");
  }
  return j + 1;
}

function scanString(b: Uint8Array, i: number, end: number, mode: Mode): number {
  let j = i + 1;
  for (;;) {
    j = findSpecial(b, j, end);
    if (j >= end) throw eofError(mode, null);
    const c = b[j]!;
    if (c === QUOTE) return j + 1;
    if (c !== BACKSLASH) throw syntaxError(c, "in string literal");
    j = scanEscape(b, j, end, mode);
  }
}

function scanDigitsAfter(
  b: Uint8Array,
  j: number,
  end: number,
  mode: Mode,
  context: string,
): number {
  if (j >= end) throw eofError(mode, context);
  if (!isDigit(b[j]!)) throw syntaxError(b[j]!, context);
  while (j < end && isDigit(b[j]!)) j++;
  return j;
}

function scanNumber(b: Uint8Array, i: number, end: number, mode: Mode): number {
  let j = i;
  if (b[j] === MINUS) {
    j++;
    if (j >= end) throw eofError(mode, "in numeric literal");
    if (!isDigit(b[j]!)) throw syntaxError(b[j]!, "in numeric literal");
  }
  if (b[j] === ZERO) j++;
  else while (j < end && isDigit(b[j]!)) j++;
  if (j < end && b[j] === DOT) {
    j = scanDigitsAfter(b, j + 1, end, mode, "after decimal point in numeric literal");
  }
  if (j < end && (b[j] === 0x65 || b[j] === 0x45)) {
    j++;
    if (j < end && (b[j] === PLUS || b[j] === MINUS)) j++;
    j = scanDigitsAfter(b, j, end, mode, "in exponent of numeric literal");
  }
  return j;
}

function scanLiteral(b: Uint8Array, i: number, end: number, mode: Mode, word: string): number {
  for (let k = 1; k < word.length; k++) {
    if (i + k < end && b[i + k] === word.charCodeAt(k)) continue;
    const context = `in literal ${word} (expecting '${word[k]}')`;
    throw i + k >= end ? eofError(mode, context) : syntaxError(b[i + k]!, context);
  }
  return i + word.length;
}

/** Scans a string, number or literal starting with `c` at `i`; returns the index after it. */
function scanScalar(b: Uint8Array, i: number, end: number, mode: Mode): number {
  const c = b[i]!;
  if (c === QUOTE) return scanString(b, i, end, mode);
  if (c === MINUS || isDigit(c)) return scanNumber(b, i, end, mode);
  if (c === 0x74) return scanLiteral(b, i, end, mode, "true");
  if (c === 0x66) return scanLiteral(b, i, end, mode, "false");
  if (c === 0x6e) return scanLiteral(b, i, end, mode, "null");
  throw syntaxError(c, "looking for beginning of value");
}

/** Scans `"key" :` starting at `i`; returns the index of the member's value. */
function scanKey(b: Uint8Array, i: number, end: number, mode: Mode): number {
  if (i >= end) throw eofError(mode, null);
  if (b[i] !== QUOTE) throw syntaxError(b[i]!, "looking for beginning of object key string");
  i = skipSpace(b, scanString(b, i, end, mode), end);
  if (i >= end) throw eofError(mode, null);
  if (b[i] !== COLON) throw syntaxError(b[i]!, "after object key");
  return skipSpace(b, i + 1, end);
}

/** Scans one value starting at non-whitespace `i`; returns the index after it. */
function scan(b: Uint8Array, i: number, end: number, mode: Mode): number {
  const stack: number[] = [];
  for (;;) {
    // A value starts at i.
    if (i >= end) throw eofError(mode, null);
    const c = b[i]!;
    if (c === LBRACE || c === LBRACKET) {
      if (stack.length >= JSON_NESTING_MAX) throw syntaxError(c, "exceeded max depth");
      stack.push(c);
      i = skipSpace(b, i + 1, end);
      if (i >= end) throw eofError(mode, null);
      if (b[i] !== (c === LBRACE ? RBRACE : RBRACKET)) {
        if (c === LBRACE) i = scanKey(b, i, end, mode);
        continue;
      }
      stack.pop();
      i++;
    } else {
      i = scanScalar(b, i, end, mode);
    }
    // After a value: close containers until one expects another value.
    for (;;) {
      if (stack.length === 0) return i;
      i = skipSpace(b, i, end);
      if (i >= end) throw eofError(mode, null);
      const next = b[i]!;
      const inObject = stack[stack.length - 1] === LBRACE;
      if (next === COMMA) {
        i = skipSpace(b, i + 1, end);
        if (inObject) i = scanKey(b, i, end, mode);
        break;
      }
      if (next !== (inObject ? RBRACE : RBRACKET)) {
        throw syntaxError(next, inObject ? "after object key:value pair" : "after array element");
      }
      stack.pop();
      i++;
    }
  }
}

/**
 * Scans the first JSON value of `b[start:end]` as Go's `json.Decoder`
 * does. Returns the index just after the value, or -1 when the input holds
 * only whitespace. Throws an invalid-argument {@linkcode EtcdError} with
 * Go's message for bad or cut input. Bytes after the value are not read.
 */
export function scanValue(b: Uint8Array, start = 0, end = b.length): number {
  const i = skipSpace(b, start, end);
  if (i >= end) return -1;
  return scan(b, i, end, STREAM);
}

/**
 * Checks that `b[start:end]` is exactly one JSON value (with whitespace
 * around it) as Go's `json.Unmarshal` does, throwing Go's message if not.
 */
export function checkValid(b: Uint8Array, start: number, end: number): void {
  const i = skipSpace(b, start, end);
  const after = skipSpace(b, scan(b, i, end, WHOLE), end);
  if (after < end) throw syntaxError(b[after]!, "after top-level value");
}

// ---- walking text the scanner accepted ------------------------------------------

/** The index after the (valid) string literal whose opening quote is at `i`. */
export function stringEnd(b: Uint8Array, i: number): number {
  let q = i;
  for (;;) {
    q = b.indexOf(QUOTE, q + 1);
    if (q < 0) return b.length; // not reached on text the scanner accepted
    // A quote is escaped when an odd number of backslashes precede it.
    let slashes = 0;
    while (b[q - 1 - slashes] === BACKSLASH) slashes++;
    if (slashes % 2 === 0) return q + 1;
  }
}

/** The index after the (valid) value starting at `i`. */
export function valueEnd(b: Uint8Array, i: number, end: number): number {
  const c = b[i]!;
  if (c === QUOTE) return stringEnd(b, i);
  if (c === LBRACE || c === LBRACKET) {
    let depth = 1;
    let j = i + 1;
    while (depth > 0 && j < end) {
      const d = b[j]!;
      if (d === QUOTE) {
        j = stringEnd(b, j);
        continue;
      }
      if (d === LBRACE || d === LBRACKET) depth++;
      else if (d === RBRACE || d === RBRACKET) depth--;
      j++;
    }
    return j;
  }
  if (c === 0x74 || c === 0x6e) return i + 4;
  if (c === 0x66) return i + 5;
  return numberEnd(b, i, end);
}

/** The index after the number starting at `i`. */
export function numberEnd(b: Uint8Array, i: number, end: number): number {
  let j = i + 1;
  while (j < end) {
    const c = b[j]!;
    if (!(isDigit(c) || c === DOT || c === MINUS || c === PLUS || c === 0x65 || c === 0x45)) break;
    j++;
  }
  return j;
}
