/**
 * Byte-string helpers: equality, all zeros, lexicographic order, etcd's
 * prefix end, UTF-8 and hex.
 *
 * @module
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Whether `a` and `b` hold the same bytes. */
export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) return false;
  }
  return true;
}

/** Whether `bytes[from, to)` are all zero. */
export function isZeroBytes(bytes: Uint8Array, from = 0, to = bytes.length): boolean {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== 0) return false;
  }
  return true;
}

/**
 * Compares `a` and `b` lexicographically as unsigned bytes (a proper prefix
 * sorts first). Returns -1, 0 or 1.
 */
export function compareBytes(a: Uint8Array, b: Uint8Array): -1 | 0 | 1 {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  if (a.length === b.length) return 0;
  return a.length < b.length ? -1 : 1;
}

/**
 * The smallest key greater than every key starting with `key` (etcd's
 * `getPrefix`): drops trailing 0xff bytes and increments the last remaining
 * byte. When no such key exists (empty or all 0xff), returns `[0]`, which
 * etcd reads as "to the end of the keyspace".
 */
export function prefixEnd(key: Uint8Array): Uint8Array {
  for (let i = key.length - 1; i >= 0; i--) {
    const byte = key[i]!;
    if (byte < 0xff) {
      const end = key.slice(0, i + 1);
      end[i] = byte + 1;
      return end;
    }
  }
  return new Uint8Array([0]);
}

/** Encodes `text` as UTF-8. */
export function utf8Encode(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Decodes UTF-8 `bytes` (invalid sequences become U+FFFD). */
export function utf8Decode(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Lower-case hex of `bytes`, two digits per byte. */
export function hex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}
