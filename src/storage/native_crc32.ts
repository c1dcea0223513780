/**
 * CRC-32 (IEEE) by the runtime's native zlib: the same values as the
 * portable {@linkcode crc32Range} in `util/crc.ts`, about twenty times
 * faster (80 MB in about 4 ms rather than 80). Snapshots, tens of MB, are
 * checksummed with it.
 *
 * @module
 */

import { crc32 } from "node:zlib";
import type { ChecksumRange } from "../util/crc.ts";

/** The CRC-32 of `bytes[from, to)`, continuing from `previous` (0 to start). */
export const nativeCrc32Range: ChecksumRange = (bytes, from, to, previous) =>
  crc32(from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to), previous);
