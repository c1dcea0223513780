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
  /** Bytes left free before the snapshot in {@linkcode result}, for the caller's own header. */
  readonly headroomBytes: number;
  /**
   * Writes about `budgetBytes` more (at least one record, stopping at a
   * record boundary); returns true when the snapshot is finished.
   */
  step(budgetBytes: number): boolean;
  /**
   * The finished snapshot, after {@linkcode headroomBytes} zero bytes: from
   * there, byte for byte what toSnapshot() returned when the cursor began.
   * No copy: the bytes were written in place. Throws if not finished.
   */
  result(): Uint8Array;
  /** Abandons the snapshot (ends the deferred compaction); a no-op once finished. */
  cancel(): void;
}

/** Bytes of a snapshot beyond its state's estimate: the header, and each key's counts. */
const HEADER_ESTIMATE_BYTES = 64;
const KEY_ESTIMATE_BYTES = 16;

/**
 * The cursor over a store's state; `release` runs once, when it finishes or
 * is cancelled. Its bytes are written straight into one buffer sized from
 * the state's estimated bytes (grown by doubling in the rare case the
 * estimate is short): no chunks, no copy at the end. The estimate is
 * generous, but pages never written cost no memory.
 */
export class StateSnapshotCursor implements SnapshotCursor {
  readonly revision: number;
  readonly headroomBytes: number;
  readonly #writer: ByteWriter;
  readonly #checksum: ChecksumRange;
  /** CRC-32 of the snapshot bytes up to `#crcTo` (an offset into the writer's bytes). */
  #crc = 0;
  #crcTo: number;
  readonly #body: SnapshotBodyEncoder;
  #release: (() => void) | null;
  #result: Uint8Array | null = null;

  /**
   * `checksum` computes the trailer's CRC-32 (see snapshot_codec.ts);
   * `headroomBytes` are left free before the snapshot in the result.
   */
  constructor(
    state: StoreState,
    release: () => void,
    checksum: ChecksumRange,
    headroomBytes = 0,
  ) {
    assert(!state.compactionDeferred, "mvcc snapshot: a cursor over a half-compacted state");
    assert(Number.isSafeInteger(headroomBytes) && headroomBytes >= 0, "mvcc snapshot: headroom");
    this.revision = state.currentRevision;
    this.headroomBytes = headroomBytes;
    this.#release = release;
    this.#checksum = checksum;
    const estimate = headroomBytes + HEADER_ESTIMATE_BYTES + state.heldBytes +
      KEY_ESTIMATE_BYTES * state.indexedKeys;
    this.#writer = new ByteWriter(null, estimate);
    this.#writer.reserve(headroomBytes);
    this.#crcTo = headroomBytes;
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
    const written = this.#writer.finish(); // a view of the bytes so far, no copy
    this.#crc = this.#checksum(written, this.#crcTo, written.length, this.#crc);
    this.#crcTo = written.length;
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
