/**
 * Text the way Go prints it, for etcd's exact error messages and bodies:
 * - {@linkcode quoteChar}: a byte inside `encoding/json` syntax errors
 *   (`invalid character 'x' …`);
 * - {@linkcode goQuoteBytes}: `fmt`'s `%q` of a byte string (jsonpb's
 *   `unknown value "…" for enum …`);
 * - {@linkcode goJsonString}: a JSON string as `encoding/json` writes it
 *   (`<`, `>`, `&`, U+2028 and U+2029 escaped, lone surrogates as `\ufffd`).
 *
 * @module
 */

const HEX = "0123456789abcdef";
const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S}]$/u;

/** Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space. */
function isPrint(rune: number): boolean {
  if (rune < 0x80) return rune >= 0x20 && rune < 0x7f;
  return PRINTABLE.test(String.fromCodePoint(rune));
}

function hexDigits(value: number, digits: number): string {
  let out = "";
  for (let shift = (digits - 1) * 4; shift >= 0; shift -= 4) out += HEX[(value >> shift) & 0xf];
  return out;
}

/** One rune as `strconv.Quote` escapes it inside double quotes. */
function escapeRune(rune: number): string {
  if (rune === 0x22) return '\\"';
  if (rune === 0x5c) return "\\\\";
  if (isPrint(rune)) return String.fromCodePoint(rune);
  switch (rune) {
    case 0x07:
      return "\\a";
    case 0x08:
      return "\\b";
    case 0x0c:
      return "\\f";
    case 0x0a:
      return "\\n";
    case 0x0d:
      return "\\r";
    case 0x09:
      return "\\t";
    case 0x0b:
      return "\\v";
  }
  if (rune < 0x20 || rune === 0x7f) return "\\x" + hexDigits(rune, 2);
  if (rune < 0x10000) return "\\u" + hexDigits(rune, 4);
  return "\\U" + hexDigits(rune, 8);
}

/**
 * A byte as Go's `encoding/json` scanner quotes it in a syntax error: the
 * byte read as the rune U+0000–U+00FF, in single quotes (`'x'`, `'\x01'`,
 * `'ÿ'`, `'\''`, `'"'`).
 */
export function quoteChar(byte: number): string {
  if (byte === 0x27) return "'\\''";
  if (byte === 0x22) return "'\"'";
  return "'" + escapeRune(byte) + "'";
}

function isCont(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/**
 * Decodes one UTF-8 sequence at `i` as Go's `utf8.DecodeRune` does: the
 * rune and its width, or rune -1 and width 1 for an invalid byte.
 */
export function decodeRune(b: Uint8Array, i: number, end: number): [number, number] {
  const b0 = b[i]!;
  if (b0 < 0x80) return [b0, 1];
  const b1 = i + 1 < end ? b[i + 1] : undefined;
  if (b0 >= 0xc2 && b0 <= 0xdf) {
    return isCont(b1) ? [((b0 & 0x1f) << 6) | (b1! & 0x3f), 2] : [-1, 1];
  }
  const b2 = i + 2 < end ? b[i + 2] : undefined;
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const lo = b0 === 0xe0 ? 0xa0 : 0x80;
    const hi = b0 === 0xed ? 0x9f : 0xbf;
    if (b1 === undefined || b1 < lo || b1 > hi || !isCont(b2)) return [-1, 1];
    return [((b0 & 0x0f) << 12) | ((b1 & 0x3f) << 6) | (b2! & 0x3f), 3];
  }
  const b3 = i + 3 < end ? b[i + 3] : undefined;
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const lo = b0 === 0xf0 ? 0x90 : 0x80;
    const hi = b0 === 0xf4 ? 0x8f : 0xbf;
    if (b1 === undefined || b1 < lo || b1 > hi || !isCont(b2) || !isCont(b3)) return [-1, 1];
    const rune = ((b0 & 0x07) << 18) | ((b1 & 0x3f) << 12) | ((b2! & 0x3f) << 6) | (b3! & 0x3f);
    return [rune, 4];
  }
  return [-1, 1];
}

/** `fmt.Sprintf("%q", bytes[start:end])`: a double-quoted Go string literal. */
export function goQuoteBytes(b: Uint8Array, start: number, end: number): string {
  let out = '"';
  let i = start;
  while (i < end) {
    const [rune, width] = decodeRune(b, i, end);
    out += rune < 0 ? "\\x" + hexDigits(b[i]!, 2) : escapeRune(rune);
    i += width;
  }
  return out + '"';
}

// deno-lint-ignore no-control-regex
const NEEDS_ESCAPE = /[\u0000-\u001f"\\<>&\u2028\u2029\ud800-\udfff]/;

function escapeJsonChar(s: string, i: number): [string, number] {
  const code = s.charCodeAt(i);
  switch (code) {
    case 0x22:
      return ['\\"', 1];
    case 0x5c:
      return ["\\\\", 1];
    case 0x0a:
      return ["\\n", 1];
    case 0x0d:
      return ["\\r", 1];
    case 0x09:
      return ["\\t", 1];
  }
  if (code < 0x20 || code === 0x3c || code === 0x3e || code === 0x26) {
    return ["\\u00" + hexDigits(code, 2), 1];
  }
  if (code === 0x2028 || code === 0x2029) return ["\\u" + hexDigits(code, 4), 1];
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = s.charCodeAt(i + 1);
    if (next >= 0xdc00 && next <= 0xdfff) return [s.slice(i, i + 2), 2];
  }
  if (code >= 0xd800 && code <= 0xdfff) return ["\\ufffd", 1];
  return [s[i]!, 1];
}

/** `s` as a JSON string literal, escaped exactly as Go's `json.Marshal` escapes it. */
export function goJsonString(s: string): string {
  if (!NEEDS_ESCAPE.test(s)) return '"' + s + '"';
  let out = '"';
  let i = 0;
  while (i < s.length) {
    const [text, width] = escapeJsonChar(s, i);
    out += text;
    i += width;
  }
  return out + '"';
}
