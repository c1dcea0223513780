/**
 * The frames of the peer protocol. Every payload is a msgpack array whose
 * first item is the frame kind:
 *
 * | kind | frame | direction |
 * | --- | --- | --- |
 * | 0 | `[0, version, clusterId, fromMemberId, toMemberId]` handshake | dialer → listener, first frame |
 * | 1 | `[1, version, clusterId, memberId]` handshake accepted | listener → dialer |
 * | 2 | `[2, …message]` one Raft message (see `codec.ts`) | dialer → listener |
 * | 3 | `[3, snapshotId, totalBytes, …message without snapshot data]` | dialer → listener |
 * | 4 | `[4, snapshotId, bytes]` the next piece of that snapshot's data | dialer → listener |
 * | 5 | `[5, snapshotId]` snapshot received and handed to the member | listener → dialer |
 * | 6 | `[6, version]` cluster information request | dialer → listener, first frame instead of a handshake |
 * | 7 | `[7, version, clusterId, members]` cluster information | listener → dialer, then the listener closes |
 * | 8 | `[8]` link heartbeat: are you there? | dialer → listener, every ping interval |
 * | 9 | `[9]` the answer to a link heartbeat | listener → dialer |
 * | 10 | `[10, version, clusterId, fromMemberId, toMemberId, body]` a request outside Raft | dialer → listener, first frame instead of a handshake |
 * | 11 | `[11, ok, body]` its answer (`ok` false: `body` is the error's text) | listener → dialer, then the listener closes |
 *
 * Each member of a cluster information frame is `[id, name, peerUrls,
 * clientUrls, isLearner]` (a uint64 bigint, a string, two lists of strings,
 * a boolean): etcd's `GET /members` on a peer URL, which a member joining
 * with `--initial-cluster-state existing` asks before it knows any id.
 *
 * A request (10) carries any msgpack value its member's handler understands
 * (a lease renewal forwarded to the leader, as etcd's peer HTTP calls); it
 * is checked as a handshake is (cluster, addressee, a known peer).
 *
 * A refused handshake or any malformed frame closes the connection.
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";
import type { Member } from "../../proto/rpc.ts";
import {
  decodeCount,
  decodeId,
  decodeMessageAt,
  encodeMessageInto,
  PeerProtocolError,
} from "./codec.ts";
import {
  type ByteReader,
  packPayload,
  readFrames,
  type ReadFramesOptions,
  unpackPayload,
} from "./frame.ts";

/** The peer protocol's version, stated in the handshake; another version is refused. */
export const PEER_PROTOCOL_VERSION = 1;

const KIND_HELLO = 0;
const KIND_ACCEPT = 1;
const KIND_MESSAGE = 2;
const KIND_SNAPSHOT_BEGIN = 3;
const KIND_SNAPSHOT_CHUNK = 4;
const KIND_SNAPSHOT_ACK = 5;
const KIND_CLUSTER_INFO_REQUEST = 6;
const KIND_CLUSTER_INFO = 7;
const KIND_PING = 8;
const KIND_PONG = 9;
const KIND_REQUEST = 10;
const KIND_REPLY = 11;

const UINT64_MAX = (1n << 64n) - 1n;

/** The dialer's handshake. */
export interface Hello {
  readonly kind: "hello";
  readonly version: number;
  readonly clusterId: bigint;
  readonly from: NodeId;
  readonly to: NodeId;
}

/** The listener's answer to an accepted handshake. */
export interface Accept {
  readonly kind: "accept";
  readonly version: number;
  readonly clusterId: bigint;
  readonly memberId: NodeId;
}

/** A dialer asking for the cluster's id and members (it knows neither yet). */
export interface ClusterInfoRequest {
  readonly kind: "clusterInfoRequest";
  readonly version: number;
}

/** The listener's answer to a {@linkcode ClusterInfoRequest}. */
export interface ClusterInfoReply {
  readonly kind: "clusterInfo";
  readonly version: number;
  readonly clusterId: bigint;
  readonly members: Member[];
}

