/**
 * The data types of the Raft core, in the shape of etcd-io/raft's raftpb:
 * one {@linkcode Message} with a {@linkcode MessageType}, log entries,
 * hard state, configuration state and snapshots.
 *
 * Indexes and terms are JS numbers (safe integers); member ids are bigint.
 *
 * @module
 */

/** A member id. `0n` means "none". */
export type NodeId = bigint;

/** The id meaning "no member". */
export const NONE: NodeId = 0n;

/** What an entry holds: a normal proposal or a membership change. */
export type EntryType = "normal" | "confChange";

/** One log entry. An empty `data` of type normal is a leader's no-op. */
export interface Entry {
  readonly term: number;
  readonly index: number;
  readonly type: EntryType;
  readonly data: Uint8Array;
}

/** The state that must be durable before messages depending on it are sent. */
export interface HardState {
  readonly term: number;
  readonly vote: NodeId;
  readonly commit: number;
}

/** The membership: voters, learners, and the outgoing half of a joint configuration. */
export interface ConfState {
  readonly voters: readonly NodeId[];
  readonly learners: readonly NodeId[];
  /** Voters of the outgoing configuration while joint; empty otherwise. */
  readonly votersOutgoing: readonly NodeId[];
  /** Voters that become learners when the joint configuration is left. */
  readonly learnersNext: readonly NodeId[];
  /** Leave the joint configuration automatically once it is committed. */
  readonly autoLeave: boolean;
}

/** Where a snapshot stands in the log, and the membership at that point. */
export interface SnapshotMetadata {
  readonly confState: ConfState;
  readonly index: number;
  readonly term: number;
}

/** A state-machine snapshot: opaque bytes plus its metadata. */
export interface Snapshot {
  readonly data: Uint8Array;
  readonly metadata: SnapshotMetadata;
}

/** Every kind of message, local (timer, proposal) or between members. */
export type MessageType =
  | "MsgHup"
  | "MsgBeat"
  | "MsgProp"
  | "MsgApp"
  | "MsgAppResp"
  | "MsgVote"
  | "MsgVoteResp"
  | "MsgSnap"
  | "MsgHeartbeat"
  | "MsgHeartbeatResp"
  | "MsgUnreachable"
  | "MsgSnapStatus"
  | "MsgCheckQuorum"
  | "MsgTransferLeader"
  | "MsgTimeoutNow"
  | "MsgReadIndex"
  | "MsgReadIndexResp"
  | "MsgPreVote"
  | "MsgPreVoteResp";

/**
 * The one message type. Fields that a message type does not use hold their
 * zero value (0, 0n, false, empty array or bytes, null snapshot).
 */
export interface Message {
  readonly type: MessageType;
  readonly to: NodeId;
  readonly from: NodeId;
  readonly term: number;
  /** Term of the entry at `index` (MsgApp), or of the last entry (votes), or hint term (rejections). */
  readonly logTerm: number;
  readonly index: number;
  readonly entries: readonly Entry[];
  readonly commit: number;
  readonly snapshot: Snapshot | null;
  readonly reject: boolean;
  readonly rejectHint: number;
  /** Opaque bytes: a ReadIndex request context, a heartbeat's read round, or a campaign marker. */
  readonly context: Uint8Array;
}

/** The role of a member. */
export type StateType = "follower" | "candidate" | "leader" | "preCandidate";

/** Volatile state, reported when it changes. */
export interface SoftState {
  readonly lead: NodeId;
  readonly raftState: StateType;
}

/** A ReadIndex answer: once `index` is applied, a read for `requestCtx` may be served. */
export interface ReadState {
  readonly index: number;
  readonly requestCtx: Uint8Array;
}

/** One step of a membership change. */
export type ConfChangeType = "addNode" | "removeNode" | "addLearnerNode";

/** A single membership step. */
export interface ConfChangeSingle {
  readonly type: ConfChangeType;
  readonly nodeId: NodeId;
}

