/**
 * Opening a member's data directory: a member that ran before recovers its
 * WAL and newest snapshot (the `initial-*` settings are then ignored, as in
 * etcd); a new member of a new cluster creates an empty storage whose
 * bootstrap snapshot holds the initial members.
 *
 * Layout as etcd's: `<data-dir>/member/wal/` and `<data-dir>/member/snap/`.
 *
 * @module
 */

import type { Member } from "../proto/rpc.ts";
import type { FileSystem } from "../storage/fs.ts";
import { joinPath, parentDir } from "../storage/fs.ts";
import { DiskStorage, type DiskStorageOptions } from "../storage/raft_storage.ts";
import { StateMachine, type StateMachineOptions } from "./state_machine.ts";

/** The data directory cannot be used (not a directory, not writable). */
export class DataDirError extends Error {
  constructor(dataDir: string, reason: string) {
    super(`cannot access data directory "${dataDir}": ${reason}`);
    this.name = "DataDirError";
  }
}

/** What a member starts from. */
export interface BootstrapOptions {
  readonly fs: FileSystem;
  readonly dataDir: string;
  /** The ids of a new member (derived from the initial cluster); a restart reads them from the WAL. */
  readonly memberId: bigint;
  readonly clusterId: bigint;
  /** The members of a new cluster (this one included), or of the cluster being joined. */
  readonly initialMembers: readonly Member[];
  /**
   * True when joining a running cluster (`--initial-cluster-state existing`):
   * no bootstrap snapshot; the leader sends the state.
   */
  readonly join?: boolean;
  readonly storage: DiskStorageOptions;
  readonly machine: StateMachineOptions;
}

/** A member's recovered or fresh storage and state. */
export interface Bootstrapped {
  readonly storage: DiskStorage;
  readonly machine: StateMachine;
  readonly memberId: bigint;
  readonly clusterId: bigint;
  /** True when the data directory held a member that ran before. */
  readonly restarted: boolean;
  /** A torn WAL tail that recovery cut off, if any. */
  readonly repaired: { readonly file: string; readonly offset: number } | null;
}

/** The directory holding `wal/` and `snap/`. */
export function memberDirOf(dataDir: string): string {
  return joinPath(dataDir, "member");
}

/** Opens or creates the member in `options.dataDir`. */
export function bootstrapMember(options: BootstrapOptions): Bootstrapped {
  const { fs, dataDir } = options;
  checkDataDir(fs, dataDir);
  const memberDir = memberDirOf(dataDir);
  if (DiskStorage.exists(fs, memberDir)) {
    const opened = DiskStorage.open(fs, memberDir, options.storage);
    const snapshot = opened.storage.snapshot();
    const machine = StateMachine.restore(snapshot.data, snapshot.metadata.index, options.machine);
    return {
      storage: opened.storage,
      machine,
      memberId: opened.metadata.memberId,
      clusterId: opened.metadata.clusterId,
      restarted: true,
      repaired: opened.repaired,
    };
  }
  const metadata = { memberId: options.memberId, clusterId: options.clusterId };
  const storage = DiskStorage.create(fs, memberDir, metadata, options.storage);
  if (options.join === true) {
    const machine = StateMachine.joining(options.initialMembers, options.machine);
    return { storage, machine, ...metadata, restarted: false, repaired: null };
  }
  const machine = StateMachine.create(options.initialMembers, options.machine);
  const voters = options.initialMembers.filter((m) => !m.isLearner).map((m) => m.id);
  const learners = options.initialMembers.filter((m) => m.isLearner).map((m) => m.id);
  storage.bootstrap(
    { voters, learners, votersOutgoing: [], learnersNext: [], autoLeave: false },
    machine.snapshot(),
  );
  return { storage, machine, ...metadata, restarted: false, repaired: null };
}

/**
 * Creates `dir` and any missing parents, syncing the parent of each new
 * directory, so the new entries survive a power loss like the files in them.
 */
function makeDirDurably(fs: FileSystem, dir: string): void {
  const missing: string[] = [];
  for (let path = dir; !fs.exists(path); path = parentDir(path)) {
    missing.push(path);
    if (parentDir(path) === path) break;
  }
  if (missing.length === 0) return;
  fs.mkdirAll(dir);
  for (const path of missing) fs.syncDir(parentDir(path));
}

/** Creates the data directory if needed and proves it is a writable directory. */
function checkDataDir(fs: FileSystem, dataDir: string): void {
  try {
    makeDirDurably(fs, dataDir);
    const probe = joinPath(dataDir, ".touch");
    const file = fs.open(probe, { create: true, write: true });
    file.close();
    fs.remove(probe);
  } catch (error) {
    throw new DataDirError(dataDir, error instanceof Error ? error.message : String(error));
  }
}
