/**
 * CRC-32C (Castagnoli), as etcd's WAL uses, table-driven. `update` chains:
 * `crc32c(b, crc32c(a))` equals `crc32c(a ++ b)`.
 *
 * @module
 */

const POLYNOMIAL = 0x82f63b78; // reversed Castagnoli polynomial

const TABLE: Uint32Array = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let crc = i;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ POLYNOMIAL : crc >>> 1;
    table[i] = crc >>> 0;
  }
  return table;
})();

/** The CRC-32C of `bytes`, continuing from `previous` (0 to start). */
export function crc32c(bytes: Uint8Array, previous = 0): number {
  let crc = ~previous >>> 0;
  for (let i = 0; i < bytes.length; i++) {
    crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  }
  return ~crc >>> 0;
}
