/**
 * The Raft state machine in etcd-io/raft's shape: roles, terms, elections
 * (with PreVote and CheckQuorum), log replication with flow control,
 * ReadIndex, snapshots, membership changes and leader transfer. Pure and
 * synchronous: time arrives as ticks and randomness from an injected PRNG.
 *
 * One deliberate difference from etcd-io/raft's synchronous mode: the leader
 * counts its own log toward a quorum only once its entries are durable
 * (after {@linkcode Raft.advance}), as the Raft thesis (§10.2.1) allows, so
 * a single member never commits, and so never acknowledges, before fsync.
 *
 * @module
 */

import type { Prng } from "../util/prng.ts";
import { assert } from "../util/assert.ts";
import { bytesEqual } from "../util/bytes.ts";
import type { ConfChangeResult } from "./confchange.ts";
import { Changer, isAutoLeave, isEnterJoint, isLeaveJoint, restoreConfig } from "./confchange.ts";
import { decodeConfChange } from "./confchange_codec.ts";
import type { RaftBug, RaftConfig } from "./config.ts";
import { validateConfig } from "./config.ts";
import { ProposalDroppedError } from "./errors.ts";
import { RaftLog } from "./log.ts";
import { decodeReadRound, encodeReadRound, ReadOnly } from "./read_only.ts";
import { jointVoteResult } from "./quorum.ts";
import { ProgressTracker } from "./tracker.ts";
import type {
  ConfChange,
  ConfState,
  Entry,
  HardState,
  Message,
  MessageType,
  NodeId,
  ReadState,
  SoftState,
  StateType,
} from "./types.ts";
import { isEmptyHardState, message, NONE, voteResponseType } from "./types.ts";

type CampaignType = "preElection" | "election" | "transfer";

/** The context of a vote request forced by a leader transfer. */
export const CAMPAIGN_TRANSFER: Uint8Array = new TextEncoder().encode("CampaignTransfer");

const EMPTY_BYTES = new Uint8Array(0);

function payloadBytes(entries: readonly Entry[]): number {
  let size = 0;
  for (const entry of entries) size += entry.data.byteLength;
  return size;
}

/** The consensus state machine of one member. */
export class Raft {
  readonly id: NodeId;
  term = 0;
  vote: NodeId = NONE;
  state: StateType = "follower";
  lead: NodeId = NONE;
  isLearner = false;
  readonly raftLog: RaftLog;
  readonly tracker: ProgressTracker;
  /** Messages to send, taken by the next Ready. */
  msgs: Message[] = [];
  /** ReadIndex answers, taken by the next Ready. */
  readStates: ReadState[] = [];
  leadTransferee: NodeId = NONE;
  /** No conf change may be proposed until this index is applied. */
  pendingConfIndex = 0;
  uncommittedBytes = 0;
  readOnly: ReadOnly;
  /** Reads that arrived before this leader committed an entry of its term. */
  pendingReadIndexMessages: Message[] = [];
  /**
   * A broadcast the leader owes its followers, sent once per batch of inputs
   * by {@linkcode flushBroadcast} (RawNode calls it before every Ready):
   * "entries" for new proposals, "commit" when the commit index moved (an
   * empty MsgApp then still carries it). Many proposals and acknowledgements
   * stepped between two Readys so cost one MsgApp per follower, not one each.
   */
  #broadcastOwed: "none" | "entries" | "commit" = "none";
  electionElapsed = 0;
  heartbeatElapsed = 0;
  randomizedElectionTimeout = 0;
  readonly checkQuorum: boolean;
  readonly preVote: boolean;
  readonly electionTimeout: number;
  readonly heartbeatTimeout: number;
  readonly maxMsgSizeBytes: number;
  readonly maxUncommittedBytes: number;
  readonly readIndexPendingMax: number;
  readonly bugs: ReadonlySet<RaftBug>;
  readonly #prng: Prng;
  /** Read rounds only grow, across terms and roles. */
  #readRound = 0;

  constructor(config: RaftConfig) {
    const c = validateConfig(config);
    this.#prng = c.prng;
    this.id = c.id;
    this.raftLog = new RaftLog(c.storage, c.maxCommittedSizePerReadyBytes);
    this.tracker = new ProgressTracker(c.maxInflightMsgs, c.maxInflightBytes);
    this.readOnly = new ReadOnly(c.readIndexPendingMax);
    this.checkQuorum = c.checkQuorum;
    this.preVote = c.preVote;
    this.electionTimeout = c.electionTicks;
    this.heartbeatTimeout = c.heartbeatTicks;
    this.maxMsgSizeBytes = c.maxSizePerMsgBytes;
    this.maxUncommittedBytes = c.maxUncommittedEntriesBytes;
    this.readIndexPendingMax = c.readIndexPendingMax;
    this.bugs = c.bugs;
    const { hardState, confState } = c.storage.initialState();
    const restored = restoreConfig(this.tracker, this.raftLog.lastIndex(), confState);
    this.#switchToConfig(restored);
    if (!isEmptyHardState(hardState)) this.#loadState(hardState);
    if (c.applied > 0) this.raftLog.appliedTo(c.applied);
    this.becomeFollower(this.term, NONE);
  }

