/**
 * Decodes one WAL segment record by record, with etcd's rules for telling a
 * torn tail from corruption (`wal/decoder.go`):
 *
 * - a zero length word (preallocated space) or the end of the file at a
 *   frame boundary ends the data;
 * - a record cut short by the end of the file, or one whose CRC fails while
 *   one of the 512-byte sector pieces of its type, CRC and data is all zero,
 *   is torn (a write that reached the disk only in part). So is one whose
 *   bytes from some point inside it to the end of the file are all zero (a
 *   write torn inside a sector);
 * - torn counts only in the last segment; anything else, or any damage in
 *   another segment, is corruption.
 *
 * A length word is checked against the record limit and the file size before
 * anything is read for it, so a bad one never causes a large allocation.
 * Every step advances at least 8 bytes or ends, so decoding always finishes.
 *
 * @module
 */

import type { FileHandle } from "../fs.ts";
import { crc32cByte, crc32cRange } from "../../util/crc.ts";
import { isZeroBytes } from "../../util/bytes.ts";
import {
  dataBytesFit,
  decodeRecordData,
  LENGTH_WORD_BYTES,
  readLengthWord,
  RECORD_HEADER_BYTES,
  recordTypeOf,
  type WalRecord,
} from "./record.ts";

/** Size of the disk sectors a write may tear between. */
export const SECTOR_BYTES = 512;

const WINDOW_BYTES_DEFAULT = 1024 * 1024;
const SCAN_BYTES = 64 * 1024;

/** Random access to a segment's bytes. */
export interface ByteSource {
  /** The segment's size in bytes. */
  readonly size: number;
  /** Up to `length` bytes at `offset`: fewer only past the end. The result may be a view. */
  read(offset: number, length: number): Uint8Array;
}

/** A source over bytes in memory. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.length,
    read: (offset, length) => bytes.subarray(offset, Math.min(bytes.length, offset + length)),
  };
}

/**
 * A source over an open file that reads it in windows of `windowBytes`, so
 * small records cost one read per window; a larger request is read on its own.
 */
export function fileSource(handle: FileHandle, windowBytes = WINDOW_BYTES_DEFAULT): ByteSource {
  const size = handle.size();
  let windowStart = 0;
  let window: Uint8Array = new Uint8Array(0);
  return {
    size,
    read(offset, length) {
      const end = Math.min(size, offset + length);
      if (offset >= windowStart && end <= windowStart + window.length) {
        return window.subarray(offset - windowStart, end - windowStart);
      }
      if (end - offset > windowBytes) return handle.readAt(offset, end - offset);
      windowStart = offset;
      window = handle.readAt(offset, Math.min(windowBytes, size - offset));
      return window.subarray(0, Math.min(window.length, end - offset));
    },
  };
}

/** What one decoding step found. */
export type DecodeStep =
  | { readonly kind: "record"; readonly record: WalRecord; readonly offset: number }
  | { readonly kind: "end"; readonly offset: number }
  | { readonly kind: "torn"; readonly offset: number; readonly reason: string }
  | { readonly kind: "corrupt"; readonly offset: number; readonly reason: string };

/** How to decode a segment. */
export interface SegmentDecoderOptions {
  /** The running CRC the segment continues (the previous segment's), or null if unknown. */
  readonly crc: number | null;
  /** Whether this is the WAL's last segment, where a torn tail ends the data. */
  readonly isLast: boolean;
  /** Largest record (type, CRC, data, padding) a length word may claim. */
  readonly recordBytesMax: number;
}

/** Where a damaged frame lies, for the torn-tail rules. */
interface Damage {
  readonly offset: number;
  readonly reason: string;
  /** The frame runs past the end of the file. */
  readonly cutShort: boolean;
  /** End of the bytes the CRC covers (or of the length word when it is bad). */
  readonly coveredEnd: number;
  /** The CRC-covered bytes, when the length word was good. */
  readonly covered: Uint8Array | null;
}

/**
 * Decodes the records of one segment in order. The first record must be a
 * crc record and the second a metadata record; neither may appear again.
 */
export class SegmentDecoder {
  readonly #source: ByteSource;
  readonly #isLast: boolean;
  readonly #recordBytesMax: number;
  #crc: number | null;
  #offset = 0;
  #count = 0;
  #final: DecodeStep | null = null;

  /**
   * @param source the segment's bytes
   * @param options the running CRC, whether the segment is the last, the record limit
   */
  constructor(source: ByteSource, options: SegmentDecoderOptions) {
    this.#source = source;
    this.#crc = options.crc;
    this.#isLast = options.isLast;
    this.#recordBytesMax = options.recordBytesMax;
  }

  /** The running CRC after the last good record (null if none was read yet and none was given). */
  get crc(): number | null {
    return this.#crc;
  }

  /** The end of the last good record: where the next one would go. */
  get offset(): number {
    return this.#offset;
  }

  /** Good records decoded so far. */
  get recordCount(): number {
    return this.#count;
  }

