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
 *
 * A refused handshake or any malformed frame closes the connection.
 *
 * @module
 */

import type { Message, NodeId } from "../../raft/types.ts";
import {
  decodeCount,
  decodeId,
  decodeMessageAt,
  encodeMessageInto,
  PeerProtocolError,
} from "./codec.ts";
import { packPayload, unpackPayload } from "./frame.ts";

/** The peer protocol's version, stated in the handshake; another version is refused. */
export const PEER_PROTOCOL_VERSION = 1;

const KIND_HELLO = 0;
const KIND_ACCEPT = 1;
const KIND_MESSAGE = 2;
const KIND_SNAPSHOT_BEGIN = 3;
const KIND_SNAPSHOT_CHUNK = 4;
const KIND_SNAPSHOT_ACK = 5;

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

/** One decoded frame. */
export type WireFrame =
  | Hello
  | Accept
  | { readonly kind: "message"; readonly message: Message }
  | {
    readonly kind: "snapshotBegin";
    readonly snapshotId: number;
    readonly totalBytes: number;
    readonly message: Message;
  }
  | { readonly kind: "snapshotChunk"; readonly snapshotId: number; readonly data: Uint8Array }
  | { readonly kind: "snapshotAck"; readonly snapshotId: number };

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

function fail(what: string): never {
  throw new PeerProtocolError(`malformed frame: ${what}`);
}

function exactly(fields: readonly unknown[], count: number, what: string): void {
  if (fields.length !== count) fail(`${what} has ${fields.length} items, not ${count}`);
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
    default:
      return fail(`unknown frame kind ${String(fields[0])}`);
  }
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
