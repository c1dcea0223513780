/**
 * The MVCC key-value store with etcd 3.4's semantics: one global revision
 * (1 when empty) that grows by one per write that changes something, every
 * key's history kept until compaction, reads at any retained revision,
 * txns with compares and nested txns, and the events each write makes.
 *
 * Synchronous and deterministic: every member applying the same requests
 * reaches the same state and {@linkcode KvStore.hash}. Keys and values are
 * kept by reference (a value that is a view into a larger buffer is copied):
 * callers must not modify the arrays they pass in or get back.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { Errors } from "../proto/errors.ts";
import type {
  DeleteRangeRequest,
  Event,
  KeyValue,
  PutRequest,
  RangeRequest,
  ResponseOp,
  TxnRequest,
} from "../proto/rpc.ts";
import { type ChecksumRange, crc32Range } from "../util/crc.ts";
import { applyRange, type RangeReader } from "./range.ts";
import { toEvent, toKeyValue } from "./revision.ts";
import { keyToString, stringToKey } from "./key_string.ts";
import { decodeSnapshot, encodeSnapshot, stateChecksum } from "./snapshot_codec.ts";
import { type SnapshotCursor, StateSnapshotCursor } from "./snapshot_cursor.ts";
import { type RangeKeysOptions, type RangeKeysResult, StoreState } from "./store_state.ts";
import {
  applyTxn,
  checkPutOp,
  checkRangeOp,
  compareToPath,
  forEachPathOp,
  isTxnReadOnly,
} from "./txn.ts";
import { applyDeleteRange, writePut } from "./write_ops.ts";
import { WriteTxn } from "./write_txn.ts";

/** How a store judges requests. */
export interface KvStoreOptions {
  /** Whether a lease exists (puts with a missing lease fail); default: no lease exists. */
  readonly leaseExists?: (lease: bigint) => boolean;
  /**
   * Told of every change once it is made, with its revision and events
   * (each with the key before the change as prevKv): what watchers and
   * lease bookkeeping follow. Not called for a write that changed nothing.
   */
  readonly onWrite?: (revision: number, events: readonly Event[]) => void;
  /**
   * Computes snapshots' CRC-32 (and {@linkcode KvStore.hash}); default the
   * portable one. The server passes the runtime's native CRC-32.
   */
  readonly checksum?: ChecksumRange;
}

/** The answer to a range: the header revision is the store's current revision. */
export interface RangeResult {
  /** The store's current revision (etcd's header revision, even for an old read). */
  readonly revision: number;
  /** The keys found, in the requested order, at most `limit`. */
  readonly kvs: KeyValue[];
  /** Keys in the range at the revision, whatever the limit (not reduced by the min/max filters). */
  readonly count: number;
  /** Whether the limit cut the result. */
  readonly more: boolean;
}

/** The outcome of a put. */
export interface PutResult {
  /** The revision of the put. */
  readonly revision: number;
  /** The key before the put (whether or not the request asked), null if it did not exist. */
  readonly prevKv: KeyValue | null;
  /** The PUT event. */
  readonly events: Event[];
}

/** The outcome of a delete-range. */
export interface DeleteRangeResult {
  /** The new revision, or the current one when nothing was deleted. */
  readonly revision: number;
  /** How many keys were deleted. */
  readonly deleted: number;
  /** The deleted keys' values, only when the request asked (`prevKv`). */
  readonly prevKvs: KeyValue[];
  /** One DELETE event per deleted key, in key order. */
  readonly events: Event[];
}

/** The outcome of a txn. */
export interface TxnResult {
  /** The new revision, or the current one when the txn changed nothing. */
  readonly revision: number;
  /** Whether the compares held (the success branch ran). */
  readonly succeeded: boolean;
  /** The chosen branch's responses; each header carries only a revision, as etcd's. */
  readonly responses: ResponseOp[];
  /** The events of every change, in (main, sub) order (prevKv: the key before the txn). */
  readonly events: Event[];
}

/** The outcome of a compaction. */
export interface CompactResult {
  /** The current revision (a compaction does not change it). */
  readonly revision: number;
}

/** The default lease check: no lease exists. */
function noLeases(_lease: bigint): boolean {
  return false;
}

