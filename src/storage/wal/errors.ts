/**
 * The typed errors of the write-ahead log.
 *
 * @module
 */

/**
 * The WAL holds damage that a torn tail does not explain (a CRC mismatch,
 * damage in a segment other than the last, an index gap, a missing segment,
 * conflicting metadata). The member must refuse to start: `file` and
 * `offset` say where the damage was found.
 */
export class WalCorruptError extends Error {
  /** The error's name. */
  override name = "WalCorruptError";
  /** The segment file (its path) holding the damage. */
  readonly file: string;
  /** Byte offset in `file` of the damaged record (0 for damage to the file as a whole). */
  readonly offset: number;

  /**
   * Builds the error; the message names the file and offset.
   *
   * @param what what is wrong, e.g. "crc mismatch"
   * @param file the segment file
   * @param offset the damaged record's offset in `file`
   */
  constructor(what: string, file: string, offset: number) {
    super(`wal: ${what} in ${file} at offset ${offset}`);
    this.file = file;
    this.offset = offset;
  }
}

/**
 * The snapshot marker `Wal.open` was asked to start from is not in the WAL
 * (the snapshot was never recorded there, or its segments were released).
 */
export class WalSnapshotNotFoundError extends Error {
  /** The error's name. */
  override name = "WalSnapshotNotFoundError";
  /** The marker's index. */
  readonly index: number;
  /** The marker's term. */
  readonly term: number;

  /**
   * Builds the error for the marker (index, term).
   *
   * @param index the marker's index
   * @param term the marker's term
   * @param detail why, appended to the message
   */
  constructor(index: number, term: number, detail = "no such marker") {
    super(`wal: snapshot marker (index ${index}, term ${term}) not found: ${detail}`);
    this.index = index;
    this.term = term;
  }
}

/** A record to be saved is larger than the WAL's record limit; nothing was written. */
export class WalRecordTooLargeError extends RangeError {
  /** The error's name. */
  override name = "WalRecordTooLargeError";
  /** The record's size: type, CRC, data and padding. */
  readonly recordBytes: number;
  /** The limit it exceeds. */
  readonly recordBytesMax: number;

  /**
   * Builds the error for a record of `recordBytes` over `recordBytesMax`.
   *
   * @param recordBytes the record's size
   * @param recordBytesMax the limit
   */
  constructor(recordBytes: number, recordBytesMax: number) {
    super(`wal: cannot save a record of ${recordBytes} bytes: the limit is ${recordBytesMax}`);
    this.recordBytes = recordBytes;
    this.recordBytesMax = recordBytesMax;
  }
}
