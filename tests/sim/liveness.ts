/**
 * The liveness phase's verdict: after healing, one leader and every member
 * of its configuration up, caught up and identical.
 *
 * @module
 */

import type { NodeId } from "../../src/raft/mod.ts";
import { configMembers } from "./membership.ts";
import type { SimNode } from "./sim_node.ts";

/**
 * Whether the cluster converged: `leader` leads a configuration that is not
 * joint, has committed its whole log, and every member of the configuration
 * runs, unpaused, with the same commit index, applied index and state.
 */
export function isConverged(
  leader: SimNode | undefined,
  member: (id: NodeId) => SimNode | undefined,
  nowMs: number,
): boolean {
  if (leader === undefined) return false;
  const config = leader.confState;
  if (config.votersOutgoing.length > 0) return false;
  const storage = leader.disk.storage;
  const commit = storage.hardState().commit;
  if (storage.lastIndex() !== commit || leader.machine.applied !== commit) return false;
  const contentHash = leader.machine.contentHash();
  for (const id of configMembers(config)) {
    const node = member(id);
    if (node === undefined || node.raw === null || node.pausedAt(nowMs)) return false;
    if (node.disk.storage.hardState().commit !== commit) return false;
    if (node.machine.applied !== commit || node.machine.chain !== leader.machine.chain) {
      return false;
    }
    if (node.machine.contentHash() !== contentHash) return false;
  }
  return true;
}

/** One line per member: role, term, commit, applied, last index and configuration. */
export function describeMembers(nodes: readonly SimNode[]): string {
  return nodes.map((n) => {
    const hs = n.disk.storage.hardState();
    const config = n.confState;
    return `${n.id}${n.removed ? "(removed)" : ""}:${n.role} term ${hs.term} commit ${hs.commit} ` +
      `applied ${n.machine.applied} last ${n.disk.storage.lastIndex()} ` +
      `voters [${config.voters.join(",")}] learners [${config.learners.join(",")}] ` +
      `outgoing [${config.votersOutgoing.join(",")}]`;
  }).join("; ");
}
