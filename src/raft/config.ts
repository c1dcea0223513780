/**
 * The configuration of one Raft member and its validation.
 *
 * @module
 */

import type { Prng } from "../util/prng.ts";
import {
  raftMaxCommittedSizePerReadyBytes,
  raftMaxInflightBytes,
  raftMaxInflightMsgs,
  raftMaxSizePerMsgBytes,
  raftMaxUncommittedEntriesBytes,
  raftReadIndexPendingMax,
} from "../util/limits.ts";
import { RaftConfigError } from "./errors.ts";
import type { Storage } from "./storage.ts";
import type { NodeId } from "./types.ts";

/**
 * Deliberate bugs, for proving that the simulator's checkers catch them.
 * Never enabled outside tests.
 */
export type RaftBug =
  /** A granted vote is not put in the Ready's hard state before the reply is sent. */
  | "voteNotPersisted"
  /** The leader commits entries of older terms by counting replicas (Raft paper figure 8). */
  | "commitOldTermByCounting"
  /** The leader answers ReadIndex at once, without confirming its leadership. */
  | "readWithoutConfirmation"
  /** A follower keeps a conflicting suffix instead of truncating it. */
  | "keepConflictingSuffix"
  /** Votes are granted without the log up-to-date check. */
  | "noUpToDateCheck"
  /** Heartbeat acknowledgements of an earlier read round confirm later reads. */
  | "reuseReadIndexContext";

/** Every deliberate bug. */
export const RAFT_BUGS: readonly RaftBug[] = [
  "voteNotPersisted",
  "commitOldTermByCounting",
  "readWithoutConfirmation",
  "keepConflictingSuffix",
  "noUpToDateCheck",
  "reuseReadIndexContext",
];

/** How one member runs. Ticks are the only notion of time. */
export interface RaftConfig {
  /** This member's id; nonzero. */
  id: NodeId;
  /** Ticks without a leader before campaigning; randomized in [e, 2e-1]. */
  electionTicks: number;
  /** Ticks between a leader's heartbeats; less than electionTicks. */
  heartbeatTicks: number;
  /** The stable log. */
  storage: Storage;
  /** Source of the randomized election timeouts. */
  prng: Prng;
  /** The last applied index when restarting (0 for a new member). */
  applied?: number;
  /** Payload bytes in one MsgApp at most (one entry is always allowed). */
  maxSizePerMsgBytes?: number;
  /** MsgApp messages in flight to one follower at most. */
  maxInflightMsgs?: number;
  /** Payload bytes in flight to one follower at most; 0 for no limit. */
  maxInflightBytes?: number;
  /** Payload bytes of uncommitted entries a leader accepts at most. */
  maxUncommittedEntriesBytes?: number;
  /** Payload bytes of committed entries in one Ready at most. */
  maxCommittedSizePerReadyBytes?: number;
  /** Pending ReadIndex requests at the leader at most. */
  readIndexPendingMax?: number;
  /** A leader steps down when it has not heard from a quorum for an election timeout. */
  checkQuorum?: boolean;
  /** Poll before campaigning, so a member rejoining a partition does not disrupt the leader. */
  preVote?: boolean;
  /** Deliberate bugs (tests only). */
  bugs?: ReadonlySet<RaftBug>;
}

function positiveInteger(value: number, name: string): void {
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new RaftConfigError(
      `Cannot use raft config: "${name}" must be a positive integer, got ${value}`,
    );
  }
}

/** Fills in defaults and checks the configuration; throws RaftConfigError. */
export function validateConfig(config: RaftConfig): Required<RaftConfig> {
  if (config.id === 0n) throw new RaftConfigError("Cannot use raft config: id must not be zero");
  const full: Required<RaftConfig> = {
    applied: 0,
    maxSizePerMsgBytes: raftMaxSizePerMsgBytes,
    maxInflightMsgs: raftMaxInflightMsgs,
    maxInflightBytes: raftMaxInflightBytes,
    maxUncommittedEntriesBytes: raftMaxUncommittedEntriesBytes,
    maxCommittedSizePerReadyBytes: raftMaxCommittedSizePerReadyBytes,
    readIndexPendingMax: raftReadIndexPendingMax,
    checkQuorum: false,
    preVote: false,
    bugs: new Set(),
    ...config,
  };
  positiveInteger(full.heartbeatTicks, "heartbeatTicks");
  positiveInteger(full.electionTicks, "electionTicks");
  if (full.electionTicks <= full.heartbeatTicks) {
    throw new RaftConfigError(
      "Cannot use raft config: electionTicks must be greater than heartbeatTicks",
    );
  }
  positiveInteger(full.maxSizePerMsgBytes, "maxSizePerMsgBytes");
  positiveInteger(full.maxInflightMsgs, "maxInflightMsgs");
  positiveInteger(full.maxUncommittedEntriesBytes, "maxUncommittedEntriesBytes");
  positiveInteger(full.maxCommittedSizePerReadyBytes, "maxCommittedSizePerReadyBytes");
  positiveInteger(full.readIndexPendingMax, "readIndexPendingMax");
  if (!Number.isSafeInteger(full.maxInflightBytes) || full.maxInflightBytes < 0) {
    throw new RaftConfigError(
      "Cannot use raft config: maxInflightBytes must be a non-negative integer",
    );
  }
  if (full.maxInflightBytes > 0 && full.maxInflightBytes < full.maxSizePerMsgBytes) {
    throw new RaftConfigError(
      "Cannot use raft config: maxInflightBytes must be at least maxSizePerMsgBytes",
    );
  }
  if (!Number.isSafeInteger(full.applied) || full.applied < 0) {
    throw new RaftConfigError("Cannot use raft config: applied must be a non-negative integer");
  }
  return full;
}
