/**
 * Encodes WAL records into frames, chaining the CRC: each record's CRC-32C
 * covers its type byte and data, continuing from the previous record's CRC.
 * A crc record carries the running CRC itself and leaves it unchanged, so a
 * new segment can continue the chain of the one before it.
 *
 * @module
 */

import { assert } from "../../util/assert.ts";
import { crc32cByte, crc32cRange } from "../../util/crc.ts";
import { WalRecordTooLargeError } from "./errors.ts";
import {
  frameBytes,
  LENGTH_WORD_BYTES,
  paddingBytes,
  RECORD_HEADER_BYTES,
  RECORD_TYPE_CODES,
  recordDataBytes,
  type WalRecord,
  writeLengthWord,
  writeRecordData,
} from "./record.ts";

/** Frames and the running CRC after them. */
export interface EncodedRecords {
  readonly bytes: Uint8Array;
  readonly crc: number;
}

/**
 * Bytes `records` take once framed. Throws {@linkcode WalRecordTooLargeError}
 * when one record (type, CRC, data, padding) exceeds `recordBytesMax`.
 */
export function encodedBytes(records: readonly WalRecord[], recordBytesMax: number): number {
  let total = 0;
  for (const record of records) {
    const frame = frameBytes(recordDataBytes(record));
    if (frame - LENGTH_WORD_BYTES > recordBytesMax) {
      throw new WalRecordTooLargeError(frame - LENGTH_WORD_BYTES, recordBytesMax);
    }
    total += frame;
  }
  return total;
}

/** Encodes `records` as consecutive frames, chaining the CRC from `previousCrc`. */
export function encodeRecords(records: readonly WalRecord[], previousCrc: number): EncodedRecords {
  let total = 0;
  for (const record of records) total += frameBytes(recordDataBytes(record));
  const bytes = new Uint8Array(total);
  const view = new DataView(bytes.buffer);
  let crc = previousCrc >>> 0;
  let at = 0;
  for (const record of records) {
    const dataBytes = recordDataBytes(record);
    const recordBytes = RECORD_HEADER_BYTES + dataBytes;
    writeLengthWord(view, at, recordBytes);
    const typeAt = at + LENGTH_WORD_BYTES;
    const dataAt = typeAt + RECORD_HEADER_BYTES;
    const code = RECORD_TYPE_CODES[record.type];
    bytes[typeAt] = code;
    writeRecordData(record, bytes, view, dataAt);
    crc = record.type === "crc"
      ? record.crc >>> 0
      : crc32cRange(bytes, dataAt, dataAt + dataBytes, crc32cByte(code, crc));
    view.setUint32(typeAt + 1, crc);
    at += LENGTH_WORD_BYTES + recordBytes + paddingBytes(recordBytes);
  }
  assert(at === total, "wal: encoded frames fill the buffer exactly");
  return { bytes, crc };
}
