/**
 * When to snapshot and how far to compact, as etcd decides it: a snapshot
 * is taken once more than `--snapshot-count` entries were applied since the
 * last one; the in-memory log is then compacted to the snapshot index less
 * `catchUpEntries`, so a follower a little behind still catches up from the
 * log rather than from a snapshot. (WAL segments wholly before the snapshot
 * are released by DiskStorage when the snapshot is durable.)
 *
 * @module
 */

import { snapshotCatchUpEntriesDefault, snapshotCountDefault } from "../util/limits.ts";

/** etcd's --snapshot-count and SnapshotCatchUpEntries. */
export interface SnapshotPolicy {
  /** Applied entries between snapshots; 0 never snapshots. */
  readonly snapshotCount: number;
  /** Entries kept before the snapshot index when compacting. */
  readonly catchUpEntries: number;
}

/** etcd's defaults: a snapshot every 100,000 entries, keeping 5,000. */
export const DEFAULT_SNAPSHOT_POLICY: SnapshotPolicy = {
  snapshotCount: snapshotCountDefault,
  catchUpEntries: snapshotCatchUpEntriesDefault,
};

/** Checks a policy (from flags); throws RangeError naming the bad value. */
export function validateSnapshotPolicy(policy: SnapshotPolicy): SnapshotPolicy {
  for (const [name, value] of Object.entries(policy)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new RangeError(
        `Cannot use snapshot policy: "${name}" must be a non-negative integer, got ${value}`,
      );
    }
  }
  return policy;
}

/** Whether a snapshot is due at `appliedIndex`, the last one being at `snapshotIndex`. */
export function snapshotDue(
  policy: SnapshotPolicy,
  appliedIndex: number,
  snapshotIndex: number,
): boolean {
  return policy.snapshotCount > 0 && appliedIndex - snapshotIndex > policy.snapshotCount;
}

/**
 * The index to compact the log to after a snapshot at `snapshotIndex`, or 0
 * when nothing before `firstIndex` would go.
 */
export function compactIndexAfter(
  policy: SnapshotPolicy,
  snapshotIndex: number,
  firstIndex: number,
): number {
  const compactTo = snapshotIndex - policy.catchUpEntries;
  return compactTo >= firstIndex ? compactTo : 0;
}