/** What a listener tells a member that asks for the cluster information. */
export interface ClusterInfo {
  /** The cluster's id. */
  clusterId: bigint;
  /** Every member, learners included. */
  members: Member[];
}

/** Where a listener takes the cluster information from, on each request. */
export type ClusterInfoSource = () => {
  readonly clusterId: bigint;
  readonly members: readonly Member[];
};

/** One decoded frame. */
export type WireFrame =
  | Hello
  | Accept
  | ClusterInfoRequest
  | ClusterInfoReply
  | { readonly kind: "message"; readonly message: Message }
  | {
    readonly kind: "snapshotBegin";
    readonly snapshotId: number;
    readonly totalBytes: number;
    readonly message: Message;
  }
  | { readonly kind: "snapshotChunk"; readonly snapshotId: number; readonly data: Uint8Array }
  | { readonly kind: "snapshotAck"; readonly snapshotId: number }
  | { readonly kind: "ping" }
  | { readonly kind: "pong" }
  | PeerRequestFrame
  | { readonly kind: "peerReply"; readonly ok: boolean; readonly body: unknown };

/** A request outside Raft, sent as the first frame of its own connection. */
export interface PeerRequestFrame {
  readonly kind: "peerRequest";
  readonly version: number;
  readonly clusterId: bigint;
  readonly from: NodeId;
  readonly to: NodeId;
  readonly body: unknown;
}

/** The payload of a request frame (a view: copy before the next encode). */
export function encodePeerRequest(
  clusterId: bigint,
  from: NodeId,
  to: NodeId,
  body: unknown,
): Uint8Array {
  return packPayload([KIND_REQUEST, PEER_PROTOCOL_VERSION, clusterId, from, to, body]);
}

/** The payload of a request's answer (a view); `ok` false: `body` is the error's text. */
export function encodePeerReply(ok: boolean, body: unknown): Uint8Array {
  return packPayload([KIND_REPLY, ok, body]);
}

/** The payload of a handshake frame (a view: copy before the next encode). */
export function encodeHello(clusterId: bigint, from: NodeId, to: NodeId): Uint8Array {
  return packPayload([KIND_HELLO, PEER_PROTOCOL_VERSION, clusterId, from, to]);
}

/** The payload of an accept frame (a view: copy before the next encode). */
export function encodeAccept(clusterId: bigint, memberId: NodeId): Uint8Array {
  return packPayload([KIND_ACCEPT, PEER_PROTOCOL_VERSION, clusterId, memberId]);
}

/** The payload of a message frame (a view: copy before the next encode). */
export function encodeMessageFrame(message: Message): Uint8Array {
  return packPayload(encodeMessageInto([KIND_MESSAGE], message));
}

/** The payload of a snapshot's first frame: the MsgSnap without its data (a view). */
export function encodeSnapshotBegin(snapshotId: number, message: Message): Uint8Array {
  const totalBytes = message.snapshot?.data.length ?? 0;
  return packPayload(
    encodeMessageInto([KIND_SNAPSHOT_BEGIN, snapshotId, totalBytes], message, false),
  );
}

/** The payload of a snapshot data frame (a view). */
export function encodeSnapshotChunk(snapshotId: number, data: Uint8Array): Uint8Array {
  return packPayload([KIND_SNAPSHOT_CHUNK, snapshotId, data]);
}

/** The payload of a snapshot acknowledgement (a view). */
export function encodeSnapshotAck(snapshotId: number): Uint8Array {
  return packPayload([KIND_SNAPSHOT_ACK, snapshotId]);
}

/** The payload of a link heartbeat (a view: copy before the next encode). */
export function encodePing(): Uint8Array {
  return packPayload([KIND_PING]);
}

/** The payload of a link heartbeat's answer (a view: copy before the next encode). */
export function encodePong(): Uint8Array {
  return packPayload([KIND_PONG]);
}

