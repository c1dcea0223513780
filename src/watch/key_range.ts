/**
 * The key space a watcher watches, as etcd's watch server reads a create
 * request: an empty key is `\0` (the smallest key); an empty range end
 * watches the single key; a range end of `\0` watches every key from the
 * key on; otherwise `[key, end)`, which must not be empty.
 *
 * Keys are "binary strings" (one UTF-16 code unit 0–255 per byte), so JS
 * string order is etcd's unsigned byte order.
 *
 * @module
 */

/** Bytes per `String.fromCharCode.apply` call. */
const APPLY_CHUNK_BYTES = 8192;

/** The binary string of `bytes`: code unit i is byte i. */
export function keyToString(bytes: Uint8Array): string {
  if (bytes.length <= APPLY_CHUNK_BYTES) {
    return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  let out = "";
  for (let from = 0; from < bytes.length; from += APPLY_CHUNK_BYTES) {
    const part = bytes.subarray(from, Math.min(bytes.length, from + APPLY_CHUNK_BYTES));
    out += String.fromCharCode.apply(null, part as unknown as number[]);
  }
  return out;
}

/** A watched key or range. */
export interface KeyRange {
  /** The key, or the first key of the range. */
  readonly key: string;
  /** `null`: the single key; `""`: no upper bound; otherwise the exclusive end. */
  readonly end: string | null;
}

/**
 * The range a create request names, or null when it is empty (etcd's
 * "mvcc: watcher range is empty": an end that is not after the key).
 */
export function keyRangeOf(key: Uint8Array, rangeEnd: Uint8Array): KeyRange | null {
  const start = key.length === 0 ? "\0" : keyToString(key);
  if (rangeEnd.length === 0) return { key: start, end: null };
  if (rangeEnd.length === 1 && rangeEnd[0] === 0) return { key: start, end: "" };
  const end = keyToString(rangeEnd);
  return start < end ? { key: start, end } : null;
}

/** Whether `range` holds `key`. */
export function rangeHolds(range: KeyRange, key: string): boolean {
  if (range.end === null) return key === range.key;
  return key >= range.key && (range.end === "" || key < range.end);
}
