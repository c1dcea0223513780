/**
 * Standard padded base64 as etcd's gateway reads and writes bytes fields.
 * Decoding follows Go's `base64.StdEncoding.Decode` (what `encoding/json`
 * uses for `[]byte`): `\r` and `\n` are skipped anywhere, padding is
 * required, bits after the last byte are not checked, and a bad input
 * fails with Go's `illegal base64 data at input byte N`.
 *
 * @module
 */

import { type EtcdError, invalidArgument } from "./errors.ts";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DECODE = new Int16Array(256).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET.charCodeAt(i)] = i;

const PAD = 0x3d;
const LF = 0x0a;
const CR = 0x0d;
const EMPTY = new Uint8Array(0);

/** Go's `base64.CorruptInputError`. */
function corrupt(offset: number): EtcdError {
  return invalidArgument(`illegal base64 data at input byte ${offset}`);
}

function skipNewlines(src: Uint8Array, si: number, end: number): number {
  while (si < end && (src[si] === LF || src[si] === CR)) si++;
  return si;
}

/**
 * Reads the padding of a final quantum whose first `=` (after `j` sextets)
 * was just consumed; `si` is the index after it. Throws unless only
 * padding and newlines remain.
 */
function finishPadding(src: Uint8Array, si: number, end: number, start: number, j: number): void {
  if (j < 2) throw corrupt(si - 1 - start);
  if (j === 2) {
    si = skipNewlines(src, si, end);
    if (si === end) throw corrupt(end - start);
    if (src[si] !== PAD) throw corrupt(si - 1 - start);
    si++;
  }
  si = skipNewlines(src, si, end);
  if (si < end) throw corrupt(si - start);
}

/**
 * Decodes one quantum (four sextets, newlines skipped, maybe padded) at
 * `si` into `out` at `di`. Returns the next source index and the number of
 * bytes written.
 */
function decodeQuantum(
  src: Uint8Array,
  si: number,
  end: number,
  start: number,
  out: Uint8Array,
  di: number,
): [number, number] {
  const sextets = [0, 0, 0, 0];
  let j = 0;
  while (j < 4) {
    if (si === end) {
      if (j === 0) return [si, 0];
      throw corrupt(si - j - start);
    }
    const c = src[si++]!;
    const value = DECODE[c]!;
    if (value >= 0) {
      sextets[j++] = value;
    } else if (c !== LF && c !== CR) {
      if (c !== PAD) throw corrupt(si - 1 - start);
      finishPadding(src, si, end, start, j);
      si = end;
      break;
    }
  }
  const bits = (sextets[0]! << 18) | (sextets[1]! << 12) | (sextets[2]! << 6) | sextets[3]!;
  out[di] = bits >>> 16;
  if (j > 2) out[di + 1] = (bits >>> 8) & 0xff;
  if (j > 3) out[di + 2] = bits & 0xff;
  return [si, j - 1];
}

const ascii = new TextDecoder();

/** Below this many characters the JS loop beats converting to a string for the native decoder. */
const NATIVE_MIN_CHARS = 256;

/**
 * The native decoder, for long texts Go would read the same way: a length
 * that is a multiple of 4 and no whitespace (the native decoder skips more
 * whitespace than Go, and needs no padding). Whitespace shows as a shorter
 * result than the length implies. Returns undefined when the text does not
 * qualify or is invalid: the JS decoder then finds Go's exact error.
 */
function decodeNative(src: Uint8Array, start: number, end: number): Uint8Array | undefined {
  const length = end - start;
  if (length < NATIVE_MIN_CHARS || length % 4 !== 0) return undefined;
  const padding = src[end - 1] !== PAD ? 0 : src[end - 2] !== PAD ? 1 : 2;
  try {
    const out = Uint8Array.fromBase64(ascii.decode(src.subarray(start, end)), {
      lastChunkHandling: "loose",
    });
    return out.length === (length / 4) * 3 - padding ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Decodes the base64 text `src[start:end]` (the bytes of an unescaped JSON
 * string) as Go does; throws an invalid-argument {@linkcode EtcdError}
 * with Go's message on bad input.
 */
export function decodeBase64(src: Uint8Array, start = 0, end = src.length): Uint8Array {
  if (end === start) return EMPTY;
  const native = decodeNative(src, start, end);
  if (native !== undefined) return native;
  const out = new Uint8Array(Math.floor((end - start) / 4) * 3 + 3);
  let si = start;
  let di = 0;
  while (si < end) {
    if (end - si >= 4) {
      const a = DECODE[src[si]!]!;
      const b = DECODE[src[si + 1]!]!;
      const c = DECODE[src[si + 2]!]!;
      const d = DECODE[src[si + 3]!]!;
      if ((a | b | c | d) >= 0) {
        const bits = (a << 18) | (b << 12) | (c << 6) | d;
        out[di] = bits >>> 16;
        out[di + 1] = (bits >>> 8) & 0xff;
        out[di + 2] = bits & 0xff;
        si += 4;
        di += 3;
        continue;
      }
    }
    const [next, written] = decodeQuantum(src, si, end, start, out, di);
    si = next;
    di += written;
  }
  return out.subarray(0, di);
}

/** `bytes` as standard padded base64. */
export function encodeBase64(bytes: Uint8Array): string {
  return bytes.toBase64();
}
