/**
 * The retained MVCC state and its primitive operations: the key index
 * (etcd's treeIndex), the revision log (what etcd keeps in its backend's
 * key bucket, in (main, sub) order), the current and compacted revisions,
 * and running counts for status and quota.
 *
 * No etcd request semantics here: kv_store.ts, write_txn.ts and txn.ts
 * build them on top.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { Errors } from "../proto/errors.ts";
import { KeyIndex } from "./key_index.ts";
import { beforeEnd } from "./key_string.ts";
import { compareRevisions, isTombstone, type KeyRevision } from "./revision.ts";
import { TreeIndex } from "./tree_index.ts";

/**
 * Bytes counted per stored record on top of its key and value, for
 * {@linkcode StoreState.approximateBytes}: roughly what bbolt spends per
 * entry (17-byte revision key, page element header, the KeyValue's other
 * fields).
 */
export const revisionOverheadBytes = 64;

/** What etcd's storeTxnRead.rangeKeys takes. */
export interface RangeKeysOptions {
  /** The revision to read at; ≤ 0 = the reader's current revision. */
  readonly rev: number;
  /** Most records returned; ≤ 0 = all. The count is never limited. */
  readonly limit: number;
  /** Count only: return no records. */
  readonly countOnly: boolean;
}

/** What etcd's storeTxnRead.rangeKeys returns. */
export interface RangeKeysResult {
  /** The live records at the revision, in key order (at most `limit`). */
  readonly records: KeyRevision[];
  /** How many keys of the range exist at the revision. */
  readonly count: number;
  /** The reader's current revision (the response header's revision). */
  readonly rev: number;
}

/** The whole retained state of the key-value store. */
export class StoreState {
  #index: TreeIndex;
  /** Retained records with main ≥ the compacted revision, in (main, sub) order. */
  #log: KeyRevision[];
  #currentRevision: number;
  /** -1 until the first compaction (etcd's compactMainRev starts at -1). */
  #compactRevision: number;
  #liveKeys = 0;
  /** Bytes of every record held, including those whose compaction is deferred. */
  #bytes = 0;
  /** The revision the held records are physically compacted to (≤ #compactRevision). */
  #retainedCompactRevision: number;
  /** Bytes of the records a deferred compaction will drop. */
  #deferredBytes = 0;
  #deferring = false;

  /** An empty state at revision 1, or a restored one (see {@linkcode StoreState.restore}). */
  constructor(
    index = new TreeIndex(),
    log: KeyRevision[] = [],
    currentRevision = 1,
    compactRevision = -1,
  ) {
    this.#index = index;
    this.#log = log;
    this.#currentRevision = currentRevision;
    this.#compactRevision = compactRevision;
    this.#retainedCompactRevision = compactRevision;
    index.forEach((keyIndex) => {
      if (keyIndex.live) this.#liveKeys++;
      keyIndex.forEach((record) => {
        this.#bytes += recordBytes(record);
      });
    });
  }

  /** The revision of the last write (1 when nothing was ever written). */
  get currentRevision(): number {
    return this.#currentRevision;
  }

  /** The revision of the last compaction; -1 when never compacted. */
  get compactRevision(): number {
    return this.#compactRevision;
  }

  /** The number of keys that exist at the current revision. */
  get liveKeys(): number {
    return this.#liveKeys;
  }

  /**
   * Estimated bytes of all retained records (see {@linkcode
   * revisionOverheadBytes}), as if every compaction were done: a deferred
   * compaction does not change it (it feeds the quota, which every member
   * must judge alike).
   */
  get approximateBytes(): number {
    return this.#bytes - this.#deferredBytes;
  }

  /** Estimated bytes of the records actually held, those a deferred compaction will drop too. */
  get heldBytes(): number {
    return this.#bytes;
  }

  /** Whether a compaction is deferred: records before the compacted revision are still held. */
  get compactionDeferred(): boolean {
    return this.#retainedCompactRevision < this.#compactRevision;
  }

