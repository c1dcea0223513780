/**
 * The rows etcdctl builds for `member list`, `endpoint health` and
 * `endpoint status`, shared by the simple printer (joined with ", ") and
 * the table printer.
 *
 * @module
 */

import type { MemberListResponse } from "../proto/rpc.ts";
import { humanizeBytes } from "./humanize.ts";
import type { EndpointHealth, EndpointStatus } from "./printer.ts";

/** A table: its header and rows. */
export interface Rows {
  readonly header: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** etcdctl's `makeMemberListTable`. */
export function memberListRows(resp: MemberListResponse): Rows {
  const header = ["ID", "Status", "Name", "Peer Addrs", "Client Addrs", "Is Learner"];
  const rows = resp.members.map((m) => [
    m.id.toString(16),
    m.name.length === 0 ? "unstarted" : "started",
    m.name,
    m.peerUrls.join(","),
    m.clientUrls.join(","),
    String(m.isLearner),
  ]);
  return { header, rows };
}

/** etcdctl's `makeEndpointHealthTable`. */
export function endpointHealthRows(list: readonly EndpointHealth[]): Rows {
  const header = ["endpoint", "health", "took", "error"];
  const rows = list.map((h) => [h.ep, String(h.health), h.took, h.error]);
  return { header, rows };
}

/** etcdctl's `makeEndpointStatusTable`. */
export function endpointStatusRows(list: readonly EndpointStatus[]): Rows {
  const header = [
    "endpoint",
    "ID",
    "version",
    "db size",
    "is leader",
    "is learner",
    "raft term",
    "raft index",
    "raft applied index",
    "errors",
  ];
  const rows = list.map(({ ep, resp }) => [
    ep,
    resp.header.memberId.toString(16),
    resp.version,
    humanizeBytes(resp.dbSize),
    String(resp.leader === resp.header.memberId),
    String(resp.isLearner),
    String(resp.raftTerm),
    String(resp.raftIndex),
    String(resp.raftAppliedIndex),
    resp.errors.join(", "),
  ]);
  return { header, rows };
}
