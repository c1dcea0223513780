/**
 * The compact wire form of a Raft {@linkcode Message}: a positional array
 * `[type, to, from, term, logTerm, index, commit, entries, reject,
 * rejectHint, context, snapshot]` in which every zero value (0, 0n, false,
 * empty bytes or list, null snapshot) is written as `null` and trailing
 * nulls are left out, so a heartbeat is a handful of bytes. An entry is
 * `[term, index, data, type]` and a snapshot `[data, index, term, voters,
 * learners, votersOutgoing, learnersNext, autoLeave]`, with the same rule.
 *
 * Decoding checks every field's type (bigint ids within uint64, safe
 * non-negative integers, `Uint8Array` bytes, known non-local message type)
 * and turns msgpackr's `Buffer`s into plain `Uint8Array` views; anything
 * else is a {@linkcode PeerProtocolError}.
 *
 * @module
 */

import {
  type ConfState,
  type Entry,
  isLocalMessage,
  type Message,
  type MessageType,
  type NodeId,
  type Snapshot,
} from "../../raft/types.ts";

/** A peer sent something this transport does not accept; its connection is closed. */
export class PeerProtocolError extends Error {
  /** Creates the error; `message` says what was wrong. */
  constructor(message: string) {
    super(message);
    this.name = "PeerProtocolError";
  }
}

/** Message types by wire code; the order is part of the protocol. */
const MESSAGE_TYPES: readonly MessageType[] = [
  "MsgHup",
  "MsgBeat",
  "MsgProp",
  "MsgApp",
  "MsgAppResp",
  "MsgVote",
  "MsgVoteResp",
  "MsgSnap",
  "MsgHeartbeat",
  "MsgHeartbeatResp",
  "MsgUnreachable",
  "MsgSnapStatus",
  "MsgCheckQuorum",
  "MsgTransferLeader",
  "MsgTimeoutNow",
  "MsgReadIndex",
  "MsgReadIndexResp",
  "MsgPreVote",
  "MsgPreVoteResp",
];

const TYPE_CODES: ReadonlyMap<MessageType, number> = new Map(
  MESSAGE_TYPES.map((type, code) => [type, code]),
);

/** Number of positions of an encoded message. */
export const MESSAGE_FIELD_COUNT = 12;

const UINT64_MAX = (1n << 64n) - 1n;
const EMPTY_BYTES = new Uint8Array(0);

function orNull<T>(value: T, isZero: boolean): T | null {
  return isZero ? null : value;
}

function trimNulls(out: unknown[], from: number): void {
  while (out.length > from && out[out.length - 1] === null) out.pop();
}

function encodeEntry(entry: Entry): unknown[] {
  const out: unknown[] = [
    orNull(entry.term, entry.term === 0),
    orNull(entry.index, entry.index === 0),
    orNull(entry.data, entry.data.length === 0),
    entry.type === "confChange" ? 1 : null,
  ];
  trimNulls(out, 0);
  return out;
}

function idList(ids: readonly NodeId[]): NodeId[] | null {
  return ids.length === 0 ? null : [...ids];
}

/** A snapshot's array; `withData` false leaves the data out (it travels in chunks). */
function encodeSnapshot(snapshot: Snapshot, withData: boolean): unknown[] {
  const { metadata } = snapshot;
  const { confState } = metadata;
  const out: unknown[] = [
    withData ? orNull(snapshot.data, snapshot.data.length === 0) : null,
    orNull(metadata.index, metadata.index === 0),
    orNull(metadata.term, metadata.term === 0),
    idList(confState.voters),
    idList(confState.learners),
    idList(confState.votersOutgoing),
    idList(confState.learnersNext),
    confState.autoLeave ? true : null,
  ];
  trimNulls(out, 0);
  return out;
}

/**
 * Appends `message`'s positions to `out` (which may already hold a frame
 * header). With `withSnapshotData` false a snapshot's data is left out.
 */
export function encodeMessageInto(
  out: unknown[],
  message: Message,
  withSnapshotData = true,
): unknown[] {
  const start = out.length;
  const code = TYPE_CODES.get(message.type);
  if (code === undefined) throw new TypeError(`Unknown message type ${String(message.type)}`);
  out.push(
    code,
    orNull(message.to, message.to === 0n),
    orNull(message.from, message.from === 0n),
    orNull(message.term, message.term === 0),
    orNull(message.logTerm, message.logTerm === 0),
    orNull(message.index, message.index === 0),
    orNull(message.commit, message.commit === 0),
    message.entries.length === 0 ? null : message.entries.map(encodeEntry),
    message.reject ? true : null,
    orNull(message.rejectHint, message.rejectHint === 0),
    orNull(message.context, message.context.length === 0),
    message.snapshot === null ? null : encodeSnapshot(message.snapshot, withSnapshotData),
  );
  trimNulls(out, start + 1);
  return out;
}

/** The compact array of `message`. */
export function encodeMessage(message: Message): unknown[] {
  return encodeMessageInto([], message);
}

