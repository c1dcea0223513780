/**
 * Table-driven CRC-32 in two flavours, computed 8 bytes at a time
 * (slicing-by-8): CRC-32C (Castagnoli), as etcd's WAL uses, and CRC-32
 * (IEEE 802.3, zlib's). Both chain: `crc(b, crc(a))` equals `crc(a ++ b)`,
 * and the `…Range` forms work on a range of a buffer, so callers make no
 * subarray per record.
 *
 * CRC-32 here is the portable reference: the server checksums snapshots
 * with the runtime's native CRC-32, which gives the same values about
 * twenty times faster (see `storage/native_crc32.ts`); code in the pure
 * zone takes it as a {@linkcode ChecksumRange}.
 *
 * @module
 */

/** A CRC of `bytes[from, to)` continuing from `previous` (0 to start). */
export type ChecksumRange = (
  bytes: Uint8Array,
  from: number,
  to: number,
  previous: number,
) => number;

/** The eight 256-entry tables of a reflected polynomial, one after another. */
function slicingTables(polynomial: number): Uint32Array {
  const tables = new Uint32Array(8 * 256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ polynomial : crc >>> 1;
    tables[i] = crc >>> 0;
  }
  for (let i = 0; i < 256; i++) {
    for (let k = 1; k < 8; k++) {
      const previous = tables[(k - 1) * 256 + i]!;
      tables[k * 256 + i] = ((previous >>> 8) ^ tables[previous & 0xff]!) >>> 0;
    }
  }
  return tables;
}

/** Slicing-by-8 over `t` (from {@linkcode slicingTables}). */
function slicingBy8(
  t: Uint32Array,
  bytes: Uint8Array,
  from: number,
  to: number,
  previous: number,
): number {
  let crc = ~previous >>> 0;
  let i = from;
  for (const end8 = to - 7; i < end8; i += 8) {
    const one = crc ^
      (bytes[i]! | (bytes[i + 1]! << 8) | (bytes[i + 2]! << 16) | (bytes[i + 3]! << 24));
    const two = bytes[i + 4]! | (bytes[i + 5]! << 8) | (bytes[i + 6]! << 16) |
      (bytes[i + 7]! << 24);
    crc = t[1792 + (one & 0xff)]! ^ t[1536 + ((one >>> 8) & 0xff)]! ^
      t[1280 + ((one >>> 16) & 0xff)]! ^ t[1024 + (one >>> 24)]! ^
      t[768 + (two & 0xff)]! ^ t[512 + ((two >>> 8) & 0xff)]! ^
      t[256 + ((two >>> 16) & 0xff)]! ^ t[two >>> 24]!;
  }
  for (; i < to; i++) crc = t[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return ~crc >>> 0;
}

const CASTAGNOLI = slicingTables(0x82f63b78);
const IEEE = slicingTables(0xedb88320);

/** The CRC-32C of `bytes[from, to)`, continuing from `previous` (0 to start). */
export function crc32cRange(bytes: Uint8Array, from: number, to: number, previous: number): number {
  return slicingBy8(CASTAGNOLI, bytes, from, to, previous);
}

/** The CRC-32C of the single byte `byte`, continuing from `previous`. */
export function crc32cByte(byte: number, previous: number): number {
  const crc = ~previous >>> 0;
  return ~(CASTAGNOLI[(crc ^ byte) & 0xff]! ^ (crc >>> 8)) >>> 0;
}

/** The CRC-32C of `bytes`, continuing from `previous` (0 to start). */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  return slicingBy8(CASTAGNOLI, bytes, 0, bytes.length, previous);
}

/** The CRC-32 (IEEE) of `bytes[from, to)`, continuing from `previous` (0 to start). */
export function crc32Range(bytes: Uint8Array, from: number, to: number, previous: number): number {
  return slicingBy8(IEEE, bytes, from, to, previous);
}
