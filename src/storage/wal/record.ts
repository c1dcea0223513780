/**
 * WAL records and their binary form, in etcd's shape (`wal/walpb`,
 * `encoder.go`): each record is framed by an 8-byte little-endian length
 * word whose low 56 bits give the record's size and whose top byte holds the
 * padding length (with its high bit set) that keeps every frame 8-byte
 * aligned. The record is a type byte, a CRC-32C and the data. Payloads are
 * big-endian:
 *
 * | type | data |
 * | --- | --- |
 * | metadata | memberId u64, clusterId u64 |
 * | entry | term u64, index u64, type u8 (0 normal, 1 confChange), data |
 * | state | term u64, vote u64, commit u64 |
 * | crc | (none: the CRC field carries the running CRC) |
 * | snapshot | index u64, term u64 |
 *
 * @module
 */

import { assert } from "../../util/assert.ts";
import type { Entry, EntryType, HardState } from "../../raft/types.ts";

/** Who wrote a WAL: every segment repeats it and all must agree. */
export interface WalMetadata {
  /** The member's id. */
  readonly memberId: bigint;
  /** The cluster's id. */
  readonly clusterId: bigint;
}

/** Where a snapshot stands in the log: recorded in the WAL when the snapshot is saved. */
export interface WalSnapshotMarker {
  /** The snapshot's last included index. */
  readonly index: number;
  /** The term of that entry. */
  readonly term: number;
}

/** One WAL record, decoded. */
export type WalRecord =
  | { readonly type: "crc"; readonly crc: number }
  | { readonly type: "metadata"; readonly metadata: WalMetadata }
  | { readonly type: "entry"; readonly entry: Entry }
  | { readonly type: "state"; readonly hardState: HardState }
  | { readonly type: "snapshot"; readonly marker: WalSnapshotMarker };

/** The kinds of record. */
export type WalRecordType = WalRecord["type"];

/** The type byte of each kind of record (etcd's numbering). */
export const RECORD_TYPE_CODES: Readonly<Record<WalRecordType, number>> = Object.freeze({
  metadata: 1,
  entry: 2,
  state: 3,
  crc: 4,
  snapshot: 5,
});

const TYPES_BY_CODE: ReadonlyMap<number, WalRecordType> = new Map(
  Object.entries(RECORD_TYPE_CODES).map(([type, code]) => [code, type as WalRecordType]),
);

/** Size of the length word in front of every record. */
export const LENGTH_WORD_BYTES = 8;
/** Type byte plus CRC-32C, in front of the data. */
export const RECORD_HEADER_BYTES = 5;

const ENTRY_HEADER_BYTES = 17;
const STATE_BYTES = 24;
const MARKER_BYTES = 16;
const METADATA_BYTES = 16;
const TWO_POW_32 = 0x1_0000_0000;
const HIGH_WORD_SAFE_MAX = 0x1f_ffff; // the high 32 bits of Number.MAX_SAFE_INTEGER
const U64_MAX = (1n << 64n) - 1n;
const ENTRY_TYPE_CODES: Readonly<Record<EntryType, number>> = { normal: 0, confChange: 1 };

/** Bytes of padding after a record of `recordBytes` (type, CRC, data) to reach 8-byte alignment. */
export function paddingBytes(recordBytes: number): number {
  return (8 - (recordBytes % 8)) % 8;
}

/** Bytes a record with `dataBytes` of data takes on disk: length word, record, padding. */
export function frameBytes(dataBytes: number): number {
  const recordBytes = RECORD_HEADER_BYTES + dataBytes;
  return LENGTH_WORD_BYTES + recordBytes + paddingBytes(recordBytes);
}

/** Bytes of data a record carries. */
export function recordDataBytes(record: WalRecord): number {
  switch (record.type) {
    case "crc":
      return 0;
    case "metadata":
      return METADATA_BYTES;
    case "entry":
      return ENTRY_HEADER_BYTES + record.entry.data.length;
    case "state":
      return STATE_BYTES;
    case "snapshot":
      return MARKER_BYTES;
  }
}

/** Writes the length word of a record of `recordBytes` (type, CRC, data) at `at`. */
export function writeLengthWord(view: DataView, at: number, recordBytes: number): void {
  assert(Number.isSafeInteger(recordBytes) && recordBytes >= RECORD_HEADER_BYTES, "record size");
  const padding = paddingBytes(recordBytes);
  const high = Math.floor(recordBytes / TWO_POW_32);
  assert(high <= 0xff_ffff, "a record size fits in 56 bits");
  const top = padding === 0 ? 0 : 0x80 | padding;
  view.setUint32(at, recordBytes >>> 0, true);
  view.setUint32(at + 4, ((top << 24) | high) >>> 0, true);
}

/** A decoded length word. */
export interface LengthWord {
  /** Type, CRC and data. */
  readonly recordBytes: number;
  readonly paddingBytes: number;
}

/**
 * Reads the length word at `at`: `0` for a zero word (the end of the data),
 * `null` when malformed (a size below the record header, or padding bits
 * that do not match the size).
 */
export function readLengthWord(view: DataView, at: number): LengthWord | 0 | null {
  const low = view.getUint32(at, true);
  const highWord = view.getUint32(at + 4, true);
  if (low === 0 && highWord === 0) return 0;
  const top = highWord >>> 24;
  const recordBytes = (highWord & 0xff_ffff) * TWO_POW_32 + low;
  if (recordBytes < RECORD_HEADER_BYTES) return null;
  const padding = paddingBytes(recordBytes);
  const expectedTop = padding === 0 ? 0 : 0x80 | padding;
  if (top !== expectedTop) return null;
  return { recordBytes, paddingBytes: padding };
}

