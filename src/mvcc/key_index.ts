/**
 * The retained history of one key, in the shape of etcd's `keyIndex`: a
 * list of generations, each a run of puts closed by a tombstone (the last
 * generation may be open). Here the generations are stored back to back in
 * one list of records in (main, sub) order: a tombstone ends a generation.
 *
 * Invariants (asserted on append, checked on snapshot decode): the list is
 * never empty, starts with a put, never holds two tombstones in a row, and
 * (main, sub) strictly grows.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { compareRevisions, isTombstone, type KeyRevision } from "./revision.ts";

/**
 * One key's records, oldest first. The newest record is held apart from the
 * older ones, so a key with one record (most keys) costs no array.
 */
export class KeyIndex {
  /** The key as a binary string. */
  readonly key: string;
  #latest: KeyRevision;
  /** The records before `#latest`, oldest first; null when there are none. */
  #older: KeyRevision[] | null = null;
  #empty = false;

  /** A key index holding `first` (a put). */
  constructor(first: KeyRevision) {
    assert(!isTombstone(first), "keyIndex: a key's history starts with a put");
    this.key = first.key;
    this.#latest = first;
  }

  /** The newest record (a put or a tombstone). */
  get latest(): KeyRevision {
    return this.#latest;
  }

  /** The oldest retained record. */
  get oldest(): KeyRevision {
    return this.#older?.[0] ?? this.#latest;
  }

  /** How many records are retained. */
  get length(): number {
    return this.#empty ? 0 : (this.#older?.length ?? 0) + 1;
  }

  /** The retained records, oldest first (a new array). */
  get records(): KeyRevision[] {
    if (this.#empty) return [];
    return this.#older === null ? [this.#latest] : [...this.#older, this.#latest];
  }

  /** Calls `visit` on each retained record, oldest first. */
  forEach(visit: (record: KeyRevision) => void): void {
    if (this.#empty) return;
    if (this.#older !== null) { for (const record of this.#older) visit(record); }
    visit(this.#latest);
  }

  /** The `i`-th retained record, oldest first (0 ≤ i < length). */
  recordAt(i: number): KeyRevision {
    const older = this.#older;
    return older !== null && i < older.length ? older[i]! : this.#latest;
  }

  /** How many retained records have main ≤ `rev` (they are the first ones). */
  countAtOrBefore(rev: number): number {
    if (this.#empty) return 0;
    if (this.#latest.main <= rev) return this.length;
    return this.#older === null ? 0 : lastAtOrBefore(this.#older, rev) + 1;
  }

  /**
   * The position of the first record {@linkcode compact} at `rev` would
   * keep (= length when it would empty the index), without compacting.
   */
  keptFrom(rev: number): number {
    if (this.#empty) return 0;
    const older = this.#older;
    if (this.#latest.main <= rev) {
      return this.length - 1 + (isTombstone(this.#latest) ? 1 : 0);
    }
    if (older === null) return 0;
    const newest = lastAtOrBefore(older, rev);
    if (newest < 0) return 0;
    return isTombstone(older[newest]!) ? newest + 1 : newest;
  }

  /** Whether the key exists at the newest revision. */
  get live(): boolean {
    return !this.#empty && !isTombstone(this.#latest);
  }

  /** Whether compaction or rollback removed every record (the index is then dropped). */
  get empty(): boolean {
    return this.#empty;
  }

  /**
   * The key's value at main revision `rev`: the newest record with main ≤
   * `rev`, unless it is a tombstone or there is none.
   */
  at(rev: number): KeyRevision | undefined {
    let record: KeyRevision | undefined = this.#latest;
    if (record.main > rev) {
      const older = this.#older;
      record = older === null ? undefined : older[lastAtOrBefore(older, rev)];
    }
    return record === undefined || isTombstone(record) ? undefined : record;
  }

  /** Appends a newer record; a tombstone only ends a live generation. */
  append(record: KeyRevision): void {
    const latest = this.#latest;
    assert(!this.#empty, "keyIndex: append to an emptied index");
    assert(record.key === this.key, "keyIndex: record of another key");
    assert(compareRevisions(latest, record) < 0, "keyIndex: revisions only grow");
    assert(!(isTombstone(record) && isTombstone(latest)), "keyIndex: tombstone of a deleted key");
    if (this.#older === null) this.#older = [latest];
    else this.#older.push(latest);
    this.#latest = record;
  }

  /** Removes the newest record (undoing an append); returns it. */
  pop(): KeyRevision {
    assert(!this.#empty, "keyIndex: pop of an empty index");
    const popped = this.#latest;
    const older = this.#older;
    if (older === null) {
      this.#empty = true;
      return popped;
    }
    this.#latest = older.pop()!;
    if (older.length === 0) this.#older = null;
    return popped;
  }

  /**
   * etcd's keyIndex.compact at `rev`: drops every record older than the
   * newest one at or before `rev`, and that one too when it is a tombstone.
   * Returns the dropped records; the index is empty afterwards when the key
   * was deleted at or before `rev` and not put again.
   */
  compact(rev: number): KeyRevision[] {
    const older = this.#older;
    if (this.#latest.main <= rev) {
      const dropped = older ?? [];
      this.#older = null;
      if (isTombstone(this.#latest)) {
        dropped.push(this.#latest);
        this.#empty = true;
      }
      return dropped;
    }
    if (older === null) return [];
    let keepFrom = lastAtOrBefore(older, rev);
    if (keepFrom < 0) return [];
    if (isTombstone(older[keepFrom]!)) keepFrom++;
    const dropped = older.splice(0, keepFrom);
    if (older.length === 0) this.#older = null;
    return dropped;
  }

  /** The generations (each closed by its tombstone, the last possibly open), for inspection. */
  generations(): KeyRevision[][] {
    const generations: KeyRevision[][] = [[]];
    for (const record of this.records) {
      generations[generations.length - 1]!.push(record);
      if (isTombstone(record)) generations.push([]);
    }
    return generations;
  }
}

/** The index of the newest record with main ≤ `rev`, or -1. */
function lastAtOrBefore(records: readonly KeyRevision[], rev: number): number {
  let lo = 0;
  let hi = records.length; // first index with main > rev lies in [lo, hi]
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (records[mid]!.main <= rev) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}
