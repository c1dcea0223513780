/**
 * Typed errors of the Raft core and its storage, named as in etcd-io/raft.
 *
 * @module
 */

/** The requested index is older than the storage's first index (compacted away). */
export class CompactedError extends Error {
  override name = "CompactedError";
  constructor(message = "requested index is unavailable due to compaction") {
    super(message);
  }
}

/** The requested index is newer than the storage's last index. */
export class UnavailableError extends Error {
  override name = "UnavailableError";
  constructor(message = "requested entry at index is unavailable") {
    super(message);
  }
}

/** A snapshot older than the storage's own was offered. */
export class SnapOutOfDateError extends Error {
  override name = "SnapOutOfDateError";
  constructor(message = "requested index is older than the existing snapshot") {
    super(message);
  }
}

/** The storage cannot produce a snapshot right now; the caller retries later. */
export class SnapshotTemporarilyUnavailableError extends Error {
  override name = "SnapshotTemporarilyUnavailableError";
  constructor(message = "snapshot is temporarily unavailable") {
    super(message);
  }
}

/** A proposal was dropped (no leader, leader transfer in progress, or limits). */
export class ProposalDroppedError extends Error {
  override name = "ProposalDroppedError";
  constructor(message = "raft proposal dropped") {
    super(message);
  }
}

/** The configuration given to the core is invalid. */
export class RaftConfigError extends RangeError {
  override name = "RaftConfigError";
}

/** A message was stepped that the core does not accept from the caller. */
export class StepLocalMessageError extends Error {
  override name = "StepLocalMessageError";
  constructor(message = "raft: cannot step raft local message") {
    super(message);
  }
}
