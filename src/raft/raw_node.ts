/**
 * {@linkcode RawNode}: the caller's handle on one Raft member, in the shape
 * of etcd-io/raft's RawNode. Inputs (tick, step, propose, ...) change the
 * state; {@linkcode RawNode.ready} hands out what to persist, send and
 * apply; {@linkcode RawNode.advance} reports that it was done.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { encodeConfChange } from "./confchange_codec.ts";
import type { RaftConfig } from "./config.ts";
import { ProposalDroppedError, StepLocalMessageError } from "./errors.ts";
import type { ProgressState } from "./progress.ts";
import { Raft } from "./raft.ts";
import type {
  ConfChange,
  ConfState,
  HardState,
  Message,
  NodeId,
  Ready,
  SnapshotStatus,
  SoftState,
} from "./types.ts";
import { hardStateEqual, isLocalMessage, isResponseMessage, message, NONE } from "./types.ts";

/** A member's state for monitoring and tests. */
export interface RaftStatus {
  readonly id: NodeId;
  readonly hardState: HardState;
  readonly softState: SoftState;
  readonly applied: number;
  readonly commit: number;
  readonly lastIndex: number;
  readonly config: ConfState;
  readonly leadTransferee: NodeId;
  /** Per member, when this member leads. */
  readonly progress:
    | ReadonlyMap<NodeId, { match: number; next: number; state: ProgressState }>
    | null;
}

/** The handle on one Raft member. */
export class RawNode {
  readonly #raft: Raft;
  #prevSoftState: SoftState;
  #prevHardState: HardState;
  #outstanding: Ready | null = null;

  constructor(config: RaftConfig) {
    this.#raft = new Raft(config);
    this.#prevSoftState = this.#raft.softState();
    this.#prevHardState = this.#raft.hardState();
  }

  #assertNoReadyOutstanding(): void {
    assert(this.#outstanding === null, "a Ready is outstanding: call advance() first");
  }

  /** Advances the logical clock by one tick. */
  tick(): void {
    this.#assertNoReadyOutstanding();
    this.#raft.tick();
  }