  softState(): SoftState {
    return { lead: this.lead, raftState: this.state };
  }

  hardState(): HardState {
    return { term: this.term, vote: this.vote, commit: this.raftLog.committed };
  }

  #loadState(state: HardState): void {
    assert(
      state.commit >= this.raftLog.committed && state.commit <= this.raftLog.lastIndex(),
      `${this.id} state.commit ${state.commit} is out of range [${this.raftLog.committed}, ${this.raftLog.lastIndex()}]`,
    );
    this.raftLog.committed = state.commit;
    this.term = state.term;
    this.vote = state.vote;
  }

  // ---- sending -------------------------------------------------------------

  /** Queues a message; fills in `from` and (except for votes, proposals and reads) `term`. */
  send(fields: Pick<Message, "type" | "to"> & Partial<Message>): void {
    const type = fields.type;
    const isVote = type === "MsgVote" || type === "MsgVoteResp" || type === "MsgPreVote" ||
      type === "MsgPreVoteResp";
    if (isVote) {
      assert((fields.term ?? 0) !== 0, `term should be set when sending ${type}`);
    } else {
      assert((fields.term ?? 0) === 0, `term should not be set when sending ${type}`);
    }
    const term = isVote || type === "MsgProp" || type === "MsgReadIndex"
      ? fields.term ?? 0
      : this.term;
    const from = fields.from ?? NONE;
    this.msgs.push(message({ ...fields, term, from: from === NONE ? this.id : from }));
  }

  /** Sends a MsgApp (or a snapshot) to `to` if flow control allows; true if something was sent. */
  maybeSendAppend(to: NodeId, sendIfEmpty: boolean): boolean {
    const pr = this.tracker.progress.get(to);
    if (pr === undefined || pr.isPaused()) return false;
    const prevIndex = pr.next - 1;
    const prevTerm = this.raftLog.term(prevIndex);
    let entries: Entry[] | undefined;
    if (prevTerm !== undefined) {
      try {
        entries = pr.state === "replicate" && pr.inflights.full()
          ? []
          : this.raftLog.entries(pr.next, this.maxMsgSizeBytes);
      } catch {
        entries = undefined; // compacted
      }
    }
    if (entries !== undefined && entries.length === 0 && !sendIfEmpty) return false;
    if (prevTerm === undefined || entries === undefined) return this.#maybeSendSnapshot(to);
    this.send({
      type: "MsgApp",
      to,
      index: prevIndex,
      logTerm: prevTerm,
      entries,
      commit: this.raftLog.committed,
    });
    pr.sentEntries(entries.length, payloadBytes(entries));
    return true;
  }

  #maybeSendSnapshot(to: NodeId): boolean {
    const pr = this.tracker.progress.get(to)!;
    // A member that has not answered lately would only waste a snapshot transfer.
    if (!pr.recentActive) return false;
    let snapshot;
    try {
      snapshot = this.raftLog.snapshot();
    } catch {
      return false; // temporarily unavailable; retried on the next heartbeat
    }
    assert(snapshot.metadata.index > 0, "need non-empty snapshot");
    pr.becomeSnapshot(snapshot.metadata.index);
    this.send({ type: "MsgSnap", to, snapshot });
    return true;
  }

  sendAppend(to: NodeId): void {
    this.maybeSendAppend(to, true);
  }

  sendHeartbeat(to: NodeId, context: Uint8Array): void {
    const pr = this.tracker.progress.get(to)!;
    // Never let a follower commit past what it is known to hold.
    const commit = Math.min(pr.match, this.raftLog.committed);
    this.send({ type: "MsgHeartbeat", to, commit, context });
  }

  bcastAppend(): void {
    for (const id of this.tracker.ids()) if (id !== this.id) this.sendAppend(id);
  }

  /** Owes the followers a broadcast (see {@linkcode flushBroadcast}). */
  #oweBroadcast(kind: "entries" | "commit"): void {
    if (this.#broadcastOwed !== "commit") this.#broadcastOwed = kind;
  }

  /**
   * Sends the broadcast owed since the last call: what each follower lacks
   * (flow control permitting), and for a moved commit index an empty MsgApp
   * to a follower that needs nothing else.
   */
  flushBroadcast(): void {
    const owed = this.#broadcastOwed;
    if (owed === "none") return;
    this.#broadcastOwed = "none";
    if (this.state !== "leader") return;
    for (const id of this.tracker.ids()) {
      if (id === this.id) continue;
      // Several messages while flow control allows (a follower catching up).
      let sent = this.maybeSendAppend(id, owed === "commit");
      while (sent) sent = this.maybeSendAppend(id, false);
    }
  }

  bcastHeartbeat(): void {
    const round = this.readOnly.lastPendingRound();
    this.#bcastHeartbeatWithContext(round === undefined ? EMPTY_BYTES : encodeReadRound(round));
  }

  #bcastHeartbeatWithContext(context: Uint8Array): void {
    for (const id of this.tracker.ids()) if (id !== this.id) this.sendHeartbeat(id, context);
  }

  // ---- commit ---------------------------------------------------------------

  /** Advances the commit index to what a quorum holds; true if it moved. */
  maybeCommit(): boolean {
    return this.raftLog.maybeCommit(
      this.tracker.committed(),
      this.term,
      this.bugs.has("commitOldTermByCounting"),
    );
  }

  committedEntryInCurrentTerm(): boolean {
    return this.raftLog.term(this.raftLog.committed) === this.term;
  }

  // ---- roles ----------------------------------------------------------------

  #reset(term: number): void {
    if (this.term !== term) {
      assert(term > this.term, `term must not fall: ${this.term} -> ${term}`);
      this.term = term;
      this.vote = NONE;
    }
    this.lead = NONE;
    this.electionElapsed = 0;
    this.heartbeatElapsed = 0;
    this.randomizedElectionTimeout = this.electionTimeout +
      this.#prng.nextInt(this.electionTimeout);
    this.leadTransferee = NONE;
    this.tracker.resetVotes();
    const lastIndex = this.raftLog.lastIndex();
    for (const [id, pr] of this.tracker.progress) {
      const fresh = this.tracker.newProgress(lastIndex + 1, pr.isLearner);
      if (id === this.id) fresh.match = this.raftLog.stableLastIndex();
      this.tracker.progress.set(id, fresh);
    }
    this.pendingConfIndex = 0;
    this.uncommittedBytes = 0;
    this.readOnly = new ReadOnly(this.readIndexPendingMax);
    this.pendingReadIndexMessages = [];
    this.#broadcastOwed = "none";
  }

  becomeFollower(term: number, lead: NodeId): void {
    this.#reset(term);
    this.lead = lead;
    this.state = "follower";
  }

  becomeCandidate(): void {
    assert(this.state !== "leader", "invalid transition [leader -> candidate]");
    this.#reset(this.term + 1);
    this.vote = this.id;
    this.state = "candidate";
  }

  becomePreCandidate(): void {
    assert(this.state !== "leader", "invalid transition [leader -> pre-candidate]");
    // Neither the term nor the vote changes: a pre-election is only a poll.
    this.tracker.resetVotes();
    this.lead = NONE;
    this.state = "preCandidate";
  }

  becomeLeader(): void {
    assert(this.state !== "follower", "invalid transition [follower -> leader]");
    this.#reset(this.term);
    this.lead = this.id;
    this.state = "leader";
    const self = this.tracker.progress.get(this.id)!;
    self.becomeReplicate();
    self.recentActive = true;
    // Conf changes in the log may be unapplied; none may be proposed until they are.
    this.pendingConfIndex = this.raftLog.lastIndex();
    // An entry of our own term: once it commits, everything before it is committed too.
    const appended = this.appendEntries([{ term: 0, index: 0, type: "normal", data: EMPTY_BYTES }]);
    assert(appended, "empty entry was dropped");
  }

  /** Assigns terms and indexes and appends to the log; false if over the uncommitted limit. */
  appendEntries(entries: readonly Entry[]): boolean {
    const lastIndex = this.raftLog.lastIndex();
    const stamped = entries.map((entry, i) => ({
      term: this.term,
      index: lastIndex + 1 + i,
      type: entry.type,
      data: entry.data,
    }));
    const size = payloadBytes(stamped);
    if (
      this.uncommittedBytes > 0 && size > 0 &&
      this.uncommittedBytes + size > this.maxUncommittedBytes
    ) {
      return false;
    }
    this.uncommittedBytes += size;
    this.raftLog.append(stamped);
    return true;
  }

  /** Whether this member may campaign. */
  promotable(): boolean {
    const pr = this.tracker.progress.get(this.id);
    return pr !== undefined && !pr.isLearner && this.raftLog.unstable.snapshot === null;
  }

  #pastElectionTimeout(): boolean {
    return this.electionElapsed >= this.randomizedElectionTimeout;
  }

  // ---- ticks ----------------------------------------------------------------

  tick(): void {
    if (this.state === "leader") this.#tickHeartbeat();
    else this.#tickElection();
  }

  #tickElection(): void {
    this.electionElapsed++;
    if (this.promotable() && this.#pastElectionTimeout()) {
      this.electionElapsed = 0;
      this.step(message({ type: "MsgHup", from: this.id }));
    }
  }

  #tickHeartbeat(): void {
    this.heartbeatElapsed++;
    this.electionElapsed++;
    if (this.electionElapsed >= this.electionTimeout) {
      this.electionElapsed = 0;
      if (this.checkQuorum) this.step(message({ type: "MsgCheckQuorum", from: this.id }));
      // A removed leader had an election timeout to hand off (and to spread
      // the commit of its removal); now it stops leading, so the others elect
      // a leader even if the chosen voter is down.
      if (this.state === "leader" && this.#removedFromVoters()) {
        this.becomeFollower(this.term, NONE);
        return;
      }
      // A transfer that did not finish within an election timeout is abandoned.
      if (this.state === "leader" && this.leadTransferee !== NONE) this.leadTransferee = NONE;
    }
    if (this.state !== "leader") return;
    if (this.heartbeatElapsed >= this.heartbeatTimeout) {
      this.heartbeatElapsed = 0;
      this.step(message({ type: "MsgBeat", from: this.id }));
    }
  }

  // ---- elections --------------------------------------------------------------

  #hup(type: CampaignType): void {
    if (this.state === "leader") return;
    if (!this.promotable()) return;
    if (this.#hasUnappliedConfChange()) return;
    this.campaign(type);
  }

  #hasUnappliedConfChange(): boolean {
    if (this.raftLog.committed <= this.raftLog.applied) return false;
    const lo = Math.max(this.raftLog.applied + 1, this.raftLog.firstIndex());
    const entries = this.raftLog.slice(lo, this.raftLog.committed + 1, Number.MAX_SAFE_INTEGER);
    return entries.some((entry) => entry.type === "confChange");
  }

  campaign(type: CampaignType): void {
    if (!this.promotable()) return;
    let voteType: MessageType;
    let term: number;
    if (type === "preElection") {
      this.becomePreCandidate();
      voteType = "MsgPreVote";
      term = this.term + 1; // the term we would campaign in
    } else {
      this.becomeCandidate();
      voteType = "MsgVote";
      term = this.term;
    }
    if (this.#poll(this.id, true) === "won") {
      // A single voter wins at once.
      if (type === "preElection") this.campaign("election");
      else this.becomeLeader();
      return;
    }
    const context = type === "transfer" ? CAMPAIGN_TRANSFER : EMPTY_BYTES;
    for (const id of this.tracker.voterIds()) {
      if (id === this.id) continue;
      this.send({
        type: voteType,
        to: id,
        term,
        index: this.raftLog.lastIndex(),
        logTerm: this.raftLog.lastTerm(),
        context,
      });
    }
  }

  #poll(id: NodeId, granted: boolean) {
    this.tracker.recordVote(id, granted);
    return this.tracker.voteResult();
  }

  // ---- step -------------------------------------------------------------------

  /** Handles one message: local (term 0) or from a peer. */
  step(m: Message): void {
    if (!this.#stepTerm(m)) return;
    switch (m.type) {
      case "MsgHup":
        this.#hup(this.preVote ? "preElection" : "election");
        return;
      case "MsgVote":
      case "MsgPreVote":
        this.#stepVoteRequest(m);
        return;
      default:
        if (this.state === "leader") this.#stepLeader(m);
        else if (this.state === "follower") this.#stepFollower(m);
        else this.#stepCandidate(m);
    }
  }

  /** Handles the message's term; false when the message is to be dropped. */
  #stepTerm(m: Message): boolean {
    if (m.term === 0) return true; // local message
    if (m.term > this.term) {
      if (m.type === "MsgVote" || m.type === "MsgPreVote") {
        const force = bytesEqual(m.context, CAMPAIGN_TRANSFER);
        const inLease = this.checkQuorum && this.lead !== NONE &&
          this.electionElapsed < this.electionTimeout;
        // We heard from a leader within the minimum election timeout: keep it.
        if (!force && inLease) return false;
      }
      if (m.type === "MsgPreVote") {
        // A pre-vote never changes our term.
      } else if (m.type === "MsgPreVoteResp" && !m.reject) {
        // A granted pre-vote carries the term we will campaign in.
      } else if (m.type === "MsgApp" || m.type === "MsgHeartbeat" || m.type === "MsgSnap") {
        this.becomeFollower(m.term, m.from);
      } else {
        this.becomeFollower(m.term, NONE);
      }
      return true;
    }
    if (m.term < this.term) {
      if (m.type === "MsgHeartbeat" || m.type === "MsgApp") {
        // A leader behind us (delayed, partitioned, or removed and no longer
        // tracked by the new leader): our answer carries our term and makes
        // it step down.
        this.send({ type: "MsgAppResp", to: m.from });
      } else if (m.type === "MsgPreVote") {
        this.send({ type: "MsgPreVoteResp", to: m.from, term: this.term, reject: true });
      }
      return false;
    }
    return true;
  }

  #stepVoteRequest(m: Message): void {
    const canVote = this.vote === m.from ||
      (this.vote === NONE && this.lead === NONE) ||
      (m.type === "MsgPreVote" && m.term > this.term);
    const upToDate = this.bugs.has("noUpToDateCheck") ||
      this.raftLog.isUpToDate(m.index, m.logTerm);
    if (canVote && upToDate) {
      this.send({ type: voteResponseType(m.type), to: m.from, term: m.term });
      if (m.type === "MsgVote") {
        this.electionElapsed = 0;
        this.vote = m.from;
      }
    } else {
      this.send({ type: voteResponseType(m.type), to: m.from, term: this.term, reject: true });
    }
  }

  #stepCandidate(m: Message): void {
    const ownVoteResp: MessageType = this.state === "preCandidate"
      ? "MsgPreVoteResp"
      : "MsgVoteResp";
    switch (m.type) {
      case "MsgProp":
        throw new ProposalDroppedError("raft proposal dropped: no leader");
      case "MsgApp":
        this.becomeFollower(m.term, m.from);
        this.#handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.becomeFollower(m.term, m.from);
        this.#handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.becomeFollower(m.term, m.from);
        this.#handleSnapshot(m);
        return;
      case "MsgTimeoutNow":
        return;
      default:
        if (m.type !== ownVoteResp) return;
    }
    const result = this.#poll(m.from, !m.reject);
    if (result === "won") {
      if (this.state === "preCandidate") {
        this.campaign("election");
      } else {
        this.becomeLeader();
        this.bcastAppend();
      }
    } else if (result === "lost") {
      this.becomeFollower(this.term, NONE);
    }
  }

  #stepFollower(m: Message): void {
    switch (m.type) {
      case "MsgProp":
        if (this.lead === NONE) throw new ProposalDroppedError("raft proposal dropped: no leader");
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case "MsgApp":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.#handleAppendEntries(m);
        return;
      case "MsgHeartbeat":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.#handleHeartbeat(m);
        return;
      case "MsgSnap":
        this.electionElapsed = 0;
        this.lead = m.from;
        this.#handleSnapshot(m);
        return;
      case "MsgTransferLeader":
        if (this.lead === NONE) return;
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case "MsgTimeoutNow":
        // Leader transfer: campaign at once, even inside the leader's lease.
        this.#hup("transfer");
        return;
      case "MsgReadIndex":
        if (this.lead === NONE) return;
        this.send({ ...m, to: this.lead, term: 0 });
        return;
      case "MsgReadIndexResp":
        this.readStates.push({ index: m.index, requestCtx: m.context });
        return;
      default:
        return;
    }
  }

  #stepLeader(m: Message): void {
    switch (m.type) {
      case "MsgBeat":
        this.bcastHeartbeat();
        return;
      case "MsgCheckQuorum":
        this.#checkQuorumActive();
        return;
      case "MsgProp":
        this.#handlePropose(m);
        return;
      case "MsgReadIndex":
        this.#handleReadIndex(m);
        return;
    }
    const pr = this.tracker.progress.get(m.from);
    if (pr === undefined) return;
    switch (m.type) {
      case "MsgAppResp":
        this.#handleAppendResponse(m);
        return;
      case "MsgHeartbeatResp":
        pr.recentActive = true;
        pr.msgAppFlowPaused = false;
        if (pr.match < this.raftLog.lastIndex() || pr.state === "probe") this.sendAppend(m.from);
        this.#handleReadAck(m);
        return;
      case "MsgSnapStatus":
        if (pr.state !== "snapshot") return;
        if (m.reject) pr.pendingSnapshot = 0;
        pr.becomeProbe();
        // Wait for a heartbeat response before probing (the snapshot may still be applying).
        pr.msgAppFlowPaused = true;
        return;
      case "MsgUnreachable":
        if (pr.state === "replicate") pr.becomeProbe();
        return;
      case "MsgTransferLeader":
        this.#handleTransferLeader(m);
        return;
      default:
        return;
    }
  }

  #checkQuorumActive(): void {
    if (!this.tracker.quorumActive()) {
      this.becomeFollower(this.term, NONE);
      return;
    }
    for (const [id, pr] of this.tracker.progress) if (id !== this.id) pr.recentActive = false;
  }

  #handlePropose(m: Message): void {
    assert(m.entries.length > 0, "stepped empty MsgProp");
    if (!this.tracker.progress.has(this.id)) {
      throw new ProposalDroppedError(
        "raft proposal dropped: leader was removed from the configuration",
      );
    }
    if (this.leadTransferee !== NONE) {
      throw new ProposalDroppedError("raft proposal dropped: leadership transfer in progress");
    }
    const lastIndex = this.raftLog.lastIndex();
    const entries = m.entries.map((entry, i) => {
      if (entry.type !== "confChange") return entry;
      const refused = this.#refuseConfChange(decodeConfChange(entry.data));
      if (refused) return { ...entry, type: "normal" as const, data: EMPTY_BYTES };
      this.pendingConfIndex = lastIndex + i + 1;
      return entry;
    });
    if (!this.appendEntries(entries)) {
      throw new ProposalDroppedError("raft proposal dropped: too many uncommitted entries");
    }
    this.#oweBroadcast("entries");
  }

  /** Why a conf change cannot be proposed now, or "" when it can. */
  #refuseConfChange(change: ConfChange): string {
    const alreadyPending = this.pendingConfIndex > this.raftLog.applied;
    const alreadyJoint = this.tracker.isJoint();
    const wantsLeaveJoint = isLeaveJoint(change);
    if (alreadyPending) return "possible unapplied conf change";
    if (alreadyJoint && !wantsLeaveJoint) return "must transition out of joint config first";
    if (!alreadyJoint && wantsLeaveJoint) return "not in joint state; refusing empty conf change";
    return "";
  }

  #handleAppendResponse(m: Message): void {
    const pr = this.tracker.progress.get(m.from)!;
    pr.recentActive = true;
    if (m.reject) {
      let nextProbe = m.rejectHint;
      if (m.logTerm > 0) nextProbe = this.raftLog.findConflictByTerm(m.rejectHint, m.logTerm)[0];
      if (pr.maybeDecrTo(m.index, nextProbe)) {
        if (pr.state === "replicate") pr.becomeProbe();
        this.sendAppend(m.from);
      }
      return;
    }
    const wasPaused = pr.isPaused();
    const caughtUp = pr.match === m.index && m.index === this.raftLog.lastIndex();
    // Only an acknowledgement of something new moves flow control on. A stale
    // or duplicated one (equal to match) switches probe to replicate only when
    // the follower already holds the whole log: otherwise every reordered ack
    // would restart a burst of inflight messages.
    if (!(pr.maybeUpdate(m.index) || (caughtUp && pr.state === "probe"))) {
      this.#maybeSendTimeoutNow(m.from);
      return;
    }
    if (pr.state === "probe") {
      pr.becomeReplicate();
    } else if (pr.state === "snapshot" && pr.match + 1 >= this.raftLog.firstIndex()) {
      pr.becomeProbe();
      pr.becomeReplicate();
    } else if (pr.state === "replicate") {
      pr.inflights.freeLE(m.index);
    }
    if (this.maybeCommit()) {
      this.#releasePendingReadIndexMessages();
      this.#oweBroadcast("commit");
    } else if (wasPaused) {
      this.sendAppend(m.from);
    }
    // Flow control may now allow more: sent with the next broadcast (all acks of a batch at once).
    this.#oweBroadcast("entries");
    this.#maybeSendTimeoutNow(m.from);
  }

  /** Completes a leader transfer once the transferee holds the whole log. */
  #maybeSendTimeoutNow(from: NodeId): void {
    const pr = this.tracker.progress.get(from);
    if (from === this.leadTransferee && pr !== undefined && pr.match === this.raftLog.lastIndex()) {
      this.send({ type: "MsgTimeoutNow", to: from });
    }
  }

  #handleTransferLeader(m: Message): void {
    const pr = this.tracker.progress.get(m.from)!;
    if (pr.isLearner) return;
    const transferee = m.from;
    if (this.leadTransferee !== NONE) {
      if (this.leadTransferee === transferee) return; // already in progress
      this.leadTransferee = NONE;
    }
    if (transferee === this.id) return; // already leader
    this.electionElapsed = 0;
    this.leadTransferee = transferee;
    if (pr.match === this.raftLog.lastIndex()) {
      this.send({ type: "MsgTimeoutNow", to: transferee });
    } else {
      this.sendAppend(transferee);
    }
  }

  // ---- ReadIndex ----------------------------------------------------------------

  #handleReadIndex(m: Message): void {
    if (this.tracker.isSingleton() && this.tracker.config.incoming.has(this.id)) {
      // We are the only voter: nobody else can lead.
      this.#answerRead(m, this.raftLog.committed);
      return;
    }
    const confirmLater = !this.bugs.has("readWithoutConfirmation");
    if (confirmLater && !this.committedEntryInCurrentTerm()) {
      // Our commit index may lag the previous leader's until an entry of our term commits.
      if (this.pendingReadIndexMessages.length < this.readIndexPendingMax) {
        this.pendingReadIndexMessages.push(m);
      }
      return;
    }
    this.#startReadRound(m);
  }

  #startReadRound(m: Message): void {
    if (this.bugs.has("readWithoutConfirmation")) {
      this.#answerRead(m, this.raftLog.committed);
      return;
    }
    if (this.readOnly.full()) return; // dropped: the client retries
    const round = ++this.#readRound;
    this.readOnly.addRequest(this.raftLog.committed, m, round);
    this.readOnly.recvAck(this.id, round);
    this.#bcastHeartbeatWithContext(encodeReadRound(round));
  }

  #releasePendingReadIndexMessages(): void {
    if (this.pendingReadIndexMessages.length === 0 || !this.committedEntryInCurrentTerm()) return;
    const pending = this.pendingReadIndexMessages;
    this.pendingReadIndexMessages = [];
    for (const m of pending) this.#startReadRound(m);
  }

  #handleReadAck(m: Message): void {
    const round = decodeReadRound(m.context);
    if (round === undefined) return;
    if (this.bugs.has("reuseReadIndexContext")) {
      for (const status of this.readOnly.recvAckForAllLater(m.from, round)) {
        if (this.#quorumOf(status.acks)) {
          this.#releaseReads(status.round);
          return;
        }
      }
      return;
    }
    const acks = this.readOnly.recvAck(m.from, round);
    if (acks === undefined || !this.#quorumOf(acks)) return;
    this.#releaseReads(round);
  }

  #quorumOf(acks: ReadonlySet<NodeId>): boolean {
    const votes = new Map<NodeId, boolean>();
    for (const id of acks) votes.set(id, true);
    return jointVoteResult(this.tracker.voters(), votes) === "won";
  }

  #releaseReads(round: number): void {
    for (const status of this.readOnly.advance(round)) {
      this.#answerRead(status.request, status.index);
    }
  }

  #answerRead(request: Message, index: number): void {
    if (request.from === NONE || request.from === this.id) {
      this.readStates.push({ index, requestCtx: request.context });
    } else {
      this.send({ type: "MsgReadIndexResp", to: request.from, index, context: request.context });
    }
  }

  // ---- follower handlers ----------------------------------------------------------

  #handleAppendEntries(m: Message): void {
    if (m.index < this.raftLog.committed) {
      this.send({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed });
      return;
    }
    const lastNew = this.raftLog.maybeAppend(
      m.index,
      m.logTerm,
      m.commit,
      m.entries,
      this.bugs.has("keepConflictingSuffix"),
    );
    if (lastNew !== undefined) {
      this.send({ type: "MsgAppResp", to: m.from, index: lastNew });
      return;
    }
    // Reject, with a hint that lets the leader skip a whole conflicting term.
    const hint = Math.min(m.index, this.raftLog.lastIndex());
    const [hintIndex, hintTerm] = this.raftLog.findConflictByTerm(hint, m.logTerm);
    this.send({
      type: "MsgAppResp",
      to: m.from,
      index: m.index,
      reject: true,
      rejectHint: hintIndex,
      logTerm: hintTerm,
    });
  }

  #handleHeartbeat(m: Message): void {
    this.raftLog.commitTo(m.commit);
    this.send({ type: "MsgHeartbeatResp", to: m.from, context: m.context });
  }

  #handleSnapshot(m: Message): void {
    assert(m.snapshot !== null, "MsgSnap without a snapshot");
    if (this.#restore(m.snapshot)) {
      this.send({ type: "MsgAppResp", to: m.from, index: this.raftLog.lastIndex() });
    } else {
      this.send({ type: "MsgAppResp", to: m.from, index: this.raftLog.committed });
    }
  }

  #restore(snapshot: NonNullable<Message["snapshot"]>): boolean {
    const { index, term, confState } = snapshot.metadata;
    if (index <= this.raftLog.committed) return false;
    if (this.state !== "follower") {
      // Only a follower installs snapshots; step down and let the leader retry.
      this.becomeFollower(this.term + 1, NONE);
      return false;
    }
    // A snapshot whose membership does not name us is still installed: a member
    // joining the cluster receives the leader's latest snapshot, which may
    // predate its own addition (the entry adding it follows in the log).
    if (this.raftLog.matchTerm(index, term)) {
      // We already hold the snapshot's last entry: fast-forward the commit index.
      this.raftLog.commitTo(index);
      return false;
    }
    this.raftLog.restore(snapshot);
    const fresh = new ProgressTracker(
      this.tracker.inflightMessagesMax,
      this.tracker.inflightBytesMax,
    );
    const restored = restoreConfig(fresh, this.raftLog.lastIndex(), confState);
    this.#switchToConfig(restored);
    return true;
  }

  // ---- membership ----------------------------------------------------------------

  /** Applies a committed membership change; returns the new ConfState. */
  applyConfChange(change: ConfChange): ConfState {
    const changer = new Changer(this.tracker, this.raftLog.lastIndex());
    let result: ConfChangeResult;
    if (isLeaveJoint(change)) result = changer.leaveJoint();
    else if (isEnterJoint(change)) result = changer.enterJoint(isAutoLeave(change), change.changes);
    else result = changer.simple(change.changes);
    return this.#switchToConfig(result);
  }

  #switchToConfig(result: ConfChangeResult): ConfState {
    this.tracker.config = result.config;
    this.tracker.progress = result.progress;
    const confState = this.tracker.confState();
    const pr = this.tracker.progress.get(this.id);
    this.isLearner = pr !== undefined && pr.isLearner;
    if (this.state !== "leader" || confState.voters.length === 0) return confState;
    if (this.maybeCommit()) {
      this.bcastAppend();
    } else {
      // Probe new members at once rather than at the next heartbeat.
      for (const id of this.tracker.ids()) if (id !== this.id) this.maybeSendAppend(id, false);
    }
    if (this.leadTransferee !== NONE && !this.tracker.config.incoming.has(this.leadTransferee)) {
      this.leadTransferee = NONE;
    }
    if (this.#removedFromVoters()) this.#handOffLeadership();
    return confState;
  }

  /** Whether this member is no longer a voter of the configuration. */
  #removedFromVoters(): boolean {
    return !this.tracker.isVoter(this.id);
  }

  /**
   * A leader removed from the voters keeps leading for one more election
   * timeout (so the others learn that its removal committed) and hands
   * leadership to the most up-to-date remaining voter: MsgTimeoutNow follows
   * that voter's acknowledgement of the log and commit index, by which time
   * it has applied the change. Stepping down at once could strand a voter
   * whose configuration still needs the removed member's vote.
   */
  #handOffLeadership(): void {
    if (this.leadTransferee !== NONE) return;
    let best = NONE;
    let bestMatch = -1;
    for (const id of this.tracker.voterIds()) {
      const match = this.tracker.progress.get(id)!.match;
      if (id !== this.id && match > bestMatch) {
        best = id;
        bestMatch = match;
      }
    }
    if (best === NONE) {
      this.becomeFollower(this.term, NONE);
      return;
    }
    this.electionElapsed = 0;
    this.leadTransferee = best;
    this.sendAppend(best);
  }

  // ---- advance --------------------------------------------------------------------

  /**
   * The caller persisted `entries` (and the snapshot) of a Ready and applied
   * its committed entries up to `appliedIndex` (0: none).
   */
  advance(
    appliedIndex: number,
    stableEntry: Entry | null,
    snapshotIndex: number,
    committed: readonly Entry[],
  ): void {
    if (appliedIndex > 0) {
      this.raftLog.appliedTo(appliedIndex);
      this.#maybeAutoLeave(appliedIndex);
    }
    this.uncommittedBytes = Math.max(0, this.uncommittedBytes - payloadBytes(committed));
    if (stableEntry !== null) this.raftLog.stableTo(stableEntry.index, stableEntry.term);
    if (snapshotIndex > 0) this.raftLog.stableSnapTo(snapshotIndex);
    this.#selfAck();
  }

  /** The leader's own log counts toward a quorum once it is durable. */
  #selfAck(): void {
    if (this.state !== "leader") return;
    const self = this.tracker.progress.get(this.id);
    if (self === undefined) return;
    if (self.maybeUpdate(this.raftLog.stableLastIndex()) && this.maybeCommit()) {
      this.#releasePendingReadIndexMessages();
      this.#oweBroadcast("commit");
    }
  }

  #maybeAutoLeave(newApplied: number): void {
    // Once the entry that entered the joint configuration is applied (and no
    // later conf change is pending), propose leaving it. A transfer in
    // progress drops the proposal; it is proposed again on a later apply.
    if (
      this.state !== "leader" || !this.tracker.config.autoLeave ||
      newApplied < this.pendingConfIndex
    ) return;
    try {
      this.step(message({
        type: "MsgProp",
        from: this.id,
        entries: [{ term: 0, index: 0, type: "confChange", data: EMPTY_BYTES }],
      }));
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error;
    }
  }
}
