/**
 * A member's durable state. Two kinds, chosen per seed:
 * - memory: a MemoryStorage holds exactly what was persisted; the Ready loop
 *   writes it before sending, so a crash keeps all of it (less the unsynced
 *   commit index with the "unsyncedLoss" fault);
 * - wal ("walDisk" fault): the real DiskStorage (WAL segments and snapshot
 *   files) on a MemFileSystem; a Ready is saved and, when it must be, synced;
 *   a crash keeps only synced data (with "tornWrite", a torn unsynced tail)
 *   and the restart recovers through DiskStorage.open.
 *
 * @module
 */

import {
  type ConfState,
  type HardState,
  isEmptySnapshot,
  MemoryStorage,
  type NodeId,
  type Ready,
} from "../../src/raft/mod.ts";
import { MemFileSystem } from "../../src/storage/mem_fs.ts";
import { DiskStorage } from "../../src/storage/raft_storage.ts";
import type { SeededPrng } from "../../src/util/prng.ts";

/** Either kind of storage; both have the write side the node uses. */
export type SimStorage = MemoryStorage | DiskStorage;

/** How a member's disk behaves. */
export interface SimDiskOptions {
  readonly wal: boolean;
  readonly walSegmentBytes: number;
  /** Source of torn writes at a crash (wal only); null for none. */
  readonly tornWrites: SeededPrng | null;
}

const MEMBER_DIR = "member";
const CLUSTER_ID = 0x5157n;

/** The durable state of one member. */
export class SimDisk {
  storage: SimStorage;
  /** Persisted Readys (for statistics). */
  writes = 0;
  /** Recoveries that cut a torn WAL tail (wal only). */
  repairs = 0;
  readonly #fs: MemFileSystem | null;
  readonly #options: SimDiskOptions;
  /** The hard state as of the last write that was fsynced (Ready.mustSync). */
  #synced: HardState;

  /**
   * A fresh disk. `initial` is the bootstrap configuration (the initial
   * members, in the bootstrap snapshot at index 1); null for a member that
   * joins later with an empty disk and learns everything from the leader.
   */
  constructor(id: NodeId, initial: ConfState | null, options: SimDiskOptions) {
    this.#options = options;
    if (options.wal) {
      this.#fs = new MemFileSystem();
      this.storage = DiskStorage.create(this.#fs, MEMBER_DIR, {
        memberId: id,
        clusterId: CLUSTER_ID,
      }, {
        wal: { segmentBytes: options.walSegmentBytes },
      });
    } else {
      this.#fs = null;
      this.storage = new MemoryStorage();
    }
    if (initial !== null) this.storage.bootstrap(initial);
    this.#synced = this.storage.hardState();
  }

  /**
   * Persists a Ready in the order of the contract: snapshot, then entries,
   * then hard state; syncs when the Ready says so. Returns the hard state
   * durable before.
   */
  persist(ready: Ready): HardState {
    const storage = this.storage;
    const previous = storage.hardState();
    const snapshot = ready.snapshot !== null && !isEmptySnapshot(ready.snapshot)
      ? ready.snapshot
      : null;
    if (storage instanceof DiskStorage) {
      storage.save(ready.hardState, ready.entries, snapshot);
      if (ready.mustSync) storage.syncSync();
    } else {
      if (snapshot !== null) storage.applySnapshot(snapshot);
      if (ready.entries.length > 0) storage.append(ready.entries);
      if (ready.hardState !== null) storage.setHardState(ready.hardState);
    }
    if (ready.mustSync) this.#synced = storage.hardState();
    this.writes++;
    return previous;
  }

  /**
   * A crash. On the WAL disk, everything not synced is lost (or torn) and
   * the storage is recovered from the files. On the memory disk, with
   * `loseCommit`, the commit index falls back to the last synced one (a
   * Ready that only moved it is not synced, as in etcd), never below the
   * snapshot (snapshot files are always synced).
   */
  crash(loseCommit: boolean): void {
    if (this.#fs !== null) {
      const storage = this.storage as DiskStorage;
      storage.close();
      const tornWrite = this.#options.tornWrites;
      this.#fs.crash(tornWrite === null ? {} : { tornWrite: { prng: tornWrite } });
      const opened = DiskStorage.open(this.#fs, MEMBER_DIR, {
        wal: { segmentBytes: this.#options.walSegmentBytes },
      });
      if (opened.repaired !== null) this.repairs++;
      this.storage = opened.storage;
    } else if (loseCommit) {
      const storage = this.storage as MemoryStorage;
      const current = storage.hardState();
      const floor = storage.snapshot().metadata.index;
      const commit = Math.min(current.commit, Math.max(this.#synced.commit, floor));
      if (commit !== current.commit) storage.setHardState({ ...current, commit });
    }
    this.#synced = this.storage.hardState();
  }
}