/** The MVCC store. */
export class KvStore {
  #state: StoreState;
  readonly #leaseExists: (lease: bigint) => boolean;
  readonly #onWrite: ((revision: number, events: readonly Event[]) => void) | undefined;
  readonly #reader: RangeReader;
  readonly #checksum: ChecksumRange;
  #cursor: SnapshotCursor | null = null;

  /** An empty store at revision 1. */
  constructor(options: KvStoreOptions = {}) {
    this.#state = new StoreState();
    this.#leaseExists = options.leaseExists ?? noLeases;
    this.#onWrite = options.onWrite;
    this.#checksum = options.checksum ?? crc32Range;
    this.#reader = {
      rangeKeys: (key: string, end: string | null, ro: RangeKeysOptions): RangeKeysResult =>
        this.#state.rangeKeys(key, end, this.#state.currentRevision, ro),
    };
  }

  /** Restores a store from {@linkcode KvStore.toSnapshot} bytes; throws MvccSnapshotDecodeError. */
  static fromSnapshot(bytes: Uint8Array, options: KvStoreOptions = {}): KvStore {
    const state = decodeSnapshot(bytes, options.checksum);
    const store = new KvStore(options);
    store.#state = state;
    return store;
  }

  /** The revision of the last change (1 for an empty store). */
  get currentRevision(): number {
    return this.#state.currentRevision;
  }

  /** The revision of the last compaction; 0 when never compacted. */
  get compactRevision(): number {
    return Math.max(0, this.#state.compactRevision);
  }

  /**
   * Estimated bytes of all retained history (keys, values, per-record
   * overhead), as if a compaction deferred by an open snapshot cursor were
   * done: the same on every member, whatever cursors they have open.
   */
  get approximateBytes(): number {
    return this.#state.approximateBytes;
  }

  /**
   * Estimated bytes of the history actually held: more than
   * {@linkcode approximateBytes} while a snapshot cursor defers a
   * compaction, equal otherwise.
   */
  get heldBytes(): number {
    return this.#state.heldBytes;
  }

  /** Whether a snapshot cursor is open (then compactions drop no history until it ends). */
  get snapshotting(): boolean {
    return this.#cursor !== null;
  }

  /** The number of keys that exist at the current revision. */
  get keyCount(): number {
    return this.#state.liveKeys;
  }

  /** etcd's Range. Throws compacted / futureRev for an unavailable revision. */
  range(req: RangeRequest): RangeResult {
    const resp = applyRange(this.#reader, req);
    return { revision: resp.header.revision, kvs: resp.kvs, count: resp.count, more: resp.more };
  }

  /**
   * etcd's Put: a missing lease fails before anything else (leaseNotFound),
   * then ignore_value/ignore_lease on a missing key (keyNotFound).
   */
  put(req: PutRequest): PutResult {
    if (req.lease !== 0n && !this.#leaseExists(req.lease)) throw Errors.leaseNotFound();
    const w = new WriteTxn(this.#state);
    try {
      writePut(w, req);
    } catch (error) {
      w.abort();
      throw error;
    }
    const revision = this.#end(w);
    return { revision, prevKv: w.events[0]!.prevKv, events: w.events };
  }

  /** etcd's DeleteRange; deleting nothing leaves the revision alone. */
  deleteRange(req: DeleteRangeRequest): DeleteRangeResult {
    const w = new WriteTxn(this.#state);
    const resp = applyDeleteRange(w, req);
    const revision = this.#end(w);
    return { revision, deleted: resp.deleted, prevKvs: resp.prevKvs, events: w.events };
  }

  /**
   * Deletes each of `keys` that exists, all in one write at one revision
   * (etcd's lease revoke: one DeleteRange per attached key inside one txn).
   * DELETE events in the order given; a key given twice or missing is skipped.
   */
  deleteKeys(keys: readonly Uint8Array[]): DeleteRangeResult {
    const w = new WriteTxn(this.#state);
    const prevKvs: KeyValue[] = [];
    for (const key of keys) {
      const outcome = w.deleteRange(keyToString(key), null);
      for (const record of outcome.previous) prevKvs.push(toKeyValue(record, key));
    }
    const revision = this.#end(w);
    return { revision, deleted: prevKvs.length, prevKvs, events: w.events };
  }

  /**
   * Calls `visit` with every live key that has a lease, in key order (what
   * a lessor restored from a snapshot attaches again).
   */
  forEachLeasedKey(visit: (key: Uint8Array, lease: bigint) => void): void {
    this.#state.forEachKeyIndex((index) => {
      if (!index.live || index.latest.lease === 0n) return;
      visit(stringToKey(index.latest.key), index.latest.lease);
    });
  }

  /**
   * etcd's Txn: compares (nested ones too) at the state before the txn,
   * checks of the chosen path, then its ops in one write at one revision.
   * Any error leaves the store unchanged.
   */
  txn(req: TxnRequest): TxnResult {
    const state = this.#state;
    const path = compareToPath(state, req);
    if (!isTxnReadOnly(req)) {
      forEachPathOp(req, path, (op) => checkPutOp(state, this.#leaseExists, op));
    }
    forEachPathOp(req, path, (op) => checkRangeOp(state, op));
    const w = new WriteTxn(state);
    let responses: ResponseOp[];
    try {
      responses = applyTxn(w, req, path);
    } catch (error) {
      w.abort();
      throw error;
    }
    const revision = this.#end(w);
    return { revision, succeeded: path.succeeded, responses, events: w.events };
  }

  /** Ends a write and tells the observer of its events. */
  #end(w: WriteTxn): number {
    const revision = w.end();
    if (w.events.length > 0) this.#onWrite?.(revision, w.events);
    return revision;
  }

  /**
   * etcd's compaction at `revision`: at or below the last compaction
   * (including any negative revision) fails with compacted, beyond the
   * current revision with futureRev. Drops the history no read at or after
   * `revision` needs; while a snapshot cursor is open, reads below
   * `revision` fail at once but the history is dropped when it ends.
   */
  compact(revision: number): CompactResult {
    assert(Number.isSafeInteger(revision), `compact: revision ${revision}`);
    if (revision <= this.#state.compactRevision) throw Errors.compacted();
    if (revision > this.#state.currentRevision) throw Errors.futureRev();
    this.#state.compact(revision);
    return { revision: this.#state.currentRevision };
  }

  /**
   * The events of revisions `fromRevision` … `toRevision` (default: the
   * current one) in (main, sub) order, for watchers catching up. Each
   * event's prevKv is the key at the revision before its own, when that is
   * not compacted (as etcd's watch reads it). Throws compacted when
   * `fromRevision` is below the compacted revision.
   */
  eventsBetween(fromRevision: number, toRevision: number = this.currentRevision): Event[] {
    const state = this.#state;
    if (fromRevision < state.compactRevision) throw Errors.compacted();
    return state.logBetween(fromRevision, toRevision).map((record) => {
      const before = record.main - 1;
      const previous = before >= state.compactRevision
        ? state.keyIndex(record.key)?.at(before)
        : undefined;
      return toEvent(record, previous);
    });
  }

  /** A uint32 CRC-32 over the whole retained state: equal states, equal hashes. */
  hash(): number {
    return stateChecksum(this.#state, this.#checksum);
  }

  /**
   * The whole retained state as bytes (see snapshot_codec.ts). While a
   * cursor defers a compaction, the state as if it were done.
   */
  toSnapshot(): Uint8Array {
    return encodeSnapshot(this.#state, this.#checksum);
  }

  /**
   * Starts an incremental snapshot of the store as it is now: the cursor's
   * steps write what {@linkcode toSnapshot} returns now, a budget at a
   * time, while the store goes on changing. Until the cursor finishes or is
   * cancelled, compactions drop no history (their revision still takes
   * effect at once). One cursor at a time. Its result leaves
   * `headroomBytes` free before the snapshot, for a caller that wraps it
   * in a header of its own without copying it.
   */
  beginSnapshot(headroomBytes = 0): SnapshotCursor {
    assert(this.#cursor === null, "mvcc: one snapshot cursor at a time");
    const state = this.#state;
    state.deferCompaction(true);
    const cursor = new StateSnapshotCursor(
      state,
      () => {
        this.#cursor = null;
        state.deferCompaction(false);
      },
      this.#checksum,
      headroomBytes,
    );
    this.#cursor = cursor;
    return cursor;
  }
}
