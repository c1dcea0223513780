/**
 * The MVCC key-value store (etcd 3.4's mvcc and the KV part of its
 * applier): revisions, per-key history with generations, range / put /
 * delete-range / txn / compaction with etcd's exact semantics, the events
 * each write makes, a state hash, and snapshot encode/restore.
 *
 * @module
 */

export {
  type CompactResult,
  type DeleteRangeResult,
  KvStore,
  type KvStoreOptions,
  type PutResult,
  type RangeResult,
  type TxnResult,
} from "./kv_store.ts";
export { MvccSnapshotDecodeError, snapshotFormatVersion } from "./snapshot_codec.ts";
export { revisionOverheadBytes } from "./store_state.ts";
export type { SnapshotCursor } from "./snapshot_cursor.ts";
