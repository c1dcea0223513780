/**
 * The leader's view of the cluster: the membership configuration, one
 * {@linkcode Progress} per member, and the votes of an election.
 *
 * @module
 */

import { Inflights } from "./inflights.ts";
import { Progress } from "./progress.ts";
import type { JointVoters, VoteResult } from "./quorum.ts";
import { jointCommitted, jointVoteResult } from "./quorum.ts";
import type { ConfState, NodeId } from "./types.ts";

/** A membership configuration, possibly joint. */
export interface TrackerConfig {
  incoming: Set<NodeId>;
  outgoing: Set<NodeId>;
  learners: Set<NodeId>;
  /** Outgoing voters that turn into learners when the joint configuration is left. */
  learnersNext: Set<NodeId>;
  autoLeave: boolean;
}

/** An empty configuration. */
export function emptyTrackerConfig(): TrackerConfig {
  return {
    incoming: new Set(),
    outgoing: new Set(),
    learners: new Set(),
    learnersNext: new Set(),
    autoLeave: false,
  };
}

/** A deep copy of a configuration. */
export function cloneTrackerConfig(config: TrackerConfig): TrackerConfig {
  return {
    incoming: new Set(config.incoming),
    outgoing: new Set(config.outgoing),
    learners: new Set(config.learners),
    learnersNext: new Set(config.learnersNext),
    autoLeave: config.autoLeave,
  };
}

function sortedIds(ids: Iterable<NodeId>): NodeId[] {
  return [...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The ConfState describing a configuration. */
export function confStateOf(config: TrackerConfig): ConfState {
  return {
    voters: sortedIds(config.incoming),
    learners: sortedIds(config.learners),
    votersOutgoing: sortedIds(config.outgoing),
    learnersNext: sortedIds(config.learnersNext),
    autoLeave: config.autoLeave,
  };
}

/** Configuration, progress and votes. */
export class ProgressTracker {
  config: TrackerConfig = emptyTrackerConfig();
  progress: Map<NodeId, Progress> = new Map();
  readonly votes: Map<NodeId, boolean> = new Map();
  readonly inflightMessagesMax: number;
  readonly inflightBytesMax: number;

  constructor(inflightMessagesMax: number, inflightBytesMax: number) {
    this.inflightMessagesMax = inflightMessagesMax;
    this.inflightBytesMax = inflightBytesMax;
  }

  /** A fresh Progress for a member added to the configuration. */
  newProgress(next: number, isLearner: boolean): Progress {
    return new Progress(
      next,
      isLearner,
      new Inflights(this.inflightMessagesMax, this.inflightBytesMax),
    );
  }

  voters(): JointVoters {
    return { incoming: this.config.incoming, outgoing: this.config.outgoing };
  }

  isJoint(): boolean {
    return this.config.outgoing.size > 0;
  }

  /** Whether the only voter is one member (and the configuration is not joint). */
  isSingleton(): boolean {
    return this.config.incoming.size === 1 && this.config.outgoing.size === 0;
  }

  /** Whether `id` is a voter in either half. */
  isVoter(id: NodeId): boolean {
    return this.config.incoming.has(id) || this.config.outgoing.has(id);
  }

  /** The largest index replicated to a quorum. */
  committed(): number {
    return jointCommitted(this.voters(), (id) => this.progress.get(id)?.match);
  }

  /** Whether a quorum of voters has been active since the last check. */
  quorumActive(): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const [id, pr] of this.progress) {
      if (!pr.isLearner) votes.set(id, pr.recentActive);
    }
    return jointVoteResult(this.voters(), votes) === "won";
  }

  /** Every tracked member, in ascending id order (deterministic). */
  ids(): NodeId[] {
    return sortedIds(this.progress.keys());
  }

  /** Voters of both halves, in ascending id order. */
  voterIds(): NodeId[] {
    return sortedIds(new Set([...this.config.incoming, ...this.config.outgoing]));
  }

  resetVotes(): void {
    this.votes.clear();
  }

  /** Records a vote; the first vote of a member counts. */
  recordVote(id: NodeId, granted: boolean): void {
    if (!this.votes.has(id)) this.votes.set(id, granted);
  }

  /** The election's outcome so far. */
  voteResult(): VoteResult {
    return jointVoteResult(this.voters(), this.votes);
  }

  confState(): ConfState {
    return confStateOf(this.config);
  }
}
