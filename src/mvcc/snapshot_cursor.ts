/**
 * An incremental snapshot: the bytes {@linkcode KvStore.toSnapshot} would
 * return at one revision, written a budget of bytes at a time while the
 * store goes on changing, so a large store never blocks its caller for
 * long.
 *
 * The cursor holds the revision R it began at and writes only records with
 * main ≤ R (keys created later have none). Records at or before R leave
 * the state only by compaction, which the store defers while a cursor is
 * open; the cursor's release ends the deferral.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { ChecksumRange } from "../util/crc.ts";
import { ByteWriter } from "./byte_io.ts";
import { SnapshotBodyEncoder } from "./snapshot_codec.ts";
import type { StoreState } from "./store_state.ts";

/** A snapshot being written a step at a time (see {@linkcode KvStore.beginSnapshot}). */
export interface SnapshotCursor {
  /** The store's current revision when the snapshot began: the snapshot's revision. */
  readonly revision: number;
  /**
   * Writes about `budgetBytes` more (at least one record, stopping at a
   * record boundary); returns true when the snapshot is finished.
   */
  step(budgetBytes: number): boolean;
  /**
   * The finished snapshot: byte for byte what toSnapshot() returned when
   * the cursor began. Throws if not finished.
   */
  result(): Uint8Array;
  /** The finished snapshot's length in bytes. Throws if not finished. */
  readonly length: number;
  /** Copies the finished snapshot into `target` at `offset` (no other copy). Throws if not finished. */
  copyTo(target: Uint8Array, offset: number): void;
  /**
   * The same a step at a time: copies about `budgetBytes` more (whole
   * chunks, at least one) of the finished snapshot into `target` at
   * `offset`; true once all of it is there. Every call must pass the same
   * target and offset.
   */
  copyStep(target: Uint8Array, offset: number, budgetBytes: number): boolean;
  /** Abandons the snapshot (ends the deferred compaction); a no-op once finished. */
  cancel(): void;
}

/**
 * The cursor over a store's state; `release` runs once, when it finishes or
 * is cancelled. Its bytes are kept as the writer streams them, in chunks, so
 * a snapshot of tens of MB never grows (and copies) one buffer step after
 * step; the one copy into a contiguous buffer happens when it is asked for.
 */
export class StateSnapshotCursor implements SnapshotCursor {
  readonly revision: number;
  readonly #chunks: Uint8Array[] = [];
  #length = 0;
  /** CRC-32 of the bytes streamed so far. */
  #crc = 0;
  readonly #checksum: ChecksumRange;
  readonly #writer = new ByteWriter((chunk) => {
    this.#crc = this.#checksum(chunk, 0, chunk.length, this.#crc);
    this.#chunks.push(chunk.slice());
    this.#length += chunk.length;
  });
  readonly #body: SnapshotBodyEncoder;
  #release: (() => void) | null;
  #finished = false;
  /** Where a copy a step at a time stands: chunks and bytes copied so far. */
  #copiedChunks = 0;
  #copiedBytes = 0;

  /** `checksum` computes the trailer's CRC-32 (see snapshot_codec.ts). */
  constructor(state: StoreState, release: () => void, checksum: ChecksumRange) {
    assert(!state.compactionDeferred, "mvcc snapshot: a cursor over a half-compacted state");
    this.revision = state.currentRevision;
    this.#release = release;
    this.#checksum = checksum;
    this.#body = new SnapshotBodyEncoder(state, {
      revision: state.currentRevision,
      compactRevision: state.compactRevision,
      filterCompacted: false,
      keyCount: state.indexedKeys,
    }, this.#writer);
  }

  step(budgetBytes: number): boolean {
    if (this.#finished) return true;
    assert(this.#release !== null, "mvcc snapshot: step of a cancelled cursor");
    const finished = this.#body.step(budgetBytes);
    this.#writer.finish(); // streams what the step wrote (and updates the CRC)
    if (!finished) return false;
    const trailer = new Uint8Array(4);
    new DataView(trailer.buffer).setUint32(0, this.#crc, true);
    this.#chunks.push(trailer);
    this.#length += trailer.length;
    this.#finished = true;
    this.#releaseOnce();
    return true;
  }

  get length(): number {
    assert(this.#finished, "mvcc snapshot: length of an unfinished cursor");
    return this.#length;
  }

  copyTo(target: Uint8Array, offset: number): void {
    this.#copiedChunks = 0; // all of it, whatever a stepped copy left
    this.#copiedBytes = 0;
    while (!this.copyStep(target, offset, Infinity));
  }

  copyStep(target: Uint8Array, offset: number, budgetBytes: number): boolean {
    assert(this.#finished, "mvcc snapshot: copy of an unfinished cursor");
    assert(offset >= 0 && offset + this.#length <= target.length, "mvcc snapshot: copy target");
    const chunks = this.#chunks;
    let copied = 0;
    while (this.#copiedChunks < chunks.length && (copied === 0 || copied < budgetBytes)) {
      const chunk = chunks[this.#copiedChunks++]!;
      target.set(chunk, offset + this.#copiedBytes);
      this.#copiedBytes += chunk.length;
      copied += chunk.length;
    }
    if (this.#copiedChunks < chunks.length) return false;
    this.#copiedChunks = 0; // a later copy starts over
    this.#copiedBytes = 0;
    return true;
  }

  result(): Uint8Array {
    const bytes = new Uint8Array(this.length);
    this.copyTo(bytes, 0);
    return bytes;
  }

  cancel(): void {
    this.#releaseOnce();
  }

  #releaseOnce(): void {
    const release = this.#release;
    this.#release = null;
    release?.();
  }
}
