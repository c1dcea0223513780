/**
 * The {@linkcode Storage} interface the Raft core reads its stable log
 * through, and {@linkcode MemoryStorage}, the in-memory implementation.
 *
 * Durability is the caller's job: the core only reads what the caller has
 * already appended after persisting a Ready.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { CompactedError, SnapOutOfDateError, UnavailableError } from "./errors.ts";
import type { ConfState, Entry, HardState, Snapshot } from "./types.ts";
import { EMPTY_CONF_STATE, EMPTY_HARD_STATE, NONE } from "./types.ts";

/** What a member restarts from. */
export interface InitialState {
  readonly hardState: HardState;
  readonly confState: ConfState;
}

/**
 * Read access to the stable log. Methods throw {@linkcode CompactedError}
 * for indexes before `firstIndex()` and {@linkcode UnavailableError} past
 * `lastIndex()`.
 */
export interface Storage {
  initialState(): InitialState;
  /**
   * Entries in `[lo, hi)`, at most `maxSizeBytes` of data, but always at
   * least one entry when any is in range.
   */
  entries(lo: number, hi: number, maxSizeBytes: number): Entry[];
  /** The term of the entry at `index`, for `firstIndex() - 1 <= index <= lastIndex()`. */
  term(index: number): number;
  lastIndex(): number;
  /** The index of the first entry that may be read (snapshot index + 1). */
  firstIndex(): number;
  /** The most recent snapshot. */
  snapshot(): Snapshot;
}

/** The bytes an entry counts for in size limits. */
export function entrySizeBytes(entry: Entry): number {
  return entry.data.byteLength + 24;
}

/**
 * Entries from the start of `entries` while their total size stays within
 * `maxSizeBytes`; always at least one entry if any is given.
 */
export function limitSize(entries: Entry[], maxSizeBytes: number): Entry[] {
  if (entries.length === 0) return entries;
  let size = entrySizeBytes(entries[0]!);
  let limit = 1;
  for (; limit < entries.length; limit++) {
    size += entrySizeBytes(entries[limit]!);
    if (size > maxSizeBytes) break;
  }
  return limit === entries.length ? entries : entries.slice(0, limit);
}

/** The index of the bootstrap snapshot that holds a new cluster's initial membership. */
export const BOOTSTRAP_INDEX = 1;

const EMPTY_SNAPSHOT: Snapshot = {
  data: new Uint8Array(0),
  metadata: { confState: EMPTY_CONF_STATE, index: 0, term: 0 },
};

/**
 * Storage kept in memory. `#entries[0]` is a dummy entry holding the index
 * and term of the last compacted entry (the snapshot's).
 */
export class MemoryStorage implements Storage {
  #hardState: HardState = EMPTY_HARD_STATE;
  #snapshot: Snapshot = EMPTY_SNAPSHOT;
  #entries: Entry[] = [{ term: 0, index: 0, type: "normal", data: new Uint8Array(0) }];

  initialState(): InitialState {
    return { hardState: this.#hardState, confState: this.#snapshot.metadata.confState };
  }

  /**
   * Prepares a new member's storage: a bootstrap snapshot at index 1 (term 0)
   * holding the initial membership and the state machine's initial bytes.
   * Being a real snapshot, it is what a member joining later receives first,
   * so every member learns the initial membership. Call before the first
   * RawNode is created.
   */
  bootstrap(confState: ConfState, data: Uint8Array = new Uint8Array(0)): void {
    assert(
      this.lastIndex() === 0 && this.#snapshot.metadata.index === 0,
      "bootstrap needs an empty storage",
    );
    this.applySnapshot({ data, metadata: { index: BOOTSTRAP_INDEX, term: 0, confState } });
    // The bootstrap snapshot is committed by definition.
    this.#hardState = { term: 0, vote: NONE, commit: BOOTSTRAP_INDEX };
  }

  /** Records the durable hard state. */
  setHardState(state: HardState): void {
    this.#hardState = state;
  }

  /** The recorded hard state. */
  hardState(): HardState {
    return this.#hardState;
  }

  entries(lo: number, hi: number, maxSizeBytes: number): Entry[] {
    const offset = this.#entries[0]!.index;
    if (lo <= offset) throw new CompactedError();
    if (hi > this.lastIndex() + 1) {
      throw new UnavailableError(
        `entries' hi(${hi}) is out of bound lastindex(${this.lastIndex()})`,
      );
    }
    if (this.#entries.length === 1) throw new UnavailableError();
    return limitSize(this.#entries.slice(lo - offset, hi - offset), maxSizeBytes);
  }

  term(index: number): number {
    const offset = this.#entries[0]!.index;
    if (index < offset) throw new CompactedError();
    if (index - offset >= this.#entries.length) throw new UnavailableError();
    return this.#entries[index - offset]!.term;
  }

  lastIndex(): number {
    const first = this.#entries[0]!;
    return first.index + this.#entries.length - 1;
  }

  firstIndex(): number {
    return this.#entries[0]!.index + 1;
  }

  snapshot(): Snapshot {
    return this.#snapshot;
  }

  /** Replaces the contents with a snapshot (a follower installing one). */
  applySnapshot(snapshot: Snapshot): void {
    const index = snapshot.metadata.index;
    if (this.#snapshot.metadata.index >= index) throw new SnapOutOfDateError();
    this.#snapshot = snapshot;
    this.#entries = [{
      term: snapshot.metadata.term,
      index,
      type: "normal",
      data: new Uint8Array(0),
    }];
  }

  /**
   * Makes a snapshot at `index` (at most the last index) holding `data`;
   * the caller compacts separately.
   */
  createSnapshot(index: number, confState: ConfState | null, data: Uint8Array): Snapshot {
    if (index <= this.#snapshot.metadata.index) throw new SnapOutOfDateError();
    const offset = this.#entries[0]!.index;
    if (index < offset) throw new CompactedError();
    assert(
      index <= this.lastIndex(),
      `snapshot ${index} is out of bound lastindex(${this.lastIndex()})`,
    );
    const metadata = {
      index,
      term: this.#entries[index - offset]!.term,
      confState: confState ?? this.#snapshot.metadata.confState,
    };
    this.#snapshot = { data, metadata };
    return this.#snapshot;
  }

  /** Discards entries up to and including `compactIndex`. */
  compact(compactIndex: number): void {
    const offset = this.#entries[0]!.index;
    if (compactIndex <= offset) throw new CompactedError();
    assert(
      compactIndex <= this.lastIndex(),
      `compact ${compactIndex} is out of bound lastindex(${this.lastIndex()})`,
    );
    const i = compactIndex - offset;
    const kept = this.#entries.slice(i);
    const first = kept[0]!;
    kept[0] = { term: first.term, index: first.index, type: "normal", data: new Uint8Array(0) };
    this.#entries = kept;
  }

  /**
   * Appends entries that the caller has made durable. Entries that overlap
   * existing ones replace them (and everything after them); entries older
   * than the first index are ignored.
   */
  append(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const first = this.firstIndex();
    const last = entries[0]!.index + entries.length - 1;
    if (last < first) return;
    const fresh = first > entries[0]!.index ? entries.slice(first - entries[0]!.index) : entries;
    const offset = fresh[0]!.index - this.#entries[0]!.index;
    assert(
      offset <= this.#entries.length,
      `missing log entry [last: ${this.lastIndex()}, append at: ${fresh[0]!.index}]`,
    );
    if (offset < this.#entries.length) this.#entries.length = offset;
    for (const entry of fresh) this.#entries.push(entry);
  }
}