/** The payload of a cluster information request (a view: copy before the next encode). */
export function encodeClusterInfoRequest(): Uint8Array {
  return packPayload([KIND_CLUSTER_INFO_REQUEST, PEER_PROTOCOL_VERSION]);
}

/**
 * The payload of a cluster information frame (a view: copy before the next
 * encode). Throws TypeError when a member id is not a uint64 bigint.
 */
export function encodeClusterInfo(clusterId: bigint, members: readonly Member[]): Uint8Array {
  const encoded = members.map((m) => {
    if (typeof m.id !== "bigint" || m.id < 0n || m.id > UINT64_MAX) {
      throw new TypeError(`member id ${String(m.id)} is not a uint64 bigint`);
    }
    return [m.id, m.name, [...m.peerUrls], [...m.clientUrls], m.isLearner];
  });
  return packPayload([KIND_CLUSTER_INFO, PEER_PROTOCOL_VERSION, clusterId, encoded]);
}

function fail(what: string): never {
  throw new PeerProtocolError(`malformed frame: ${what}`);
}

function exactly(fields: readonly unknown[], count: number, what: string): void {
  if (fields.length !== count) fail(`${what} has ${fields.length} items, not ${count}`);
}

/** A uint64 bigint, strictly (no null, no number); `nonZero` refuses 0n. */
function strictId(value: unknown, field: string, nonZero: boolean): bigint {
  if (typeof value !== "bigint" || value < 0n || value > UINT64_MAX) {
    return fail(`${field} is not a uint64 id`);
  }
  if (nonZero && value === 0n) return fail(`${field} is 0`);
  return value;
}

function strictVersion(value: unknown): number {
  if (value === null || value === undefined) return fail("version is missing");
  return decodeCount(value, "version");
}

function strictString(value: unknown, field: string): string {
  if (typeof value !== "string") return fail(`${field} is not a string`);
  return value;
}

function strictStrings(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) return fail(`${field} is not a list`);
  return value.map((item) => strictString(item, `${field} item`));
}

function decodeMember(value: unknown, index: number): Member {
  const what = `member ${index}`;
  if (!Array.isArray(value)) return fail(`${what} is not a list`);
  exactly(value, 5, what);
  if (typeof value[4] !== "boolean") fail(`${what} learner flag is not a boolean`);
  return {
    id: strictId(value[0], `${what} id`, true),
    name: strictString(value[1], `${what} name`),
    peerUrls: strictStrings(value[2], `${what} peer URLs`),
    clientUrls: strictStrings(value[3], `${what} client URLs`),
    isLearner: value[4],
  };
}

function decodeClusterInfo(fields: readonly unknown[]): ClusterInfoReply {
  exactly(fields, 4, "cluster information");
  if (!Array.isArray(fields[3])) fail("cluster information members is not a list");
  const members = fields[3].map(decodeMember);
  const seen = new Set<bigint>();
  for (const m of members) {
    if (seen.has(m.id)) fail(`cluster information lists member ${m.id.toString(16)} twice`);
    seen.add(m.id);
  }
  return {
    kind: "clusterInfo",
    version: strictVersion(fields[1]),
    clusterId: strictId(fields[2], "cluster id", false),
    members,
  };
}

