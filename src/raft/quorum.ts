/**
 * Quorum arithmetic for majority and joint configurations, as in
 * etcd-io/raft's quorum package. An empty majority configuration commits
 * everything and wins every vote, so a joint configuration with an empty
 * outgoing half behaves like its incoming half.
 *
 * @module
 */

import type { NodeId } from "./types.ts";

/** The outcome of a vote so far. */
export type VoteResult = "pending" | "lost" | "won";

/** The largest index acknowledged by a majority of `voters`. */
export function majorityCommitted(
  voters: ReadonlySet<NodeId>,
  ackedIndex: (id: NodeId) => number | undefined,
): number {
  if (voters.size === 0) return Number.POSITIVE_INFINITY;
  const indexes: number[] = [];
  for (const id of voters) indexes.push(ackedIndex(id) ?? 0);
  indexes.sort((a, b) => b - a);
  // The (n/2 + 1)-th largest index has been acknowledged by a majority.
  return indexes[Math.floor(voters.size / 2)]!;
}

/** The result of a vote among `voters`, given the votes seen (`true` = granted). */
export function majorityVoteResult(
  voters: ReadonlySet<NodeId>,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  if (voters.size === 0) return "won";
  let granted = 0;
  let missing = 0;
  for (const id of voters) {
    const vote = votes.get(id);
    if (vote === undefined) missing++;
    else if (vote) granted++;
  }
  const quorum = Math.floor(voters.size / 2) + 1;
  if (granted >= quorum) return "won";
  if (granted + missing >= quorum) return "pending";
  return "lost";
}

/** A joint configuration: the incoming and the outgoing voters. */
export interface JointVoters {
  readonly incoming: ReadonlySet<NodeId>;
  readonly outgoing: ReadonlySet<NodeId>;
}

/** The largest index committed in both halves of a joint configuration. */
export function jointCommitted(
  voters: JointVoters,
  ackedIndex: (id: NodeId) => number | undefined,
): number {
  return Math.min(
    majorityCommitted(voters.incoming, ackedIndex),
    majorityCommitted(voters.outgoing, ackedIndex),
  );
}

/** A joint vote is won when both halves win and lost when either loses. */
export function jointVoteResult(
  voters: JointVoters,
  votes: ReadonlyMap<NodeId, boolean>,
): VoteResult {
  const incoming = majorityVoteResult(voters.incoming, votes);
  const outgoing = majorityVoteResult(voters.outgoing, votes);
  if (incoming === outgoing) return incoming;
  if (incoming === "lost" || outgoing === "lost") return "lost";
  return "pending";
}