function fail(what: string): never {
  throw new PeerProtocolError(`malformed message: ${what}`);
}

/** A bigint id within uint64; `null`/absent is 0n. */
export function decodeId(value: unknown, field: string): NodeId {
  if (value === null || value === undefined) return 0n;
  if (typeof value !== "bigint" || value < 0n || value > UINT64_MAX) {
    return fail(`${field} is not a uint64 id`);
  }
  return value;
}

/** A safe non-negative integer; `null`/absent is 0. */
export function decodeCount(value: unknown, field: string): number {
  if (value === null || value === undefined) return 0;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    return fail(`${field} is not a safe non-negative integer`);
  }
  return value;
}

/** Bytes as a plain `Uint8Array` view (never msgpackr's Buffer); `null`/absent is empty. */
export function decodeBytes(value: unknown, field: string): Uint8Array {
  if (value === null || value === undefined) return EMPTY_BYTES;
  if (!(value instanceof Uint8Array)) return fail(`${field} is not bytes`);
  if (value.constructor === Uint8Array) return value;
  return new Uint8Array(value.buffer, value.byteOffset, value.byteLength);
}

function decodeFlag(value: unknown, field: string): boolean {
  if (value === null || value === undefined || value === false) return false;
  if (value !== true) return fail(`${field} is not a boolean`);
  return true;
}

function decodeList(value: unknown, field: string, lengthMax: number): readonly unknown[] {
  if (value === null || value === undefined) return [];
  if (!Array.isArray(value)) return fail(`${field} is not a list`);
  if (value.length > lengthMax) {
    return fail(`${field} has ${value.length} items, at most ${lengthMax}`);
  }
  return value;
}

function decodeEntry(value: unknown): Entry {
  const fields = decodeList(value, "entry", 4);
  const type = fields[3];
  if (type !== null && type !== undefined && type !== 0 && type !== 1) {
    fail("entry type is not 0 or 1");
  }
  return {
    term: decodeCount(fields[0], "entry term"),
    index: decodeCount(fields[1], "entry index"),
    data: decodeBytes(fields[2], "entry data"),
    type: type === 1 ? "confChange" : "normal",
  };
}

function decodeIds(value: unknown, field: string): NodeId[] {
  return decodeList(value, field, Number.MAX_SAFE_INTEGER).map((id) => {
    const decoded = decodeId(id, field);
    if (decoded === 0n) fail(`${field} holds id 0`);
    return decoded;
  });
}

function decodeConfState(fields: readonly unknown[]): ConfState {
  return {
    voters: decodeIds(fields[3], "voters"),
    learners: decodeIds(fields[4], "learners"),
    votersOutgoing: decodeIds(fields[5], "votersOutgoing"),
    learnersNext: decodeIds(fields[6], "learnersNext"),
    autoLeave: decodeFlag(fields[7], "autoLeave"),
  };
}

function decodeSnapshot(value: unknown): Snapshot | null {
  if (value === null || value === undefined) return null;
  const fields = decodeList(value, "snapshot", 8);
  return {
    data: decodeBytes(fields[0], "snapshot data"),
    metadata: {
      confState: decodeConfState(fields),
      index: decodeCount(fields[1], "snapshot index"),
      term: decodeCount(fields[2], "snapshot term"),
    },
  };
}

function decodeType(value: unknown): MessageType {
  const type = typeof value === "number" ? MESSAGE_TYPES[value] : undefined;
  if (type === undefined) return fail(`unknown message type ${String(value)}`);
  if (isLocalMessage(type)) return fail(`${type} never crosses the network`);
  return type;
}

/**
 * Decodes the message at `fields[start…]` (as written by
 * {@linkcode encodeMessageInto}); throws {@linkcode PeerProtocolError}.
 */
export function decodeMessageAt(fields: readonly unknown[], start = 0): Message {
  if (fields.length <= start) fail("no message type");
  if (fields.length - start > MESSAGE_FIELD_COUNT) fail("too many fields");
  const at = (i: number) => fields[start + i];
  return {
    type: decodeType(at(0)),
    to: decodeId(at(1), "to"),
    from: decodeId(at(2), "from"),
    term: decodeCount(at(3), "term"),
    logTerm: decodeCount(at(4), "logTerm"),
    index: decodeCount(at(5), "index"),
    commit: decodeCount(at(6), "commit"),
    entries: decodeList(at(7), "entries", Number.MAX_SAFE_INTEGER).map(decodeEntry),
    reject: decodeFlag(at(8), "reject"),
    rejectHint: decodeCount(at(9), "rejectHint"),
    context: decodeBytes(at(10), "context"),
    snapshot: decodeSnapshot(at(11)),
  };
}

/** Decodes an array written by {@linkcode encodeMessage}; throws {@linkcode PeerProtocolError}. */
export function decodeMessage(value: unknown): Message {
  if (!Array.isArray(value)) return fail("not a list");
  return decodeMessageAt(value, 0);
}
