/**
 * Entries and a snapshot not yet written to stable storage. `offset` is the
 * index of the first unstable entry; everything before it is in storage.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { Entry, Snapshot } from "./types.ts";

/** The unstable tail of the log. */
export class UnstableLog {
  snapshot: Snapshot | null = null;
  entries: Entry[] = [];
  offset: number;

  constructor(offset: number) {
    this.offset = offset;
  }

  /** The first index if a snapshot is pending. */
  maybeFirstIndex(): number | undefined {
    return this.snapshot === null ? undefined : this.snapshot.metadata.index + 1;
  }

  /** The last index held here (entries, else the pending snapshot's). */
  maybeLastIndex(): number | undefined {
    if (this.entries.length > 0) return this.offset + this.entries.length - 1;
    return this.snapshot === null ? undefined : this.snapshot.metadata.index;
  }

  /** The term of the entry at `index`, if held here. */
  maybeTerm(index: number): number | undefined {
    if (index < this.offset) {
      if (this.snapshot !== null && this.snapshot.metadata.index === index) {
        return this.snapshot.metadata.term;
      }
      return undefined;
    }
    const last = this.maybeLastIndex();
    if (last === undefined || index > last) return undefined;
    return this.entries[index - this.offset]!.term;
  }

  /** Entries up to `index` (of term `term`) reached stable storage. */
  stableTo(index: number, term: number): void {
    const held = this.maybeTerm(index);
    if (held === undefined) return;
    // Only when the entry was not replaced meanwhile.
    if (held === term && index >= this.offset) {
      this.entries = this.entries.slice(index + 1 - this.offset);
      this.offset = index + 1;
    }
  }

  /** The snapshot at `index` reached stable storage. */
  stableSnapTo(index: number): void {
    if (this.snapshot !== null && this.snapshot.metadata.index === index) this.snapshot = null;
  }

  /** Replaces everything with a snapshot. */
  restore(snapshot: Snapshot): void {
    this.offset = snapshot.metadata.index + 1;
    this.entries = [];
    this.snapshot = snapshot;
  }

  /** Appends entries, replacing any held entries at or after the first one. */
  truncateAndAppend(entries: readonly Entry[]): void {
    const after = entries[0]!.index;
    if (after === this.offset + this.entries.length) {
      for (const entry of entries) this.entries.push(entry);
    } else if (after <= this.offset) {
      // The log is being truncated to before our offset: replace everything.
      this.offset = after;
      this.entries = [...entries];
    } else {
      this.entries = [...this.slice(this.offset, after), ...entries];
    }
  }

  /** Entries in `[lo, hi)`, which must lie within the held entries. */
  slice(lo: number, hi: number): Entry[] {
    assert(lo <= hi, `invalid unstable.slice ${lo} > ${hi}`);
    const upper = this.offset + this.entries.length;
    assert(
      lo >= this.offset && hi <= upper,
      `unstable.slice[${lo},${hi}) out of bound [${this.offset},${upper}]`,
    );
    return this.entries.slice(lo - this.offset, hi - this.offset);
  }
}
