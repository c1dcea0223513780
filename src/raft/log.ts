/**
 * The Raft log: the stable part in {@linkcode Storage} and the unstable
 * tail, with the commit and apply cursors.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { CompactedError, UnavailableError } from "./errors.ts";
import { UnstableLog } from "./log_unstable.ts";
import type { Storage } from "./storage.ts";
import { limitSize } from "./storage.ts";
import type { Entry, Snapshot } from "./types.ts";

/** The log with its committed and applied indexes. */
export class RaftLog {
  readonly storage: Storage;
  readonly unstable: UnstableLog;
  /** The highest index known to be committed by a quorum. */
  committed: number;
  /** The highest index applied by the state machine. Invariant: applied <= committed. */
  applied: number;
  /** Bytes of committed entries handed out in one Ready at most. */
  readonly committedSizePerReadyBytesMax: number;

  constructor(storage: Storage, committedSizePerReadyBytesMax: number) {
    this.storage = storage;
    this.committedSizePerReadyBytesMax = committedSizePerReadyBytesMax;
    const first = storage.firstIndex();
    const last = storage.lastIndex();
    this.unstable = new UnstableLog(last + 1);
    this.committed = first - 1;
    this.applied = first - 1;
  }

  /**
   * Appends entries sent by the leader after (`index`, `logTerm`) if that
   * entry matches; returns the index of the last new entry, or undefined on
   * a mismatch. `keepConflicts` is a deliberate bug for the simulator.
   */
  maybeAppend(
    index: number,
    logTerm: number,
    committed: number,
    entries: readonly Entry[],
    keepConflicts = false,
  ): number | undefined {
    if (!this.matchTerm(index, logTerm)) return undefined;
    const lastNewIndex = index + entries.length;
    const conflict = this.findConflict(entries);
    if (conflict !== 0) {
      assert(
        conflict > this.committed,
        `entry ${conflict} conflicts with committed entry [committed(${this.committed})]`,
      );
      const start = keepConflicts ? Math.max(conflict, this.lastIndex() + 1) : conflict;
      if (start <= lastNewIndex) this.append(entries.slice(start - (index + 1)));
    }
    this.commitTo(Math.min(committed, lastNewIndex));
    return lastNewIndex;
  }

  /** Appends entries (replacing any at or after the first); returns the last index. */
  append(entries: readonly Entry[]): number {
    if (entries.length === 0) return this.lastIndex();
    const after = entries[0]!.index - 1;
    assert(
      after >= this.committed,
      `after(${after}) is out of range [committed(${this.committed})]`,
    );
    this.unstable.truncateAndAppend(entries);
    return this.lastIndex();
  }

  /**
   * The index of the first entry whose term differs from ours (or which we
   * lack), or 0 when every entry is already in the log.
   */
  findConflict(entries: readonly Entry[]): number {
    for (const entry of entries) {
      if (!this.matchTerm(entry.index, entry.term)) return entry.index;
    }
    return 0;
  }

  /**
   * The largest index at or below `index` whose term is at most `term`, and
   * that term; used to skip a whole conflicting term at once on rejection.
   * An unknown (compacted) term returns that index with term 0.
   */
  findConflictByTerm(index: number, term: number): [number, number] {
    for (; index > 0; index--) {
      const ours = this.term(index);
      if (ours === undefined) return [index, 0];
      if (ours <= term) return [index, ours];
    }
    return [0, 0];
  }

  unstableEntries(): Entry[] {
    return this.unstable.entries.slice();
  }

  /** Committed entries not yet applied, within the per-Ready size limit. */
  nextCommittedEntries(): Entry[] {
    const lo = Math.max(this.applied + 1, this.firstIndex());
    if (this.committed + 1 <= lo) return [];
    return this.slice(lo, this.committed + 1, this.committedSizePerReadyBytesMax);
  }

  hasNextCommittedEntries(): boolean {
    return this.committed + 1 > Math.max(this.applied + 1, this.firstIndex());
  }

  /** The pending (unstable) snapshot, else the storage's. */
  snapshot(): Snapshot {
    return this.unstable.snapshot ?? this.storage.snapshot();
  }

  firstIndex(): number {
    return this.unstable.maybeFirstIndex() ?? this.storage.firstIndex();
  }

