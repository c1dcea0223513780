/**
 * The peer transport's interface: how a member's Ready loop sends Raft
 * messages to its peers and how messages from peers come back to it.
 *
 * Two implementations: {@linkcode TcpTransport} (length-prefixed msgpackr
 * frames over TCP) and {@linkcode MemoryTransport} (an in-process network
 * with fault injection, for tests and the simulator). Both pass the same
 * conformance suite (`transport_conformance.ts`).
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";

/**
 * What a transport reports to its member. Callbacks are never made from
 * inside {@linkcode Transport.send} (they arrive on a later microtask or
 * task), so a handler may call back into the transport.
 */
export interface PeerTransportHandler {
  /** A message from a peer, already validated (to this member, from a known peer). */
  onMessage(message: Message): void;
  /** A message to `peer` could not be delivered (queue full, connection down): raft's ReportUnreachable. */
  onUnreachable(peer: NodeId): void;
  /** A MsgSnap to `peer` was delivered ("finish") or failed ("failure"): raft's ReportSnapshot. */
  onSnapshotStatus(peer: NodeId, status: "finish" | "failure"): void;
  /**
   * A peer's request outside Raft (see {@linkcode Transport.request}): its
   * answer, any msgpack value; a rejection is sent back as the error's
   * message. Without this handler such requests are refused.
   */
  onRequest?(from: NodeId, request: unknown): Promise<unknown>;
}

/** Sends Raft messages to the member's peers. */
export interface Transport {
  /**
   * Queues `messages` for their `to` members. Never blocks and never throws
   * on network trouble: a message that cannot be queued is dropped and
   * reported through `onUnreachable` (a MsgSnap also through
   * `onSnapshotStatus(peer, "failure")`). Messages to a member that is not a
   * peer are dropped silently.
   */
  send(messages: readonly Message[]): void;
  /** Adds a peer reachable at the first reachable of `peerUrls`; re-adding updates its URLs. */
  addPeer(id: NodeId, peerUrls: readonly string[]): void;
  /** Forgets a peer: its queued messages are dropped, its messages are no longer accepted. */
  removePeer(id: NodeId): void;
  /** Replaces a peer's URLs (a connection to a URL no longer listed is closed and redialled). */
  updatePeer(id: NodeId, peerUrls: readonly string[]): void;
  /** Peers with a live outbound connection (for /health and member status). */
  activePeers(): ReadonlySet<NodeId>;
  /**
   * Since when (ms, on the transport's clock) the connection to `peer` has
   * been continuously up, or null while it is down or `peer` is not a peer
   * (etcd's `Transporter.ActiveSince`). A broken connection resets it: the
   * time restarts when the connection comes back. Non-null exactly for the
   * members of {@linkcode activePeers}.
   */
  activeSince(peer: NodeId): number | null;
  /**
   * Asks `peer` a small request outside Raft (a lease renewal forwarded to
   * the leader) and resolves with what its handler's `onRequest` answered.
   * Rejects (a `PeerRequestError`) when `peer` is not a peer, cannot be
   * reached, refuses (another cluster, it does not know this member), has
   * no handler or its handler fails, does not answer within `timeoutMs`,
   * or when too many requests are in flight already.
   */
  request(peer: NodeId, request: unknown, timeoutMs: number): Promise<unknown>;
  /** Closes every connection and listener; resolves once all of them are closed. Idempotent. */
  stop(): Promise<void>;
}

/** A MsgSnap's outcome, as raft's ReportSnapshot takes it. */
export type SnapshotDeliveryStatus = "finish" | "failure";
