/**
 * When to snapshot and how far to compact, as etcd decides it: a snapshot
 * is taken once more than `--snapshot-count` entries were applied since the
 * last one; the in-memory log is then compacted to the snapshot index less
 * `catchUpEntries`, so a follower a little behind still catches up from the
 * log rather than from a snapshot. (WAL segments wholly before the snapshot
 * are released by DiskStorage when the snapshot is durable.)
 *
 * One difference: etcd's snapshot is small (its bbolt file is durable on
 * its own), ours holds the whole store. So a snapshot also waits until the
 * entries since the last one hold as many bytes as that snapshot had (or
 * {@linkcode snapshotEntryBytesMax}, whichever is less): rewriting the
 * store then never costs more than the writes since it was last written,
 * however large the store grows, while the WAL replayed at a restart and
 * the log kept in memory stay within the store's size.
 *
 * @module
 */

import {
  snapshotCatchUpEntriesDefault,
  snapshotCountDefault,
  snapshotEntryBytesMax,
} from "../util/limits.ts";

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

/** What was applied since the last snapshot. */
export interface SinceSnapshot {
  readonly entries: number;
  /** Bytes of those entries' data. */
  readonly entryBytes: number;
}

/** Whether a snapshot is due after `since`, the last snapshot's data having `snapshotBytes`. */
export function snapshotDue(
  policy: SnapshotPolicy,
  since: SinceSnapshot,
  snapshotBytes: number,
): boolean {
  return policy.snapshotCount > 0 && since.entries > policy.snapshotCount &&
    since.entryBytes >= Math.min(snapshotBytes, snapshotEntryBytesMax);
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