  lastIndex(): number {
    return this.unstable.maybeLastIndex() ?? this.storage.lastIndex();
  }

  /** The last index of the prefix that is durable and still valid. */
  stableLastIndex(): number {
    if (this.unstable.snapshot !== null) return 0;
    return this.unstable.offset - 1;
  }

  commitTo(index: number): void {
    if (this.committed >= index) return;
    assert(
      this.lastIndex() >= index,
      `tocommit(${index}) is out of range [lastIndex(${this.lastIndex()})]. Was the raft log corrupted, truncated, or lost?`,
    );
    this.committed = index;
  }

  appliedTo(index: number): void {
    if (index === 0) return;
    assert(
      this.committed >= index && index >= this.applied,
      `applied(${index}) is out of range [prevApplied(${this.applied}), committed(${this.committed})]`,
    );
    this.applied = index;
  }

  stableTo(index: number, term: number): void {
    this.unstable.stableTo(index, term);
  }

  stableSnapTo(index: number): void {
    this.unstable.stableSnapTo(index);
  }

  lastTerm(): number {
    const term = this.term(this.lastIndex());
    assert(term !== undefined, "unexpected error when getting the last term");
    return term;
  }

  /**
   * The term of the entry at `index`; undefined when it is compacted or
   * beyond the last index.
   */
  term(index: number): number | undefined {
    const dummyIndex = this.firstIndex() - 1;
    if (index < dummyIndex || index > this.lastIndex()) return undefined;
    const unstable = this.unstable.maybeTerm(index);
    if (unstable !== undefined) return unstable;
    try {
      return this.storage.term(index);
    } catch (error) {
      if (error instanceof CompactedError || error instanceof UnavailableError) return undefined;
      throw error;
    }
  }

  matchTerm(index: number, term: number): boolean {
    return this.term(index) === term;
  }

  /** Entries from `index` on, within `maxSizeBytes`; throws CompactedError. */
  entries(index: number, maxSizeBytes: number): Entry[] {
    if (index > this.lastIndex()) return [];
    return this.slice(index, this.lastIndex() + 1, maxSizeBytes);
  }

  /** Whether a log ending at (`lastIndex`, `term`) is at least as up to date as ours. */
  isUpToDate(lastIndex: number, term: number): boolean {
    const ourTerm = this.lastTerm();
    return term > ourTerm || (term === ourTerm && lastIndex >= this.lastIndex());
  }

  /**
   * Commits up to `maxIndex` if that entry is of `term` (only entries of the
   * leader's own term are committed by counting; Raft paper figure 8).
   * `anyTerm` is a deliberate bug for the simulator.
   */
  maybeCommit(maxIndex: number, term: number, anyTerm = false): boolean {
    if (maxIndex > this.committed && (anyTerm || this.term(maxIndex) === term)) {
      this.commitTo(maxIndex);
      return true;
    }
    return false;
  }

  /** Replaces the log with a snapshot. */
  restore(snapshot: Snapshot): void {
    this.committed = snapshot.metadata.index;
    this.unstable.restore(snapshot);
  }

  /** Entries in `[lo, hi)` within `maxSizeBytes` (at least one); throws CompactedError. */
  slice(lo: number, hi: number, maxSizeBytes: number): Entry[] {
    this.#checkOutOfBounds(lo, hi);
    if (lo === hi) return [];
    let entries: Entry[] = [];
    if (lo < this.unstable.offset) {
      const stored = this.storage.entries(lo, Math.min(hi, this.unstable.offset), maxSizeBytes);
      // A short answer from storage means the size limit was reached.
      if (stored.length < Math.min(hi, this.unstable.offset) - lo) return stored;
      entries = stored;
    }
    if (hi > this.unstable.offset) {
      const tail = this.unstable.slice(Math.max(lo, this.unstable.offset), hi);
      entries = entries.length > 0 ? [...entries, ...tail] : tail;
    }
    return limitSize(entries, maxSizeBytes);
  }

  #checkOutOfBounds(lo: number, hi: number): void {
    assert(lo <= hi, `invalid slice ${lo} > ${hi}`);
    const first = this.firstIndex();
    if (lo < first) throw new CompactedError();
    const length = this.lastIndex() + 1 - first;
    assert(hi <= first + length, `slice[${lo},${hi}) out of bound [${first},${this.lastIndex()}]`);
  }
}
