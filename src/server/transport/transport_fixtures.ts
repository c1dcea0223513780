/**
 * Test support shared by the transport tests and the conformance suite: a
 * handler that records what it is told, polling helpers, member ids (the
 * largest uint64 among them) and sample messages of every kind that
 * crosses the network.
 *
 * @module
 */

import { type Entry, type Message, message, type NodeId } from "../../raft/types.ts";
import type { PeerTransportHandler, SnapshotDeliveryStatus } from "./transport.ts";

/** A handler that records everything it is told. */
export class RecordingHandler implements PeerTransportHandler {
  /** Messages delivered, in order. */
  readonly messages: Message[] = [];
  /** Peers reported unreachable, in order. */
  readonly unreachable: NodeId[] = [];
  /** Snapshot reports, in order. */
  readonly snapshotStatuses: [NodeId, SnapshotDeliveryStatus][] = [];
  /** Set while the test is inside `send`: a callback then is a violation. */
  inSend = false;
  /** Whether a callback came while `inSend` was set. */
  reentered = false;

  onMessage(m: Message): void {
    if (this.inSend) this.reentered = true;
    this.messages.push(m);
  }
  onUnreachable(peer: NodeId): void {
    if (this.inSend) this.reentered = true;
    this.unreachable.push(peer);
  }
  onSnapshotStatus(peer: NodeId, status: SnapshotDeliveryStatus): void {
    if (this.inSend) this.reentered = true;
    this.snapshotStatuses.push([peer, status]);
  }

  /** Requests outside Raft received, in order. */
  readonly requests: [NodeId, unknown][] = [];
  /** How requests are answered (default: `{ echo: request }`). */
  answer: (from: NodeId, request: unknown) => Promise<unknown> = (_from, request) =>
    Promise.resolve({ echo: request });

  onRequest(from: NodeId, request: unknown): Promise<unknown> {
    if (this.inSend) this.reentered = true;
    this.requests.push([from, request]);
    return this.answer(from, request);
  }
}

/** Polls `condition` every few milliseconds until it holds; fails after `timeoutMs`. */
export async function waitFor(
  condition: () => boolean,
  what: string,
  timeoutMs = 5000,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Waits `ms` milliseconds. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Member ids used by the suite: the largest uint64 among them. */
export const A: NodeId = 0xffff_ffff_ffff_ffffn;
/** The second member. */
export const B: NodeId = 0x8e9e05c52164694dn;
/** The third member. */
export const C: NodeId = 3n;

const bytes = (...values: number[]) => new Uint8Array(values);

function entry(index: number, type: Entry["type"] = "normal", size = 256): Entry {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (index + i) & 0xff;
  return { term: 7, index, type, data };
}

/** One message of every type that crosses the network, with every field it can carry set. */
export function sampleMessages(from: NodeId, to: NodeId): Message[] {
  const base = { from, to, term: 9 };
  return [
    message({ ...base, type: "MsgProp", entries: [entry(0), entry(0, "confChange", 3)] }),
    message({
      ...base,
      type: "MsgApp",
      logTerm: 8,
      index: 41,
      commit: 40,
      entries: [entry(42), { term: 9, index: 43, type: "normal", data: new Uint8Array(0) }],
    }),
    message({ ...base, type: "MsgAppResp", index: 43, reject: true, rejectHint: 12, logTerm: 3 }),
    message({ ...base, type: "MsgVote", logTerm: 8, index: 43, context: bytes(1, 2, 3) }),
    message({ ...base, type: "MsgVoteResp", reject: true }),
    message({ ...base, type: "MsgHeartbeat", commit: 40, context: bytes(0, 255) }),
    message({ ...base, type: "MsgHeartbeatResp", context: bytes(0, 255) }),
    message({ ...base, type: "MsgTransferLeader" }),
    message({ ...base, type: "MsgTimeoutNow" }),
    message({ ...base, type: "MsgReadIndex", entries: [{ ...entry(0), data: bytes(7) }] }),
    message({ ...base, type: "MsgReadIndexResp", index: 2 ** 53 - 1, entries: [entry(0)] }),
    message({ ...base, type: "MsgPreVote", term: 10, logTerm: 8, index: 43 }),
    message({ ...base, type: "MsgPreVoteResp", term: 10 }),
  ];
}

/** A MsgSnap carrying `size` bytes of patterned data and a joint configuration. */
export function snapshotMessage(from: NodeId, to: NodeId, size: number): Message {
  const data = new Uint8Array(size);
  for (let i = 0; i < size; i++) data[i] = (i * 31 + 7) & 0xff;
  return message({
    type: "MsgSnap",
    from,
    to,
    term: 5,
    snapshot: {
      data,
      metadata: {
        index: 1000,
        term: 4,
        confState: {
          voters: [from, to],
          learners: [C],
          votersOutgoing: [from],
          learnersNext: [to],
          autoLeave: true,
        },
      },
    },
  });
}

/** An append of one 256-byte entry. */
export function appendMessage(from: NodeId, to: NodeId, index: number): Message {
  return message({
    type: "MsgApp",
    from,
    to,
    term: 2,
    index: index - 1,
    logTerm: 2,
    commit: index - 1,
    entries: [entry(index)],
  });
}

/** A heartbeat. */
export function heartbeatMessage(from: NodeId, to: NodeId): Message {
  return message({ type: "MsgHeartbeat", from, to, term: 1 });
}
