/**
 * The Ready loop: the only place where the Raft core meets the disk, the
 * network and the state machine. One loop per member, in etcd's order:
 *
 * 1. persist the Ready's snapshot, hard state and entries (one WAL write,
 *    then one asynchronous fdatasync when the Ready must be synced);
 * 2. send its messages;
 * 3. apply its committed entries (waking the waiting requests);
 * 4. advance.
 *
 * Inputs (ticks, proposals, peer messages, read requests) never touch the
 * core while a Ready is being handled: they queue and are fed in one go
 * after `advance`, so the proposals that arrive during an fsync form the
 * next batch (group commit).
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { Errors, EtcdError, GrpcCode } from "../proto/errors.ts";
import type { Prng } from "../util/prng.ts";
import {
  type ConfChange,
  type ConfState,
  decodeConfChange,
  type Entry,
  type Message,
  type NodeId,
  ProposalDroppedError,
  type RaftStatus,
  RawNode,
  type ReadState,
  type Ready,
  type SnapshotStatus,
  type SoftState,
  StepLocalMessageError,
} from "../raft/mod.ts";
import type { DiskStorage } from "../storage/raft_storage.ts";
import { compactIndexAfter, snapshotDue, type SnapshotPolicy } from "../storage/snapshot_policy.ts";
import type { ApplyResult, StateMachine, StateSnapshotWriter } from "./state_machine.ts";
import {
  proposalBatchBytesMax,
  snapshotIdleSliceMs,
  snapshotStepBytes,
  snapshotTimeSharePercent,
} from "../util/limits.ts";
import type { InternalRequest } from "./entry_codec.ts";

/** Where a member sends its messages (the TCP transport, or nothing for one member). */
export interface Transport {
  send(messages: readonly Message[]): void;
}

/** What the loop tells its owner. */
export interface RaftNodeHooks {
  /** A request was applied (by this member's state machine) with this result. */
  onApplied(request: InternalRequest, result: ApplyResult): void;
  /** ReadIndex answers, in order. */
  onReadStates(states: readonly ReadState[]): void;
  /** Leader or role changed. */
  onSoftState(state: SoftState): void;
  /**
   * An empty entry was applied: a leader's first entry of its term (etcd
   * promotes its lessor then, when the member leads).
   */
  onEmptyEntry?(index: number): void;
  /** Every entry up to `index` is applied (after each Ready with committed entries). */
  onAppliedUpTo(index: number): void;
  /** The state machine was replaced by a snapshot from the leader. */
  onSnapshotApplied(index: number): void;
  /** A conf change entry was applied (to the core and the state machine). */
  onConfChange(change: ConfChange, id: string, result: ApplyResult): void;
  /** The loop failed (disk error, broken invariant): the member must stop. */
  onFatal(error: unknown): void;
  /** A state machine built from snapshot data (for snapshots received from a leader). */
  restoreMachine(data: Uint8Array, index: number): StateMachine;
}

/** How the loop runs. */
export interface RaftNodeOptions {
  readonly id: NodeId;
  readonly storage: DiskStorage;
  readonly machine: StateMachine;
  readonly electionTicks: number;
  readonly heartbeatTicks: number;
  readonly prng: Prng;
  readonly snapshotPolicy: SnapshotPolicy;
  readonly transport: Transport;
  readonly hooks: RaftNodeHooks;
  /** Proposals queued while there is no leader, at most; more are refused. */
  readonly pendingProposalsMax: number;
  /**
   * Snapshot bytes encoded per step (default {@linkcode snapshotStepBytes}):
   * at most one step after each Ready, and steps for up to
   * {@linkcode snapshotIdleSliceMs} per turn when there is nothing else to
   * do, while the snapshot is behind its pace.
   */
  readonly snapshotStepBytes?: number;
}

/** A snapshot being encoded step by step, paced (see {@linkcode snapshotTimeSharePercent}). */
interface PendingSnapshot {
  readonly writer: StateSnapshotWriter;
  /** The configuration at the snapshot's index. */
  readonly confState: ConfState;
  /** The entry bytes applied up to its index (see RaftNode's accounting). */
  readonly entryBytesApplied: number;
  /** When it began (`performance.now()`). */
  readonly startedMs: number;
  /** Time its steps took so far. */
  spentMs: number;
}

interface Proposal {
  /** A normal entry's data, or a membership change. */
  readonly data: Uint8Array | ConfChange;
  /** Called when the core refused it (it never entered the log). */
  readonly onDropped: (error: EtcdError) => void;
  canceled: boolean;
  submitted: boolean;
}

