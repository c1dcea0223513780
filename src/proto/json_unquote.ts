/**
 * JSON string literals to bytes or text, as Go's `encoding/json` unquotes
 * them: escapes resolved, a UTF-16 surrogate pair joined, a lone surrogate
 * and every byte of invalid UTF-8 replaced by U+FFFD.
 *
 * @module
 */

import { decodeRune } from "./json_go_text.ts";

const BACKSLASH = 0x5c;
const decoder = new TextDecoder();

function hexValue(c: number): number {
  if (c <= 0x39) return c - 0x30;
  return (c | 0x20) - 0x61 + 10;
}

function readU4(b: Uint8Array, i: number): number {
  return (hexValue(b[i]!) << 12) | (hexValue(b[i + 1]!) << 8) | (hexValue(b[i + 2]!) << 4) |
    hexValue(b[i + 3]!);
}

function writeRune(out: Uint8Array, o: number, rune: number): number {
  if (rune < 0x80) {
    out[o] = rune;
    return o + 1;
  }
  if (rune < 0x800) {
    out[o] = 0xc0 | (rune >> 6);
    out[o + 1] = 0x80 | (rune & 0x3f);
    return o + 2;
  }
  if (rune < 0x10000) {
    out[o] = 0xe0 | (rune >> 12);
    out[o + 1] = 0x80 | ((rune >> 6) & 0x3f);
    out[o + 2] = 0x80 | (rune & 0x3f);
    return o + 3;
  }
  out[o] = 0xf0 | (rune >> 18);
  out[o + 1] = 0x80 | ((rune >> 12) & 0x3f);
  out[o + 2] = 0x80 | ((rune >> 6) & 0x3f);
  out[o + 3] = 0x80 | (rune & 0x3f);
  return o + 4;
}

const SIMPLE_ESCAPES: Readonly<Record<number, number>> = {
  0x22: 0x22,
  0x5c: 0x5c,
  0x2f: 0x2f,
  0x62: 0x08,
  0x66: 0x0c,
  0x6e: 0x0a,
  0x72: 0x0d,
  0x74: 0x09,
};

/** Resolves the escape at `i` (a backslash) into `out` at `o`; returns [next i, next o]. */
function unescapeAt(b: Uint8Array, i: number, out: Uint8Array, o: number): [number, number] {
  const c = b[i + 1]!;
  if (c !== 0x75) return [i + 2, writeRune(out, o, SIMPLE_ESCAPES[c]!)];
  let rune = readU4(b, i + 2);
  let next = i + 6;
  if (rune >= 0xd800 && rune < 0xe000) {
    const low = b[next] === BACKSLASH && b[next + 1] === 0x75 ? readU4(b, next + 2) : -1;
    if (rune < 0xdc00 && low >= 0xdc00 && low < 0xe000) {
      rune = 0x10000 + ((rune - 0xd800) << 10) + (low - 0xdc00);
      next += 6;
    } else {
      rune = 0xfffd;
    }
  }
  return [next, writeRune(out, o, rune)];
}

/** Whether `b[start:end]` needs no unquoting (plain ASCII, no escapes). */
function isPlain(b: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = b[i]!;
    if (c === BACKSLASH || c >= 0x80) return false;
  }
  return true;
}

/**
 * The bytes of the JSON string whose contents are `b[start:end]` for a
 * bytes field: without escapes, the raw bytes themselves (invalid UTF-8
 * left as it is: base64 stops at its first non-ASCII byte either way).
 */
export function unescapeBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  const raw = b.subarray(start, end);
  return raw.indexOf(BACKSLASH) < 0 ? raw : unquoteBytes(b, start, end);
}

/**
 * The bytes of the JSON string whose contents (between the quotes, already
 * validated by the scanner) are `b[start:end]`.
 */
export function unquoteBytes(b: Uint8Array, start: number, end: number): Uint8Array {
  if (isPlain(b, start, end)) return b.subarray(start, end);
  // Each input byte yields at most 3 output bytes (an invalid byte becomes U+FFFD).
  const out = new Uint8Array((end - start) * 3);
  let o = 0;
  let i = start;
  while (i < end) {
    const c = b[i]!;
    if (c === BACKSLASH) {
      [i, o] = unescapeAt(b, i, out, o);
    } else if (c < 0x80) {
      out[o++] = c;
      i++;
    } else {
      const [rune, width] = decodeRune(b, i, end);
      if (rune < 0) o = writeRune(out, o, 0xfffd);
      else for (let k = 0; k < width; k++) out[o++] = b[i + k]!;
      i += width;
    }
  }
  return out.subarray(0, o);
}

/** The text of the JSON string whose contents are `b[start:end]`. */
export function unquoteString(b: Uint8Array, start: number, end: number): string {
  if (end - start <= 32 && isPlain(b, start, end)) {
    let s = "";
    for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  return decoder.decode(unquoteBytes(b, start, end));
}

/** The raw bytes `b[start:end]` read one char per byte (for ASCII tokens). */
export function latin1(b: Uint8Array, start: number, end: number): string {
  let s = "";
  for (let i = start; i < end; i++) s += String.fromCharCode(b[i]!);
  return s;
}
