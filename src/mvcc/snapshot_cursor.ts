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
import { crc32cRange } from "../util/crc32c.ts";
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
  /** Abandons the snapshot (ends the deferred compaction); a no-op once finished. */
  cancel(): void;
}

/** The cursor over a store's state; `release` runs once, when it finishes or is cancelled. */
export class StateSnapshotCursor implements SnapshotCursor {
  readonly revision: number;
  readonly #writer = new ByteWriter();
  readonly #body: SnapshotBodyEncoder;
  #release: (() => void) | null;
  /** CRC-32C of the bytes before `#crcEnd`. */
  #crc = 0;
  #crcEnd = 0;
  #result: Uint8Array | null = null;

  constructor(state: StoreState, release: () => void) {
    assert(!state.compactionDeferred, "mvcc snapshot: a cursor over a half-compacted state");
    this.revision = state.currentRevision;
    this.#release = release;
    this.#body = new SnapshotBodyEncoder(state, {
      revision: state.currentRevision,
      compactRevision: state.compactRevision,
      filterCompacted: false,
      keyCount: state.indexedKeys,
    }, this.#writer);
  }

  step(budgetBytes: number): boolean {
    if (this.#result !== null) return true;
    assert(this.#release !== null, "mvcc snapshot: step of a cancelled cursor");
    const finished = this.#body.step(budgetBytes);
    const written = this.#writer.finish();
    this.#crc = crc32cRange(written, this.#crcEnd, written.length, this.#crc);
    this.#crcEnd = written.length;
    if (!finished) return false;
    this.#writer.uint32(this.#crc);
    this.#result = this.#writer.finish();
    this.#releaseOnce();
    return true;
  }

  result(): Uint8Array {
    assert(this.#result !== null, "mvcc snapshot: result of an unfinished cursor");
    return this.#result;
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