/** How a change with several steps (or a forced joint change) is carried out. */
export type ConfChangeTransition = "auto" | "jointImplicit" | "jointExplicit";

/**
 * A membership change. One step with transition "auto" is a simple change;
 * several steps (or a joint transition) go through joint consensus. An empty
 * change leaves a joint configuration. `context` is opaque to Raft (etcd puts
 * the member's URLs there).
 */
export interface ConfChange {
  readonly transition: ConfChangeTransition;
  readonly changes: readonly ConfChangeSingle[];
  readonly context: Uint8Array;
}

/** How a snapshot sent to a follower ended. */
export type SnapshotStatus = "finish" | "failure";

/**
 * Everything the Raft core asks the caller to do, in order: persist
 * `snapshot`, `entries` and `hardState` (one write; fsync when `mustSync`),
 * then send `messages`, then apply `committedEntries`, then call advance.
 */
export interface Ready {
  /** Set when role or leader changed. */
  readonly softState: SoftState | null;
  /** Set when term, vote or commit changed; persist before sending. */
  readonly hardState: HardState | null;
  readonly readStates: readonly ReadState[];
  /** Entries to append to stable storage before sending messages. */
  readonly entries: readonly Entry[];
  /** A snapshot to persist (and apply to the state machine) before anything else. */
  readonly snapshot: Snapshot | null;
  /** Committed entries to apply, in order; some may be in `entries` above. */
  readonly committedEntries: readonly Entry[];
  /** Messages to send once the above is persisted. */
  readonly messages: readonly Message[];
  /** Whether the write above must be fsynced before the messages are sent. */
  readonly mustSync: boolean;
}

/** An empty configuration. */
export const EMPTY_CONF_STATE: ConfState = Object.freeze({
  voters: [],
  learners: [],
  votersOutgoing: [],
  learnersNext: [],
  autoLeave: false,
});

/** A hard state with nothing in it. */
export const EMPTY_HARD_STATE: HardState = Object.freeze({ term: 0, vote: NONE, commit: 0 });

const EMPTY_BYTES = new Uint8Array(0);

/** Builds a message with zero values for every field not given. */
export function message(
  fields: Pick<Message, "type"> & Partial<Message>,
): Message {
  return {
    to: NONE,
    from: NONE,
    term: 0,
    logTerm: 0,
    index: 0,
    entries: [],
    commit: 0,
    snapshot: null,
    reject: false,
    rejectHint: 0,
    context: EMPTY_BYTES,
    ...fields,
  };
}

/** Whether a hard state is all zero. */
export function isEmptyHardState(state: HardState): boolean {
  return state.term === 0 && state.vote === NONE && state.commit === 0;
}

/** Whether two hard states are equal. */
export function hardStateEqual(a: HardState, b: HardState): boolean {
  return a.term === b.term && a.vote === b.vote && a.commit === b.commit;
}

/** Whether a snapshot is the empty one (index 0). */
export function isEmptySnapshot(snapshot: Snapshot | null): boolean {
  return snapshot === null || snapshot.metadata.index === 0;
}

/** Whether a message type is a response to another member's request. */
export function isResponseMessage(type: MessageType): boolean {
  return type === "MsgAppResp" || type === "MsgVoteResp" || type === "MsgHeartbeatResp" ||
    type === "MsgUnreachable" || type === "MsgReadIndexResp" || type === "MsgPreVoteResp";
}

/** Whether a message type never crosses the network (timers, local reports). */
export function isLocalMessage(type: MessageType): boolean {
  return type === "MsgHup" || type === "MsgBeat" || type === "MsgUnreachable" ||
    type === "MsgSnapStatus" || type === "MsgCheckQuorum";
}

/** The response type of a vote request type. */
export function voteResponseType(type: MessageType): MessageType {
  if (type === "MsgVote") return "MsgVoteResp";
  if (type === "MsgPreVote") return "MsgPreVoteResp";
  throw new TypeError(`Cannot answer message type "${type}": not a vote request`);
}
