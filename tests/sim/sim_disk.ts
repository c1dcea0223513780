/**
 * A member's durable state: its MemoryStorage holds exactly what was
 * persisted (snapshot, entries, hard state). The Ready loop writes it
 * synchronously before sending, so a crash keeps all of it and loses only
 * volatile state (the RawNode, the state machine, waiters).
 *
 * @module
 */

import {
  type ConfState,
  type HardState,
  isEmptySnapshot,
  MemoryStorage,
  type Ready,
} from "../../src/raft/mod.ts";

/** The durable state of one member. */
export class SimDisk {
  readonly storage = new MemoryStorage();
  /** Persisted Readys (for statistics). */
  writes = 0;
  /** The hard state as of the last write that was fsynced (Ready.mustSync). */
  #synced: HardState;

  /**
   * A fresh disk. `initial` is the bootstrap configuration (the initial
   * members, in the bootstrap snapshot at index 1); null for a member that
   * joins later with an empty disk and learns everything from the leader.
   */
  constructor(initial: ConfState | null) {
    if (initial !== null) this.storage.bootstrap(initial);
    this.#synced = this.storage.hardState();
  }

  /**
   * Persists a Ready in the order of the contract: snapshot, then entries,
   * then hard state. Returns the hard state durable before.
   */
  persist(ready: Ready): HardState {
    const storage = this.storage;
    const previous = storage.hardState();
    if (ready.snapshot !== null && !isEmptySnapshot(ready.snapshot)) {
      storage.applySnapshot(ready.snapshot);
    }
    if (ready.entries.length > 0) storage.append(ready.entries);
    if (ready.hardState !== null) storage.setHardState(ready.hardState);
    if (ready.mustSync) this.#synced = storage.hardState();
    this.writes++;
    return previous;
  }

  /**
   * A crash loses what was written without fsync: a Ready that only moved
   * the commit index is not synced (etcd does the same), so the commit index
   * may fall back to the last synced one, but never below the snapshot
   * (snapshot files are always synced).
   */
  loseUnsynced(): void {
    const storage = this.storage;
    const current = storage.hardState();
    const floor = storage.snapshot().metadata.index;
    const commit = Math.min(current.commit, Math.max(this.#synced.commit, floor));
    if (commit !== current.commit) storage.setHardState({ ...current, commit });
    this.#synced = storage.hardState();
  }
}
