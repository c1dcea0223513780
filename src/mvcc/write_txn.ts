/**
 * A write transaction on the store (etcd's storeTxnWrite): every change it
 * makes is at main revision beginRevision + 1, with sub-revisions in order.
 * Reads inside it see its own earlier changes. `end` makes the revision
 * current when anything changed; `abort` undoes every change.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { Event } from "../proto/rpc.ts";
import { isTombstone, type KeyRevision, putRevision, toEvent, tombstone } from "./revision.ts";
import type { RangeKeysOptions, RangeKeysResult, StoreState } from "./store_state.ts";

/** What a write transaction's delete returns (etcd: deleted count and revision). */
export interface DeleteOutcome {
  readonly deleted: number;
  /** beginRevision + 1 once the txn changed anything, else beginRevision. */
  readonly revision: number;
  /** The deleted keys' records just before the delete, in key order. */
  readonly previous: KeyRevision[];
}

/** One write transaction; use once, then `end` or `abort`. */
export class WriteTxn {
  /** The store's current revision when the txn began. */
  readonly beginRevision: number;
  readonly #state: StoreState;
  readonly #logMark: number;
  readonly #events: Event[] = [];
  #changes = 0;
  #open = true;

  constructor(state: StoreState) {
    this.#state = state;
    this.beginRevision = state.currentRevision;
    this.#logMark = state.logLength;
  }

  /** How many changes were made so far. */
  get changes(): number {
    return this.#changes;
  }

  /** The revision reads inside the txn see: beginRevision, +1 once something changed. */
  get readRevision(): number {
    return this.#changes > 0 ? this.beginRevision + 1 : this.beginRevision;
  }

  /** The events of the changes so far, in (main, sub) order. */
  get events(): Event[] {
    return this.#events;
  }

  /** A range read inside the txn (see StoreState.rangeKeys). */
  rangeKeys(key: string, end: string | null, options: RangeKeysOptions): RangeKeysResult {
    this.#checkOpen();
    return this.#state.rangeKeys(key, end, this.readRevision, options);
  }

  /** The key's record as the txn sees it now (undefined if absent). */
  live(key: string): KeyRevision | undefined {
    const index = this.#state.keyIndex(key);
    return index === undefined || !index.live ? undefined : index.latest;
  }

  /**
   * Puts `key` (binary string; `keyBytes` its bytes, for the event) and
   * returns the write's revision. Keeps the create revision of an existing
   * key and bumps its version; a new key starts at version 1.
   */
  put(key: string, keyBytes: Uint8Array | null, value: Uint8Array, lease: bigint): number {
    this.#checkOpen();
    const rev = this.beginRevision + 1;
    const index = this.#state.keyIndex(key);
    const latest = index?.latest;
    const live = latest !== undefined && !isTombstone(latest);
    const record = putRevision(
      key,
      rev,
      this.#changes,
      live ? latest.createRevision : rev,
      live ? latest.version + 1 : 1,
      value,
      lease,
    );
    const before = this.#beforeTxn(key, latest);
    this.#state.append(record, index);
    this.#changes++;
    this.#events.push(toEvent(record, before, keyBytes));
    return rev;
  }

  /** Deletes every key of the range that exists now (`end` as in StoreState.forEachLive). */
  deleteRange(key: string, end: string | null): DeleteOutcome {
    this.#checkOpen();
    const previous: KeyRevision[] = [];
    this.#state.forEachLive(key, end, this.readRevision, (record) => {
      previous.push(record);
    });
    const rev = this.beginRevision + 1;
    for (const record of previous) {
      const dead = tombstone(record.key, rev, this.#changes);
      const before = this.#beforeTxn(record.key, record);
      this.#state.append(dead);
      this.#changes++;
      this.#events.push(toEvent(dead, before));
    }
    const revision = this.#changes > 0 ? rev : this.beginRevision;
    return { deleted: previous.length, revision, previous };
  }

  /** Commits: the store's revision after the txn (bumped only if anything changed). */
  end(): number {
    this.#checkOpen();
    this.#open = false;
    if (this.#changes > 0) this.#state.advance(this.beginRevision + 1);
    return this.#state.currentRevision;
  }

  /** Undoes every change of the txn. */
  abort(): void {
    this.#checkOpen();
    this.#open = false;
    this.#state.rollback(this.#logMark);
    assert(this.#state.currentRevision === this.beginRevision, "mvcc: abort after end");
  }

  /** The key's record before this txn, given its newest record now (etcd's watch: rev - 1). */
  #beforeTxn(key: string, latest: KeyRevision | undefined): KeyRevision | undefined {
    if (latest === undefined) return undefined;
    if (latest.main <= this.beginRevision) return isTombstone(latest) ? undefined : latest;
    return this.#state.keyIndex(key)?.at(this.beginRevision);
  }

  #checkOpen(): void {
    assert(this.#open, "mvcc: use of a finished write txn");
  }
}
