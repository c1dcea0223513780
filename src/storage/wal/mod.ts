/**
 * The write-ahead log: etcd's record framing (length word, type, chained
 * CRC-32C, data, 8-byte alignment), preallocated segments, group commit (one
 * joined write per save, one asynchronous fdatasync per sync), and recovery
 * that cuts only a torn tail and refuses any other damage with the file and
 * offset.
 *
 * @module
 */

export { Wal, type WalLog, type WalOptions, type WalReadResult } from "./wal.ts";
export type { WalMetadata, WalRecord, WalRecordType, WalSnapshotMarker } from "./record.ts";
export { WalCorruptError, WalRecordTooLargeError, WalSnapshotNotFoundError } from "./errors.ts";
export { type SegmentSupplier, ZeroFilledSegments } from "./segment_supplier.ts";