type Input =
  | { readonly kind: "tick" }
  | { readonly kind: "message"; readonly message: Message }
  | { readonly kind: "readIndex"; readonly context: Uint8Array }
  | { readonly kind: "unreachable"; readonly peer: NodeId }
  | { readonly kind: "snapshotStatus"; readonly peer: NodeId; readonly status: SnapshotStatus }
  | { readonly kind: "campaign" };

/** A queued proposal that may be withdrawn before it reaches the core. */
export interface ProposalHandle {
  /** Withdraws it if it has not reached the core yet. */
  cancel(): void;
  /** Whether it reached the core (it may then still be committed). */
  readonly submitted: boolean;
}

const NOT_QUEUED: ProposalHandle = { cancel() {}, submitted: false };

/** One member's Ready loop. */
export class RaftNode {
  readonly #raw: RawNode;
  readonly #options: RaftNodeOptions;
  #machine: StateMachine;
  #inputs: Input[] = [];
  #proposals: Proposal[] = [];
  #wake: (() => void) | null = null;
  #stopped = false;
  #done: Promise<void> | null = null;
  #snapshotIndex: number;
  /** Bytes of the last snapshot's data (saved, installed or loaded at start). */
  #snapshotBytes: number;
  /** Bytes of entry data applied since the start, and as of the last snapshot's index. */
  #entryBytesApplied = 0;
  #entryBytesAtSnapshot = 0;
  /** A snapshot being written between Readys, with the configuration at its index. */
  #pendingSnapshot: PendingSnapshot | null = null;
  /** The timer that signals the loop when the snapshot's next step is due, if set. */
  #stepTimer: ReturnType<typeof setTimeout> | null = null;
  /** When `#stepTimer` fires (`performance.now()`). */
  #stepTimerAt = 0;
  /**
   * A finished snapshot being saved to disk while Readys go on (its file is
   * written and fsynced off the event loop; see DiskStorage.createSnapshotAsync);
   * settles once it is saved and the log compacted, or the failure reported.
   */
  #savingSnapshot: Promise<void> | null = null;
  #leader: NodeId = 0n;
  /** Whether this member led as of the last Ready (its messages may go before its write). */
  #leading = false;
  /**
   * A follower's forwarded proposals (one MsgProp) went out and nothing has
   * come from the leader since: more proposals wait for the leader's next
   * message (or tick), so a busy follower forwards one batch per leader
   * round instead of one message per request (Nagle's rule, self-clocked).
   */
  #forwardHeld = false;
  #term: number;