  /** The next record, or how the data ended. After an end, repeats it. */
  next(): DecodeStep {
    if (this.#final !== null) return this.#final;
    const step = this.#step();
    if (step.kind !== "record") this.#final = step;
    return step;
  }

  #step(): DecodeStep {
    const at = this.#offset;
    const size = this.#source.size;
    if (at === size) return { kind: "end", offset: at };
    const head = this.#source.read(at, LENGTH_WORD_BYTES);
    if (head.length < LENGTH_WORD_BYTES) {
      // Zeros too few for a length word are preallocated space all the same.
      return isZeroBytes(head, 0, head.length) ? { kind: "end", offset: at } : this.#cutShort(at);
    }
    const word = readLengthWord(new DataView(head.buffer, head.byteOffset, 8), 0);
    if (word === 0) return { kind: "end", offset: at };
    const wordEnd = at + LENGTH_WORD_BYTES;
    if (word === null) return this.#damaged(badWord(at, "bad length word"));
    const bodyBytes = word.recordBytes + word.paddingBytes;
    if (bodyBytes > this.#recordBytesMax) {
      const reason = `record of ${bodyBytes} bytes over the limit of ${this.#recordBytesMax}`;
      return this.#damaged(badWord(at, reason));
    }
    if (bodyBytes > size - wordEnd) return this.#cutShort(at);
    const body = this.#source.read(wordEnd, bodyBytes);
    if (body.length < bodyBytes) return this.#cutShort(at);
    return this.#record(at, body, word.recordBytes);
  }

  #record(at: number, body: Uint8Array, recordBytes: number): DecodeStep {
    const covered = body.subarray(0, recordBytes);
    const damage = (reason: string): Damage => ({
      offset: at,
      reason,
      cutShort: false,
      coveredEnd: at + LENGTH_WORD_BYTES + recordBytes,
      covered,
    });
    const code = body[0]!;
    const crcField = new DataView(body.buffer, body.byteOffset + 1, 4).getUint32(0);
    const data = covered.subarray(RECORD_HEADER_BYTES);
    const type = recordTypeOf(code);
    if (type !== undefined && !dataBytesFit(type, data.length)) {
      // A torn write never changes a length word nor turns a type byte into another
      // type, so a length that does not fit the type is damage, even in the last segment.
      return corrupt(at, `${type} record with ${data.length} bytes of data`);
    }
    const crc = type === "crc"
      ? crcField
      : crc32cRange(covered, RECORD_HEADER_BYTES, recordBytes, crc32cByte(code, this.#crc ?? 0));
    const intact = type === "crc" ? this.#crc === null || crcField === this.#crc : crc === crcField;
    if (!intact) return this.#damaged(damage("crc mismatch"));
    if (!isZeroBytes(body, recordBytes, body.length)) {
      return this.#damaged(damage("nonzero padding"));
    }
    if (type === undefined) return corrupt(at, `unknown record type ${code}`);
    const misplaced = this.#misplaced(type);
    if (misplaced !== null) return corrupt(at, misplaced);
    const record = decodeRecordData(type, data, crcField);
    if (typeof record === "string") return corrupt(at, record);
    this.#crc = crc;
    this.#offset = at + LENGTH_WORD_BYTES + body.length;
    this.#count++;
    return { kind: "record", record, offset: at };
  }

  /** Why a record of `type` may not stand at this position, or null. */
  #misplaced(type: string): string | null {
    if (this.#count === 0 && type !== "crc") return `segment starts with a ${type} record`;
    if (this.#count === 1 && type !== "metadata") return `${type} record where metadata belongs`;
    if (this.#count > 0 && type === "crc") return "crc record after the start of the segment";
    if (this.#count > 1 && type === "metadata") return "metadata record after the segment header";
    return null;
  }

  #cutShort(at: number): DecodeStep {
    const reason = "record cut short by the end of the file";
    return this.#damaged({ offset: at, reason, cutShort: true, coveredEnd: at, covered: null });
  }

  /**
   * Whether every byte after the last good record is zero (preallocated
   * space). Reads the rest of the segment in bounded pieces.
   */
  restIsZero(): boolean {
    return this.#zeroToEnd(this.#offset);
  }

  /** Torn if the segment is the last and a torn write explains the damage; else corrupt. */
  #damaged(damage: Damage): DecodeStep {
    if (!this.#isLast) return corrupt(damage.offset, damage.reason);
    if (damage.cutShort) return torn(damage);
    const contentAt = damage.offset + LENGTH_WORD_BYTES;
    if (damage.covered !== null && hasZeroSector(damage.covered, contentAt)) return torn(damage);
    if (this.#zeroToEnd(damage.coveredEnd - 1)) return torn(damage);
    return corrupt(damage.offset, damage.reason);
  }

  /** Whether every byte from `from` to the end of the file is zero (read in bounded pieces). */
  #zeroToEnd(from: number): boolean {
    const size = this.#source.size;
    for (let at = from; at < size; at += SCAN_BYTES) {
      const piece = this.#source.read(at, Math.min(SCAN_BYTES, size - at));
      if (piece.length === 0 || !isZeroBytes(piece, 0, piece.length)) return piece.length === 0;
    }
    return true;
  }
}

function badWord(at: number, reason: string): Damage {
  return { offset: at, reason, cutShort: false, coveredEnd: at + LENGTH_WORD_BYTES, covered: null };
}

function torn(damage: Damage): DecodeStep {
  return { kind: "torn", offset: damage.offset, reason: damage.reason };
}

function corrupt(offset: number, reason: string): DecodeStep {
  return { kind: "corrupt", offset, reason };
}

/**
 * Whether one of the pieces `bytes` (starting at file offset `fileOffset`)
 * splits into at the disk's sector boundaries is all zero: a sector the
 * write never reached.
 */
export function hasZeroSector(bytes: Uint8Array, fileOffset: number): boolean {
  let start = 0;
  while (start < bytes.length) {
    const piece = Math.min(
      SECTOR_BYTES - ((fileOffset + start) % SECTOR_BYTES),
      bytes.length - start,
    );
    if (isZeroBytes(bytes, start, start + piece)) return true;
    start += piece;
  }
  return false;
}