function decodeFields(fields: readonly unknown[]): WireFrame {
  switch (fields[0]) {
    case KIND_HELLO:
      exactly(fields, 5, "handshake");
      return {
        kind: "hello",
        version: decodeCount(fields[1], "version"),
        clusterId: decodeId(fields[2], "cluster id"),
        from: decodeId(fields[3], "from member id"),
        to: decodeId(fields[4], "to member id"),
      };
    case KIND_ACCEPT:
      exactly(fields, 4, "accept");
      return {
        kind: "accept",
        version: decodeCount(fields[1], "version"),
        clusterId: decodeId(fields[2], "cluster id"),
        memberId: decodeId(fields[3], "member id"),
      };
    case KIND_MESSAGE:
      return { kind: "message", message: decodeMessageAt(fields, 1) };
    case KIND_SNAPSHOT_BEGIN:
      return {
        kind: "snapshotBegin",
        snapshotId: decodeCount(fields[1], "snapshot id"),
        totalBytes: decodeCount(fields[2], "snapshot size"),
        message: decodeMessageAt(fields, 3),
      };
    case KIND_SNAPSHOT_CHUNK:
      exactly(fields, 3, "snapshot chunk");
      if (!(fields[2] instanceof Uint8Array)) fail("snapshot chunk holds no bytes");
      return {
        kind: "snapshotChunk",
        snapshotId: decodeCount(fields[1], "snapshot id"),
        data: new Uint8Array(fields[2].buffer, fields[2].byteOffset, fields[2].byteLength),
      };
    case KIND_SNAPSHOT_ACK:
      exactly(fields, 2, "snapshot ack");
      return { kind: "snapshotAck", snapshotId: decodeCount(fields[1], "snapshot id") };
    case KIND_CLUSTER_INFO_REQUEST:
      exactly(fields, 2, "cluster information request");
      return {
        kind: "clusterInfoRequest",
        version: strictVersion(fields[1]),
      };
    case KIND_CLUSTER_INFO:
      return decodeClusterInfo(fields);
    case KIND_PING:
      exactly(fields, 1, "link heartbeat");
      return { kind: "ping" };
    case KIND_PONG:
      exactly(fields, 1, "link heartbeat answer");
      return { kind: "pong" };
    case KIND_REQUEST:
      exactly(fields, 6, "peer request");
      return {
        kind: "peerRequest",
        version: strictVersion(fields[1]),
        clusterId: decodeId(fields[2], "cluster id"),
        from: strictId(fields[3], "from member id", true),
        to: strictId(fields[4], "to member id", true),
        body: plainBytes(fields[5], 0),
      };
    case KIND_REPLY:
      exactly(fields, 3, "peer reply");
      if (typeof fields[1] !== "boolean") fail("peer reply flag is not a boolean");
      if (!fields[1] && typeof fields[2] !== "string") fail("peer reply error is not a string");
      return { kind: "peerReply", ok: fields[1], body: plainBytes(fields[2], 0) };
    default:
      return fail(`unknown frame kind ${String(fields[0])}`);
  }
}

/** Nesting of a request's or answer's body, at most. */
const BODY_NESTING_MAX = 32;

/** `value` with every byte array as a plain `Uint8Array` (msgpackr decodes Buffers). */
export function plainBytes(value: unknown, depth: number): unknown {
  if (depth > BODY_NESTING_MAX) fail("body nested too deeply");
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array
      ? value
      : new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
  }
  if (Array.isArray(value)) return value.map((item) => plainBytes(item, depth + 1));
  if (typeof value === "object" && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = plainBytes(item, depth + 1);
    return out;
  }
  return value;
}

/** Decodes and checks one frame payload; throws {@linkcode PeerProtocolError}. */
export function decodeFrame(payload: Uint8Array): WireFrame {
  let value: unknown;
  try {
    value = unpackPayload(payload);
  } catch (error) {
    return fail(`not msgpack (${error instanceof Error ? error.message : String(error)})`);
  }
  if (!Array.isArray(value) || value.length === 0) return fail("not a non-empty list");
  return decodeFields(value);
}

/** Thrown by the frame callback to stop reading after the first frame. */
const GOT_FRAME = Symbol("got frame");

/**
 * Reads the one frame a peer answers a request with (the connection's
 * first), or null when the peer closes the connection first.
 */
export async function readReply(
  conn: ByteReader,
  options: ReadFramesOptions,
): Promise<WireFrame | null> {
  let reply: WireFrame | null = null;
  try {
    await readFrames(conn, options, (payload) => {
      reply = decodeFrame(payload);
      throw GOT_FRAME;
    });
  } catch (error) {
    if (error !== GOT_FRAME) throw error;
  }
  return reply;
}