  constructor(options: RaftNodeOptions) {
    this.#options = options;
    this.#machine = options.machine;
    this.#snapshotIndex = options.storage.snapshot().metadata.index;
    this.#snapshotBytes = options.storage.snapshot().data.length;
    this.#term = options.storage.hardState().term;
    this.#raw = new RawNode({
      id: options.id,
      electionTicks: options.electionTicks,
      heartbeatTicks: options.heartbeatTicks,
      storage: options.storage,
      prng: options.prng,
      applied: options.machine.appliedIndex,
      checkQuorum: true,
      preVote: true,
    });
  }

  /** The state machine (replaced when a snapshot from the leader is installed). */
  get machine(): StateMachine {
    return this.#machine;
  }

  /** The leader this member knows, 0 for none. */
  get leader(): NodeId {
    return this.#leader;
  }

  /** The current term as last persisted. */
  get term(): number {
    return this.#term;
  }

  /** The core's status (term, commit, progress). */
  status(): RaftStatus {
    return this.#raw.status();
  }

  /** Starts the loop. */
  start(): void {
    assert(this.#done === null, "raft node started twice");
    this.#done = this.#run().catch((error) => {
      this.#stopped = true;
      this.#options.hooks.onFatal(error);
    });
  }

  /** Stops the loop after the Ready in hand; resolves when it has stopped. */
  async stop(): Promise<void> {
    this.#stopped = true;
    this.#signal();
    await this.#done;
    if (this.#stepTimer !== null) clearTimeout(this.#stepTimer);
    this.#stepTimer = null;
    this.#pendingSnapshot?.writer.cancel();
    this.#pendingSnapshot = null;
    // A snapshot being saved is let finish (the owner closes the storage
    // next); a failure of it goes to onFatal, never here.
    await this.#savingSnapshot;
    for (const proposal of this.#proposals) proposal.onDropped(Errors.stopped());
    this.#proposals = [];
  }

  /** Advances the logical clock one tick (called every heartbeat interval). */
  tick(): void {
    this.#push({ kind: "tick" });
  }

  /** Starts an election now (a single voter at start, leader transfer). */
  campaign(): void {
    this.#push({ kind: "campaign" });
  }

  /** A message from a peer. */
  step(message: Message): void {
    this.#push({ kind: "message", message });
  }

  /** A message to `peer` could not be delivered (the transport's report). */
  reportUnreachable(peer: NodeId): void {
    this.#push({ kind: "unreachable", peer });
  }

  /** A snapshot sent to `peer` was installed or lost (the transport's report). */
  reportSnapshot(peer: NodeId, status: SnapshotStatus): void {
    this.#push({ kind: "snapshotStatus", peer, status });
  }

  /** Asks for a read point; a ReadState with `context` comes back through onReadStates. */
  readIndex(context: Uint8Array): void {
    this.#push({ kind: "readIndex", context });
  }

  /**
   * Queues `data` for the log. `onDropped` is called if it never gets there
   * (the queue is full, the member stopped, the core refused it); otherwise
   * its apply is reported through onApplied.
   */
  propose(data: Uint8Array | ConfChange, onDropped: (error: EtcdError) => void): ProposalHandle {
    if (this.#stopped) {
      onDropped(Errors.stopped());
      return NOT_QUEUED;
    }
    if (this.#proposals.length >= this.#options.pendingProposalsMax) {
      onDropped(Errors.tooManyRequests());
      return NOT_QUEUED;
    }
    const proposal: Proposal = { data, onDropped, canceled: false, submitted: false };
    this.#proposals.push(proposal);
    this.#signal();
    return {
      cancel() {
        proposal.canceled = true;
      },
      get submitted() {
        return proposal.submitted;
      },
    };
  }

  #push(input: Input): void {
    if (this.#stopped) return;
    this.#inputs.push(input);
    this.#signal();
  }

  /**
   * Signals the loop in `ms` unless a signal is already scheduled by then:
   * one timer however many idle turns wait for the same step (a timer per
   * turn cost thousands of timers a second under load, for the whole
   * snapshot).
   */
  #signalIn(ms: number): void {
    const at = performance.now() + ms;
    if (this.#stepTimer !== null) {
      if (this.#stepTimerAt <= at) return;
      clearTimeout(this.#stepTimer);
    }
    this.#stepTimerAt = at;
    this.#stepTimer = setTimeout(() => {
      this.#stepTimer = null;
      this.#signal();
    }, ms);
  }

  #signal(): void {
    const wake = this.#wake;
    if (wake !== null) {
      this.#wake = null;
      wake();
    }
  }

  async #run(): Promise<void> {
    while (!this.#stopped) {
      this.#feedInputs();
      this.#feedProposals();
      if (!this.#raw.hasReady()) {
        const pending = this.#pendingSnapshot;
        if (pending !== null && this.#snapshotStepDelayMs(pending) === 0) {
          // Nothing to do but the snapshot, behind its pace: steps for at most a slice.
          const until = performance.now() + snapshotIdleSliceMs;
          do this.#stepSnapshot(); while (
            this.#pendingSnapshot === pending && performance.now() < until &&
            this.#snapshotStepDelayMs(pending) === 0
          );
        }
        // Waits for work, or for the snapshot's next step; always wakes for
        // work at once (a plain timer between slices held requests up to
        // its 1-2 ms, after every slice of the whole snapshot).
        const next = this.#pendingSnapshot;
        if (next !== null) this.#signalIn(this.#snapshotStepDelayMs(next));
        await new Promise<void>((resolve) => (this.#wake = resolve));
        continue;
      }
      const ready = this.#raw.ready();
      await this.#handleReady(ready);
      this.#raw.advance();
      this.#maybeSnapshot();
    }
  }

  #feedInputs(): void {
    const inputs = this.#inputs;
    this.#inputs = [];
    for (const input of inputs) {
      switch (input.kind) {
        case "tick":
          this.#forwardHeld = false;
          this.#raw.tick();
          break;
        case "campaign":
          this.#raw.campaign();
          break;
        case "message":
          if (input.message.from === this.#leader) this.#forwardHeld = false;
          this.#stepPeerMessage(input.message);
          break;
        case "readIndex":
          this.#raw.readIndex(input.context);
          break;
        case "unreachable":
          this.#raw.reportUnreachable(input.peer);
          break;
        case "snapshotStatus":
          this.#raw.reportSnapshot(input.peer, input.status);
          break;
      }
    }
  }

  /** A peer may not send what only the member itself may step (MsgHup, MsgBeat…): dropped. */
  #stepPeerMessage(message: Message): void {
    try {
      this.#raw.step(message);
    } catch (error) {
      if (!(error instanceof StepLocalMessageError)) throw error;
    }
  }

  /** Proposals wait while there is no leader (as in etcd-io/raft's node), then go in order. */
  #feedProposals(): void {
    if (this.#leader === 0n || this.#proposals.length === 0) return;
    if (!this.#leading) {
      if (this.#forwardHeld) return;
      this.#forwardHeld = true;
    }
    const proposals = this.#proposals;
    this.#proposals = [];
    // Consecutive entries go in as one MsgProp (one MsgApp per follower, one
    // answer each), at most proposalBatchBytesMax; a conf change alone.
    let batch: Proposal[] = [];
    let batchBytes = 0;
    for (const proposal of proposals) {
      if (proposal.canceled) continue;
      const data = proposal.data;
      if (data instanceof Uint8Array) {
        if (batch.length > 0 && batchBytes + data.length > proposalBatchBytesMax) {
          this.#submitBatch(batch);
          batch = [];
          batchBytes = 0;
        }
        batch.push(proposal);
        batchBytes += data.length;
        continue;
      }
      if (batch.length > 0) this.#submitBatch(batch);
      batch = [];
      batchBytes = 0;
      this.#submit([proposal], () => this.#raw.proposeConfChange(data));
    }
    if (batch.length > 0) this.#submitBatch(batch);
  }

  #submitBatch(batch: Proposal[]): void {
    this.#submit(batch, () => this.#raw.proposeBatch(batch.map((p) => p.data as Uint8Array)));
  }

  /** Steps `propose`; every proposal in `batch` is submitted, or dropped with the core's reason. */
  #submit(batch: readonly Proposal[], propose: () => void): void {
    try {
      propose();
      for (const proposal of batch) proposal.submitted = true;
    } catch (error) {
      if (!(error instanceof ProposalDroppedError)) throw error;
      const dropped = new EtcdError(error.message, GrpcCode.Unknown);
      for (const proposal of batch) proposal.onDropped(dropped);
    }
  }

  async #handleReady(ready: Ready): Promise<void> {
    const { storage, transport, hooks } = this.#options;
    if (ready.softState !== null) {
      this.#forwardHeld = false;
      this.#leader = ready.softState.lead;
      this.#leading = ready.softState.raftState === "leader";
      hooks.onSoftState(ready.softState);
    }
    if (ready.hardState !== null) this.#term = ready.hardState.term;
    // A leader sends before its own write (thesis §10.2.1, as etcd): its followers write in
    // parallel, and the core counts the leader's own log only after this Ready is persisted.
    // Everyone else's messages (votes, acks) promise what must be on disk first.
    const sendFirst = this.#leading && ready.messages.length > 0;
    if (sendFirst) transport.send(ready.messages);
    storage.save(ready.hardState, ready.entries, ready.snapshot);
    if (ready.snapshot !== null) {
      if (ready.mustSync) await storage.sync();
      this.#installSnapshot(ready.snapshot.data, ready.snapshot.metadata.index);
      this.#applyCommitted(ready.committedEntries);
    } else {
      // Committed entries are durable on a quorum already (as etcd, which applies them in
      // parallel with its WAL write): apply them while this Ready's fdatasync runs.
      const syncing = ready.mustSync ? storage.sync() : null;
      this.#applyCommitted(ready.committedEntries);
      if (syncing !== null) await syncing;
    }
    if (!sendFirst && ready.messages.length > 0) transport.send(ready.messages);
    if (ready.readStates.length > 0) hooks.onReadStates(ready.readStates);
  }

  #applyCommitted(entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    this.#apply(entries);
    this.#options.hooks.onAppliedUpTo(this.#machine.appliedIndex);
  }

  #installSnapshot(data: Uint8Array, index: number): void {
    if (index <= this.#machine.appliedIndex) return;
    // A local snapshot still being saved is older: the storage drops it when
    // its file is done (no marker), and #snapshotSaved never moves back.
    this.#pendingSnapshot?.writer.cancel();
    this.#pendingSnapshot = null;
    this.#machine = this.#options.hooks.restoreMachine(data, index);
    this.#snapshotIndex = index;
    this.#snapshotBytes = data.length;
    this.#entryBytesAtSnapshot = this.#entryBytesApplied;
    this.#options.hooks.onSnapshotApplied(index);
  }

  #apply(entries: readonly Entry[]): void {
    const hooks = this.#options.hooks;
    for (const entry of entries) {
      if (entry.index <= this.#machine.appliedIndex) continue; // in the snapshot already
      this.#entryBytesApplied += entry.data.length;
      if (entry.type === "confChange") {
        const change = decodeConfChange(entry.data);
        // A change the members refuse (etcd's validation at apply) leaves the configuration as is.
        if (this.#machine.validateConfChange(change) === null) this.#raw.applyConfChange(change);
        const { id, result } = this.#machine.applyConfChange(entry.index, change);
        hooks.onConfChange(change, id, result);
      } else if (entry.data.length === 0) {
        this.#machine.skip(entry.index); // a new leader's empty entry
        hooks.onEmptyEntry?.(entry.index);
      } else {
        const { request, result } = this.#machine.applyEntry(entry.index, entry.data);
        hooks.onApplied(request, result);
      }
    }
  }

  /** Starts a snapshot when one is due, or takes the next step of the one in progress. */
  #maybeSnapshot(): void {
    if (this.#pendingSnapshot === null) {
      if (this.#savingSnapshot !== null) return; // one at a time: the last is still being saved
      const applied = this.#machine.appliedIndex;
      const since = {
        entries: applied - this.#snapshotIndex,
        entryBytes: this.#entryBytesApplied - this.#entryBytesAtSnapshot,
      };
      if (!snapshotDue(this.#options.snapshotPolicy, since, this.#snapshotBytes)) return;
      const writer = this.#machine.beginSnapshot();
      this.#pendingSnapshot = {
        writer,
        confState: this.#raw.status().config,
        entryBytesApplied: this.#entryBytesApplied,
        startedMs: performance.now(),
        spentMs: 0,
      };
    }
    if (this.#snapshotStepDelayMs(this.#pendingSnapshot) === 0) this.#stepSnapshot();
  }

  /**
   * How long until `pending` may take its next step: 0 while the time its
   * steps took is behind its share of the time since it began (plus one
   * idle slice, so the first step runs at once).
   */
  #snapshotStepDelayMs(pending: PendingSnapshot): number {
    const share = snapshotTimeSharePercent / 100;
    const allowedMs = (performance.now() - pending.startedMs) * share + snapshotIdleSliceMs;
    return pending.spentMs < allowedMs ? 0 : Math.ceil((pending.spentMs - allowedMs) / share);
  }

  #snapshotStepBytes(): number {
    return this.#options.snapshotStepBytes ?? snapshotStepBytes;
  }

  /**
   * One step of the snapshot in progress; when it is finished, starts
   * saving it (the loop goes on meanwhile) and compacts the log once saved.
   */
  #stepSnapshot(): void {
    const pending = this.#pendingSnapshot;
    if (pending === null) return;
    const budget = this.#snapshotStepBytes();
    const startedMs = performance.now();
    const finished = pending.writer.step(budget);
    pending.spentMs += performance.now() - startedMs;
    if (!finished) return;
    this.#pendingSnapshot = null;
    const index = pending.writer.index;
    const data = pending.writer.result();
    this.#savingSnapshot = this.#options.storage
      .createSnapshotAsync(index, pending.confState, data)
      .then((saved) => {
        if (saved !== null) this.#snapshotSaved(index, data.length, pending.entryBytesApplied);
      })
      .catch((error: unknown) => this.#snapshotFailed(error))
      .finally(() => (this.#savingSnapshot = null));
  }

  /**
   * The snapshot at `index` is durable, its WAL marker too: the in-memory
   * log may now drop what it covers (all but the catch-up entries).
   */
  #snapshotSaved(index: number, bytes: number, entryBytesApplied: number): void {
    const { storage, snapshotPolicy } = this.#options;
    if (index > this.#snapshotIndex) {
      this.#snapshotIndex = index;
      this.#snapshotBytes = bytes;
      this.#entryBytesAtSnapshot = entryBytesApplied;
    }
    const compactTo = compactIndexAfter(snapshotPolicy, index, storage.firstIndex());
    if (compactTo > 0) storage.compact(compactTo);
  }

  /** A snapshot could not be saved: as a failed WAL write, the member must stop. */
  #snapshotFailed(error: unknown): void {
    this.#stopped = true;
    this.#signal();
    this.#options.hooks.onFatal(error);
  }
}