  /** Starts an election now (if this member may). */
  campaign(): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({ type: "MsgHup", from: this.#raft.id }));
  }

  /** Proposes data to be appended to the log; throws ProposalDroppedError. */
  propose(data: Uint8Array): void {
    this.proposeBatch([data]);
  }

  /**
   * Proposes several entries in one step (one MsgProp, so one MsgApp per
   * follower instead of one per entry); all or none enter the log. Throws
   * ProposalDroppedError.
   */
  proposeBatch(datas: readonly Uint8Array[]): void {
    this.#assertNoReadyOutstanding();
    assert(datas.length > 0, "empty proposal batch");
    this.#raft.step(message({
      type: "MsgProp",
      from: this.#raft.id,
      entries: datas.map((data) => ({ term: 0, index: 0, type: "normal" as const, data })),
    }));
  }

  /** Proposes a membership change; throws ProposalDroppedError. */
  proposeConfChange(change: ConfChange): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({
      type: "MsgProp",
      from: this.#raft.id,
      entries: [{ term: 0, index: 0, type: "confChange", data: encodeConfChange(change) }],
    }));
  }

  /** Applies a committed membership change (call when applying its entry). */
  applyConfChange(change: ConfChange): ConfState {
    return this.#raft.applyConfChange(change);
  }

  /**
   * Steps a message received from a peer. Local message types are refused;
   * messages from members that are not in the configuration are ignored
   * unless they are requests (a new member must be able to reach the leader).
   */
  step(m: Message): void {
    this.#assertNoReadyOutstanding();
    if (isLocalMessage(m.type)) throw new StepLocalMessageError();
    if (isResponseMessage(m.type) && !this.#raft.tracker.progress.has(m.from)) return;
    try {
      this.#raft.step(m);
    } catch (error) {
      // A forwarded proposal that cannot be placed is dropped, as in etcd.
      if (!(error instanceof ProposalDroppedError)) throw error;
    }
  }

  /** Requests a linearizable read point; a ReadState with `context` follows in a Ready. */
  readIndex(context: Uint8Array): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({ type: "MsgReadIndex", context }));
  }

  /** Asks the leader to hand leadership to `transferee`. */
  transferLeader(transferee: NodeId): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({ type: "MsgTransferLeader", from: transferee }));
  }

  /** A message to `id` could not be delivered. */
  reportUnreachable(id: NodeId): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({ type: "MsgUnreachable", from: id }));
  }

  /** A snapshot sent to `id` was installed ("finish") or lost ("failure"). */
  reportSnapshot(id: NodeId, status: SnapshotStatus): void {
    this.#assertNoReadyOutstanding();
    this.#raft.step(message({ type: "MsgSnapStatus", from: id, reject: status === "failure" }));
  }

  /** The hard state as the Ready reports it (altered only by the voteNotPersisted bug). */
  #reportedHardState(): HardState {
    const state = this.#raft.hardState();
    if (!this.#raft.bugs.has("voteNotPersisted")) return state;
    const prev = this.#prevHardState;
    const vote = prev.term === state.term ? prev.vote : NONE;
    return { term: state.term, vote, commit: state.commit };
  }

  #softStateChanged(soft: SoftState): boolean {
    return soft.lead !== this.#prevSoftState.lead ||
      soft.raftState !== this.#prevSoftState.raftState;
  }

  /** Whether a Ready has anything in it. */
  hasReady(): boolean {
    const r = this.#raft;
    // The inputs stepped since the last Ready end here: what they owe the followers goes out now.
    r.flushBroadcast();
    if (this.#softStateChanged(r.softState())) return true;
    if (!hardStateEqual(this.#reportedHardState(), this.#prevHardState)) return true;
    return r.raftLog.unstable.snapshot !== null || r.raftLog.unstable.entries.length > 0 ||
      r.msgs.length > 0 || r.readStates.length > 0 || r.raftLog.hasNextCommittedEntries();
  }

  /** What to persist, send and apply now. Call advance() when done. */
  ready(): Ready {
    this.#assertNoReadyOutstanding();
    const r = this.#raft;
    r.flushBroadcast();
    const soft = r.softState();
    const softChanged = this.#softStateChanged(soft);
    const hard = this.#reportedHardState();
    const hardChanged = !hardStateEqual(hard, this.#prevHardState);
    const entries = r.raftLog.unstableEntries();
    const snapshot = r.raftLog.unstable.snapshot;
    const rd: Ready = {
      softState: softChanged ? soft : null,
      hardState: hardChanged ? hard : null,
      readStates: r.readStates,
      entries,
      snapshot,
      committedEntries: r.raftLog.nextCommittedEntries(),
      messages: r.msgs,
      mustSync: entries.length > 0 || snapshot !== null ||
        hard.term !== this.#prevHardState.term || hard.vote !== this.#prevHardState.vote,
    };
    r.msgs = [];
    r.readStates = [];
    if (softChanged) this.#prevSoftState = soft;
    this.#outstanding = rd;
    return rd;
  }

  /** The last Ready was persisted, sent and applied. */
  advance(): void {
    const rd = this.#outstanding;
    assert(rd !== null, "advance() without an outstanding Ready");
    if (rd.hardState !== null) this.#prevHardState = rd.hardState;
    const committed = rd.committedEntries;
    const lastCommitted = committed[committed.length - 1];
    const applied = lastCommitted?.index ?? rd.snapshot?.metadata.index ?? 0;
    const lastEntry = rd.entries[rd.entries.length - 1] ?? null;
    this.#outstanding = null;
    this.#raft.advance(applied, lastEntry, rd.snapshot?.metadata.index ?? 0, committed);
  }

  /** The member's current state. */
  status(): RaftStatus {
    const r = this.#raft;
    let progress: Map<NodeId, { match: number; next: number; state: ProgressState }> | null = null;
    if (r.state === "leader") {
      progress = new Map();
      for (const id of r.tracker.ids()) {
        const pr = r.tracker.progress.get(id)!;
        progress.set(id, { match: pr.match, next: pr.next, state: pr.state });
      }
    }
    return {
      id: r.id,
      hardState: r.hardState(),
      softState: r.softState(),
      applied: r.raftLog.applied,
      commit: r.raftLog.committed,
      lastIndex: r.raftLog.lastIndex(),
      config: r.tracker.confState(),
      leadTransferee: r.leadTransferee,
      progress,
    };
  }

  /** The underlying state machine, for white-box tests only. */
  get raftForTests(): Raft {
    return this.#raft;
  }
}
