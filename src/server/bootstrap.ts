/**
 * Opening a member's data directory: a member that ran before recovers its
 * WAL and newest snapshot (the `initial-*` settings are then ignored, as in
 * etcd); a new member of a new cluster creates an empty storage whose
 * bootstrap snapshot holds the initial members.
 *
 * Layout as etcd's: `<data-dir>/member/wal/` and `<data-dir>/member/snap/`,
 * plus `<data-dir>/member/cluster-token.json` (etcd-ts only): the
 * `--initial-cluster-token` a new cluster's member was created with. A
 * restart given another token explicitly refuses to start (etcd 3.4 ignores
 * it and restarts the old member); a restart with the token left at its
 * default ignores it, as it ignores every `initial-*` setting. A member that
 * joined a running cluster records none (its ids came from the cluster, not
 * from its own token), nor does a data directory from before this file.
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

/** The data directory belongs to a cluster created with another `--initial-cluster-token`. */
export class ClusterTokenMismatchError extends Error {
  constructor(
    readonly dataDir: string,
    readonly recorded: string,
    readonly configured: string,
  ) {
    super(
      `data dir ${JSON.stringify(dataDir)} belongs to cluster token ${
        JSON.stringify(recorded)
      }, not ${JSON.stringify(configured)} (--initial-cluster-token); ` +
        "a restart ignores the initial-* settings: drop the flag, or use another data dir",
    );
    this.name = "ClusterTokenMismatchError";
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
  /**
   * `--initial-cluster-token`: recorded when a new cluster's member is
   * created; on a restart, compared with the recorded one if `explicit`.
   */
  readonly clusterToken?: { readonly value: string; readonly explicit: boolean };
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
  const token = options.clusterToken;
  if (DiskStorage.exists(fs, memberDir)) {
    // Before the WAL is opened: a refused start leaves the data as it found it.
    if (token?.explicit === true) checkClusterToken(fs, dataDir, token.value);
    const opened = DiskStorage.open(fs, memberDir, options.storage);
    const snapshot = opened.storage.snapshot();
    // A member that joined and stopped before the leader's first snapshot
    // reached it has no state yet: it waits for that snapshot again, knowing
    // the members it was started with (it must accept the leader's stream).
    const machine = snapshot.metadata.index === 0
      ? StateMachine.joining(options.initialMembers, options.machine)
      : StateMachine.restore(snapshot.data, snapshot.metadata.index, options.machine);
    return {
      storage: opened.storage,
      machine,
      memberId: opened.metadata.memberId,
      clusterId: opened.metadata.clusterId,
      restarted: true,
      repaired: opened.repaired,
    };
  }
  // Durable before the WAL that makes the member exist; a crash in between leaves a new start.
  if (options.join === true || token === undefined) forgetClusterToken(fs, memberDir);
  else recordClusterToken(fs, memberDir, token.value);
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

/** The file recording the token a new cluster's member was created with. */
export const clusterTokenFile = "cluster-token.json";

/** The token recorded in `dataDir`, or null (a joined member, or older data). */
export function readClusterToken(fs: FileSystem, dataDir: string): string | null {
  const path = joinPath(memberDirOf(dataDir), clusterTokenFile);
  if (!fs.exists(path)) return null;
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(fs.readFile(path)));
    const token = (parsed as Record<string, unknown> | null)?.["initial-cluster-token"];
    if (typeof token !== "string") throw new Error("no initial-cluster-token string");
    return token;
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new DataDirError(dataDir, `cannot read ${path}: ${reason}`);
  }
}

function checkClusterToken(fs: FileSystem, dataDir: string, configured: string): void {
  const recorded = readClusterToken(fs, dataDir);
  if (recorded !== null && recorded !== configured) {
    throw new ClusterTokenMismatchError(dataDir, recorded, configured);
  }
}

/** Writes the token file durably: a synced temporary file renamed over it, the directory synced. */
function recordClusterToken(fs: FileSystem, memberDir: string, token: string): void {
  makeDirDurably(fs, memberDir);
  const path = joinPath(memberDir, clusterTokenFile);
  const temp = `${path}.tmp`;
  if (fs.exists(temp)) fs.remove(temp);
  const bytes = new TextEncoder().encode(`${JSON.stringify({ "initial-cluster-token": token })}\n`);
  const file = fs.open(temp, { create: true, write: true });
  try {
    file.writeAt(bytes, 0);
    file.syncSync();
  } finally {
    file.close();
  }
  fs.rename(temp, path);
  fs.syncDir(memberDir);
}

/** Removes a token file left by a new start that crashed before its WAL existed. */
function forgetClusterToken(fs: FileSystem, memberDir: string): void {
  const path = joinPath(memberDir, clusterTokenFile);
  if (!fs.exists(path)) return;
  fs.remove(path);
  fs.syncDir(memberDir);
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