function writeU64(view: DataView, at: number, value: number, what: string): void {
  if (!(Number.isSafeInteger(value) && value >= 0)) {
    assert(false, `wal: ${what} ${value} is not a safe integer`); // message built only on failure
  }
  view.setUint32(at, Math.floor(value / TWO_POW_32));
  view.setUint32(at + 4, value >>> 0);
}

function writeBigU64(view: DataView, at: number, value: bigint, what: string): void {
  if (!(value >= 0n && value <= U64_MAX)) {
    assert(false, `wal: ${what} ${value} does not fit in 64 bits`);
  }
  view.setBigUint64(at, value);
}

/** Reads a big-endian u64 as a safe integer, or null when it is not one. */
function readU64(view: DataView, at: number): number | null {
  const high = view.getUint32(at);
  if (high > HIGH_WORD_SAFE_MAX) return null;
  return high * TWO_POW_32 + view.getUint32(at + 4);
}

/**
 * Writes a record's data (not its length word, type or CRC) at `at` of
 * `bytes`; `view` is a DataView over the same bytes.
 */
export function writeRecordData(
  record: WalRecord,
  bytes: Uint8Array,
  view: DataView,
  at: number,
): void {
  switch (record.type) {
    case "crc":
      return;
    case "metadata":
      writeBigU64(view, at, record.metadata.memberId, "member id");
      writeBigU64(view, at + 8, record.metadata.clusterId, "cluster id");
      return;
    case "entry":
      writeU64(view, at, record.entry.term, "entry term");
      writeU64(view, at + 8, record.entry.index, "entry index");
      view.setUint8(at + 16, ENTRY_TYPE_CODES[record.entry.type]);
      bytes.set(record.entry.data, at + ENTRY_HEADER_BYTES);
      return;
    case "state":
      writeU64(view, at, record.hardState.term, "hard state term");
      writeBigU64(view, at + 8, record.hardState.vote, "hard state vote");
      writeU64(view, at + 16, record.hardState.commit, "hard state commit");
      return;
    case "snapshot":
      writeU64(view, at, record.marker.index, "snapshot index");
      writeU64(view, at + 8, record.marker.term, "snapshot term");
      return;
  }
}

/**
 * Whether a record of `type` can have `dataBytes` of data: the fixed-size
 * types have one size, an entry has at least its header.
 */
export function dataBytesFit(type: WalRecordType, dataBytes: number): boolean {
  switch (type) {
    case "crc":
      return dataBytes === 0;
    case "metadata":
      return dataBytes === METADATA_BYTES;
    case "entry":
      return dataBytes >= ENTRY_HEADER_BYTES;
    case "state":
      return dataBytes === STATE_BYTES;
    case "snapshot":
      return dataBytes === MARKER_BYTES;
  }
}

/** The kind of record a type byte stands for, or undefined for an unknown byte. */
export function recordTypeOf(code: number): WalRecordType | undefined {
  return TYPES_BY_CODE.get(code);
}

/**
 * Decodes a record's data. Returns the record, or a short reason when the
 * data does not fit its type (wrong size, an index or term beyond the safe
 * integers, an unknown entry type). Never throws; `data` is not kept.
 */
export function decodeRecordData(
  type: WalRecordType,
  data: Uint8Array,
  crcField: number,
): WalRecord | string {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  switch (type) {
    case "crc":
      return data.length === 0 ? { type, crc: crcField } : "crc record with data";
    case "metadata":
      if (data.length !== METADATA_BYTES) return `metadata record of ${data.length} bytes`;
      return {
        type,
        metadata: { memberId: view.getBigUint64(0), clusterId: view.getBigUint64(8) },
      };
    case "entry":
      return decodeEntry(view, data);
    case "state":
      return decodeHardState(view, data);
    case "snapshot": {
      if (data.length !== MARKER_BYTES) return `snapshot record of ${data.length} bytes`;
      const index = readU64(view, 0);
      const term = readU64(view, 8);
      if (index === null || term === null) return "snapshot index or term beyond 2^53";
      return { type, marker: { index, term } };
    }
  }
}

function decodeEntry(view: DataView, data: Uint8Array): WalRecord | string {
  if (data.length < ENTRY_HEADER_BYTES) return `entry record of ${data.length} bytes`;
  const term = readU64(view, 0);
  const index = readU64(view, 8);
  if (term === null || index === null) return "entry index or term beyond 2^53";
  const code = view.getUint8(16);
  const entryType: EntryType | null = code === 0 ? "normal" : code === 1 ? "confChange" : null;
  if (entryType === null) return `entry of unknown type ${code}`;
  const payload = data.slice(ENTRY_HEADER_BYTES);
  return { type: "entry", entry: { term, index, type: entryType, data: payload } };
}

function decodeHardState(view: DataView, data: Uint8Array): WalRecord | string {
  if (data.length !== STATE_BYTES) return `state record of ${data.length} bytes`;
  const term = readU64(view, 0);
  const commit = readU64(view, 16);
  if (term === null || commit === null) return "hard state term or commit beyond 2^53";
  return { type: "state", hardState: { term, vote: view.getBigUint64(8), commit } };
}