  /** The number of keys with retained history, live or deleted. */
  get indexedKeys(): number {
    return this.#index.size;
  }

  /** The number of records in the revision log (a mark for {@linkcode rollback}). */
  get logLength(): number {
    return this.#log.length;
  }

  /**
   * Calls `visit` on the histories of the keys ≥ `from`, in key order,
   * until it returns false.
   */
  scanKeyIndexes(from: string, visit: (index: KeyIndex) => boolean | void): void {
    this.#index.scan(from, "", visit);
  }

  /** The history of `key`, if any is retained. */
  keyIndex(key: string): KeyIndex | undefined {
    return this.#index.get(key);
  }

  /** Calls `visit` on every key's history, in key order. */
  forEachKeyIndex(visit: (index: KeyIndex) => void): void {
    this.#index.forEach(visit);
  }

  /**
   * Calls `visit` with each key's live record at `rev` for the keys of the
   * range, in key order, until it returns false. `end` null = the single
   * key `key`; `""` = no upper bound.
   */
  forEachLive(
    key: string,
    end: string | null,
    rev: number,
    visit: (record: KeyRevision) => boolean | void,
  ): void {
    if (end === null) {
      const record = this.#index.get(key)?.at(rev);
      if (record !== undefined) visit(record);
      return;
    }
    if (!beforeEnd(key, end)) return;
    this.#index.scan(key, end, (keyIndex) => {
      const record = keyIndex.at(rev);
      return record === undefined ? true : visit(record);
    });
  }

  /**
   * etcd's rangeKeys for a reader whose current revision is `curRev`:
   * future and compacted revisions fail; otherwise the live records at
   * the revision, up to the limit, and the full count.
   */
  rangeKeys(
    key: string,
    end: string | null,
    curRev: number,
    options: RangeKeysOptions,
  ): RangeKeysResult {
    if (options.rev > curRev) throw Errors.futureRev();
    const rev = options.rev <= 0 ? curRev : options.rev;
    if (rev < this.#compactRevision) throw Errors.compacted();
    const records: KeyRevision[] = [];
    const limit = options.limit > 0 && !options.countOnly ? options.limit : Infinity;
    const keep = !options.countOnly;
    let count = 0;
    this.forEachLive(key, end, rev, (record) => {
      count++;
      if (keep && records.length < limit) records.push(record);
    });
    return { records, count, rev: curRev };
  }

  /**
   * Stores `record` (a change at revision currentRevision + 1). `index` is
   * the key's history when the caller already looked it up.
   */
  append(record: KeyRevision, index: KeyIndex | undefined = this.#index.get(record.key)): void {
    assert(record.main === this.#currentRevision + 1, "mvcc: a write at the next revision only");
    const last = this.#log[this.#log.length - 1];
    assert(last === undefined || compareRevisions(last, record) < 0, "mvcc: revisions only grow");
    const wasLive = index !== undefined && index.live;
    if (index === undefined) this.#index.insert(new KeyIndex(record));
    else index.append(record);
    this.#log.push(record);
    this.#bytes += recordBytes(record);
    if (isTombstone(record)) this.#liveKeys--;
    else if (!wasLive) this.#liveKeys++;
  }

  /** Undoes every {@linkcode append} made since the log had `logLength` records. */
  rollback(logLength: number): void {
    assert(logLength <= this.#log.length, "mvcc: rollback past the log's end");
    while (this.#log.length > logLength) {
      const record = this.#log.pop()!;
      const index = this.#index.get(record.key)!;
      assert(index.pop() === record, "mvcc: rollback out of order");
      this.#bytes -= recordBytes(record);
      if (isTombstone(record)) this.#liveKeys++;
      else if (index.empty || !index.live) this.#liveKeys--;
      if (index.empty) this.#index.remove(record.key);
    }
  }

  /** Makes `rev` (= currentRevision + 1) the current revision, after its records were appended. */
  advance(rev: number): void {
    assert(rev === this.#currentRevision + 1, "mvcc: the revision grows by one per write");
    const last = this.#log[this.#log.length - 1];
    assert(last !== undefined && last.main === rev, "mvcc: a revision without changes");
    this.#currentRevision = rev;
  }

  /**
   * Compaction at `rev` (compactRevision < rev ≤ currentRevision): each key
   * keeps its newest record at or before `rev` (unless a tombstone) and
   * everything after; keys left empty leave the index. While compaction is
   * deferred (see {@linkcode deferCompaction}) only the compacted revision
   * moves (reads below it fail at once); the records stay until the
   * deferral ends.
   */
  compact(rev: number): void {
    assert(rev > this.#compactRevision && rev <= this.#currentRevision, "mvcc: compact range");
    this.#compactRevision = rev;
    if (!this.#deferring) {
      this.#compactHeld(rev);
      return;
    }
    let deferred = 0;
    this.#index.forEach((index) => {
      for (let i = 0, n = index.keptFrom(rev); i < n; i++) {
        deferred += recordBytes(index.recordAt(i));
      }
    });
    this.#deferredBytes = deferred;
  }

  /**
   * Starts (true) or ends (false) deferring the dropping of compacted
   * records: while deferred, no record with main ≤ the current revision
   * leaves the state, so a reader of an older revision can go on. Ending
   * the deferral performs the deferred compaction.
   */
  deferCompaction(defer: boolean): void {
    this.#deferring = defer;
    if (defer || !this.compactionDeferred) return;
    const expected = this.approximateBytes;
    this.#compactHeld(this.#compactRevision);
    assert(this.#bytes === expected, "mvcc: deferred compaction dropped other bytes");
    this.#deferredBytes = 0;
  }

  /** Drops the held records that compaction at `rev` removes. */
  #compactHeld(rev: number): void {
    this.#retainedCompactRevision = rev;
    this.#index.retain((index) => {
      for (const dropped of index.compact(rev)) this.#bytes -= recordBytes(dropped);
      return !index.empty;
    });
    const log = this.#log;
    let i = firstAtOrAfter(log, rev);
    const kept: KeyRevision[] = [];
    for (; i < log.length && log[i]!.main === rev; i++) {
      const record = log[i]!;
      if (this.#index.get(record.key)?.oldest === record) kept.push(record);
    }
    this.#log = kept.concat(log.slice(i));
  }

  /** Whether `record` (of the retained history) survives the compaction at the compacted revision. */
  #keptByCompaction(record: KeyRevision): boolean {
    const index = this.#index.get(record.key)!;
    const kept = index.keptFrom(this.#compactRevision);
    return kept < index.length && index.recordAt(kept) === record;
  }

  /**
   * The retained records with `fromRev ≤ main ≤ toRev` in (main, sub)
   * order. Records older than the compacted revision are not in the log.
   */
  logBetween(fromRev: number, toRev: number): KeyRevision[] {
    const log = this.#log;
    const out: KeyRevision[] = [];
    // While a compaction is deferred the log still holds what it drops:
    // start at the compacted revision, and there keep only what it keeps.
    const deferred = this.compactionDeferred ? this.#compactRevision : -1;
    const from = Math.max(fromRev, deferred);
    for (let i = firstAtOrAfter(log, from); i < log.length && log[i]!.main <= toRev; i++) {
      const record = log[i]!;
      if (record.main !== deferred || this.#keptByCompaction(record)) out.push(record);
    }
    return out;
  }
}

/** The bytes {@linkcode StoreState.approximateBytes} counts for `record`. */
export function recordBytes(record: KeyRevision): number {
  return record.key.length + record.value.length + revisionOverheadBytes;
}

/** The index of the first record in the (main, sub)-ordered `log` with main ≥ `rev`. */
function firstAtOrAfter(log: readonly KeyRevision[], rev: number): number {
  let lo = 0;
  let hi = log.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (log[mid]!.main < rev) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
