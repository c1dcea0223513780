/**
 * Keys as "binary strings": one UTF-16 code unit (0–255) per byte. JS string
 * order then equals etcd's unsigned byte order (a proper prefix sorts first),
 * and the strings key a `Map` directly.
 *
 * @module
 */

/** Bytes per `String.fromCharCode.apply` call (keeps the argument list well under stack limits). */
const APPLY_CHUNK_BYTES = 8192;

/** The binary string of `bytes`: code unit i is byte i. */
export function keyToString(bytes: Uint8Array): string {
  const length = bytes.length;
  if (length <= APPLY_CHUNK_BYTES) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  let out = "";
  for (let from = 0; from < length; from += APPLY_CHUNK_BYTES) {
    const part = bytes.subarray(from, Math.min(length, from + APPLY_CHUNK_BYTES));
    out += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

/** The bytes of a binary string made by {@linkcode keyToString}. */
export function stringToKey(key: string): Uint8Array {
  const length = key.length;
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = key.charCodeAt(i);
  return out;
}

/**
 * The end of a key range as etcd reads a request's `range_end`
 * (`mkGteRange`): `null` for an empty end (the single key), `""` for `[0]`
 * (no upper bound), otherwise the end's binary string (exclusive).
 */
export function rangeEndString(rangeEnd: Uint8Array): string | null {
  if (rangeEnd.length === 0) return null;
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return "";
  return keyToString(rangeEnd);
}

/** Whether `key` lies before the exclusive range end `end` (`""` = no upper bound). */
export function beforeEnd(key: string, end: string): boolean {
  return end === "" || key < end;
}
