/**
 * One simulated member: a RawNode over its {@linkcode SimDisk}, the key→value
 * state machine, and the Ready loop (persist → send → apply → advance, then
 * compaction every K applied entries). Crash drops everything but the disk;
 * restart rebuilds the RawNode with `applied` = the snapshot the state
 * machine was restored from.
 *
 * @module
 */

import {
  type ConfState,
  decodeConfChange,
  EMPTY_CONF_STATE,
  type Entry,
  isEmptySnapshot,
  type Message,
  type NodeId,
  NONE,
  RawNode,
  type ReadState,
  type Ready,
  type StateType,
} from "../../src/raft/mod.ts";
import type { SeededPrng } from "../../src/util/prng.ts";
import type { Checker } from "./checkers.ts";
import type { SimConfig } from "./sim_config.ts";
import { compactIndexAfter, snapshotDue } from "../../src/storage/snapshot_policy.ts";
import { SimDisk } from "./sim_disk.ts";
import type { RouteOutcome } from "./sim_network.ts";
import { KvStateMachine, type WriteCommand } from "./state_machine.ts";

/** Where in the Ready loop a crash may be injected. */
export type CrashPoint = "afterPersist" | "afterSend";

/** What a member needs from the cluster around it. */
export interface NodeHost {
  readonly checker: Checker;
  readonly config: SimConfig;
  /** Routes a message; the dependent state is already durable. */
  send(from: SimNode, m: Message): RouteOutcome;
  /** A committed write was applied on this member at `index`. */
  writeApplied(node: SimNode, command: WriteCommand, index: number): void;
  /** A ReadState arrived on this member. */
  readStateArrived(node: SimNode, state: ReadState): void;
  /** The member applied more (or restored a snapshot): waiting reads may complete. */
  appliedAdvanced(node: SimNode): void;
  /** The member applied a configuration change. */
  confChanged(node: SimNode, previous: ConfState, next: ConfState): void;
  /** The member's role changed (already persisted and checked). */
  roleChanged(node: SimNode): void;
  /** Whether to crash the member at this point of its Ready loop. */
  crashPoint(node: SimNode, where: CrashPoint): boolean;
  /** The member crashed inside its Ready loop. */
  crashedInReady(node: SimNode, where: CrashPoint): void;
}

const READY_ROUNDS_MAX = 100_000;

/** A member of the simulated cluster. */
export class SimNode {
  readonly id: NodeId;
  readonly disk: SimDisk;
  readonly #host: NodeHost;
  readonly #prng: SeededPrng;
  raw: RawNode | null = null;
  machine = new KvStateMachine();
  confState: ConfState;
  role: StateType | "down" = "down";
  lead: NodeId = NONE;
  /** The member's current term as last seen (durable). */
  term = 0;
  incarnation = 0;
  /** Paused (no ticks, no deliveries) until this time. */
  pausedUntilMs = 0;
  /** Removed from the cluster: shut down for good. */
  removed = false;
  #lastSnapshotIndex = 0;
  #unreachable: NodeId[] = [];
  readonly #resumeOffsetsMs = new Map<string, number>();

  /** `initial` null: a member joining later, with an empty disk. */
  constructor(id: NodeId, initial: ConfState | null, host: NodeHost, prng: SeededPrng) {
    this.id = id;
    const config = host.config;
    this.disk = new SimDisk(id, initial, {
      wal: config.faults.has("walDisk"),
      walSegmentBytes: config.walSegmentBytes,
      tornWrites: config.faults.has("tornWrite") ? prng.fork() : null,
    });
    this.confState = initial ?? EMPTY_CONF_STATE;
    this.#host = host;
    this.#prng = prng;
  }

  /** Whether the member runs (not crashed, not removed). */
  get up(): boolean {
    return this.raw !== null;
  }

  /** Whether the member is paused at `nowMs`. */
  pausedAt(nowMs: number): boolean {
    return this.pausedUntilMs > nowMs;
  }

  /** Pauses the member (no ticks, no input) until `untilMs`. */
  pause(untilMs: number): void {
    if (untilMs <= this.pausedUntilMs) return;
    this.pausedUntilMs = untilMs;
    this.#resumeOffsetsMs.clear();
  }

  /**
   * When input held on `connection` during a pause is processed: every
   * connection gets one offset after the pause ends, so each stays FIFO
   * while connections are served in a random order (like buffered sockets
   * read by a process resumed after SIGSTOP).
   */
  resumeAtMs(connection: string, drawOffsetMs: () => number): number {
    let offset = this.#resumeOffsetsMs.get(connection);
    if (offset === undefined) {
      offset = drawOffsetMs();
      this.#resumeOffsetsMs.set(connection, offset);
    }
    return this.pausedUntilMs + offset;
  }

  /** Starts (or restarts) the member from its disk. */
  start(): void {
    const storage = this.disk.storage;
    const snapshot = storage.snapshot();
    this.machine = KvStateMachine.restore(snapshot.data);
    this.machine.applied = snapshot.metadata.index;
    this.confState = snapshot.metadata.confState;
    this.#lastSnapshotIndex = snapshot.metadata.index;
    this.#unreachable = [];
    this.incarnation++;
    const config = this.#host.config;
    this.raw = new RawNode({
      id: this.id,
      electionTicks: config.electionTicks,
      heartbeatTicks: config.heartbeatTicks,
      storage,
      prng: this.#prng.fork(),
      applied: snapshot.metadata.index,
      checkQuorum: config.checkQuorum,
      preVote: config.preVote,
      bugs: config.bugs,
      maxSizePerMsgBytes: config.maxSizePerMsgBytes,
      maxInflightMsgs: config.maxInflightMsgs,
      maxInflightBytes: 0,
      maxCommittedSizePerReadyBytes: config.maxCommittedSizePerReadyBytes,
      maxUncommittedEntriesBytes: config.maxUncommittedEntriesBytes,
    });
    this.role = "follower";
    this.lead = NONE;
    this.term = storage.hardState().term;
  }

  /** Crashes the member: only the disk survives (less its unsynced writes, if that fault is on). */
  crash(): void {
    this.disk.crash(this.#host.config.faults.has("unsyncedLoss"));
    this.raw = null;
    this.role = "down";
    this.lead = NONE;
    this.#host.checker.roleObserved(this.id, "down", this.term, this.disk.storage);
  }

  /** Runs the Ready loop until the core has nothing more to hand out. */
  drain(): void {
    for (let round = 0; round < READY_ROUNDS_MAX; round++) {
      const raw = this.raw;
      if (raw === null) return;
      if (this.#unreachable.length > 0) this.#flushUnreachable(raw);
      if (!raw.hasReady()) return;
      this.#handleReady(raw, raw.ready());
    }
    throw new Error(`member ${this.id}: Ready loop did not settle in ${READY_ROUNDS_MAX} rounds`);
  }

  #flushUnreachable(raw: RawNode): void {
    const unreachable = this.#unreachable;
    this.#unreachable = [];
    for (const id of unreachable) raw.reportUnreachable(id);
  }

  #handleReady(raw: RawNode, ready: Ready): void {
    this.#persist(ready);
    if (ready.softState !== null) {
      this.#observeRole(raw, ready.softState.raftState, ready.softState.lead);
    }
    if (this.#crashAt("afterPersist")) return;
    this.#send(ready);
    if (this.#crashAt("afterSend")) return;
    for (const state of ready.readStates) this.#host.readStateArrived(this, state);
    this.#apply(raw, ready.committedEntries);
    if (ready.readStates.length > 0 || ready.committedEntries.length > 0) {
      this.#host.appliedAdvanced(this);
    }
    raw.advance();
    this.#maybeCompact();
  }

  #crashAt(where: CrashPoint): boolean {
    if (!this.#host.crashPoint(this, where)) return false;
    this.crash();
    this.#host.crashedInReady(this, where);
    return true;
  }

  #persist(ready: Ready): void {
    const checker = this.#host.checker;
    const storage = this.disk.storage;
    const stillLeader = this.role === "leader" &&
      (ready.softState === null || ready.softState.raftState === "leader") &&
      (ready.hardState === null || ready.hardState.term === this.term);
    if (stillLeader) checker.leaderAppending(this.id, this.term, ready.entries, storage);
    const snapshot = ready.snapshot !== null && !isEmptySnapshot(ready.snapshot)
      ? ready.snapshot
      : null;
    if (snapshot !== null && stillLeader) {
      checker.leaderInstallingSnapshot(this.id, this.term, snapshot);
    }
    const previous = this.disk.persist(ready);
    if (ready.entries.length > 0) checker.entriesPersisted(this.id, ready.entries, storage);
    if (ready.hardState !== null) {
      checker.hardStatePersisted(this.id, previous, ready.hardState, storage);
      this.term = ready.hardState.term;
      const leading = (ready.softState?.raftState ?? this.role) === "leader";
      if (leading && ready.hardState.commit > previous.commit) {
        checker.leaderCommitted(this.id, ready.hardState, storage);
      }
    }
    if (snapshot !== null) {
      checker.snapshotPersisted(snapshot, storage.hardState().term);
      this.machine = KvStateMachine.restore(snapshot.data);
      this.machine.applied = snapshot.metadata.index;
      this.confState = snapshot.metadata.confState;
      this.#lastSnapshotIndex = snapshot.metadata.index;
      this.#host.appliedAdvanced(this);
    }
  }

  #observeRole(raw: RawNode, role: StateType, lead: NodeId): void {
    this.role = role;
    this.lead = lead;
    const term = raw.status().hardState.term;
    this.term = Math.max(this.term, term);
    this.#host.checker.roleObserved(this.id, role, term, this.disk.storage);
    this.#host.roleChanged(this);
  }

  #send(ready: Ready): void {
    const checker = this.#host.checker;
    const storage = this.disk.storage;
    for (const m of ready.messages) {
      checker.messageSent(this.id, m, storage);
      if (this.#host.send(this, m) === "cut") this.#unreachable.push(m.to);
    }
  }

  #apply(raw: RawNode, entries: readonly Entry[]): void {
    if (entries.length === 0) return;
    const checker = this.#host.checker;
    const durable = this.disk.storage.hardState();
    for (const entry of entries) {
      if (entry.index <= this.machine.applied) continue;
      if (entry.index !== this.machine.applied + 1) {
        checker.appliedOutOfOrder(this.id, entry.index, this.machine.applied + 1);
      }
      const command = this.machine.apply(entry);
      checker.applied(this.id, entry, this.machine.chain, durable.commit, durable.term);
      if (entry.type === "confChange") this.#applyConfChange(raw, entry);
      else if (command !== null) this.#host.writeApplied(this, command, entry.index);
    }
  }

  #applyConfChange(raw: RawNode, entry: Entry): void {
    const change = decodeConfChange(entry.data);
    const previous = this.confState;
    this.confState = raw.applyConfChange(change);
    this.#host.confChanged(this, previous, this.confState);
  }

  /** Snapshots and compacts by the server's policy (etcd's --snapshot-count). */
  #maybeCompact(): void {
    const config = this.#host.config;
    const policy = {
      snapshotCount: config.compactEveryEntries,
      catchUpEntries: config.catchUpEntries,
    };
    const applied = this.machine.applied;
    // By count alone: the simulated machine is tiny (no bytes to wait for).
    const since = { entries: applied - this.#lastSnapshotIndex, entryBytes: 0 };
    if (!snapshotDue(policy, since, 0)) return;
    const storage = this.disk.storage;
    if (applied <= storage.snapshot().metadata.index) return;
    storage.createSnapshot(applied, this.confState, this.machine.snapshot());
    this.#lastSnapshotIndex = applied;
    const compactTo = compactIndexAfter(policy, applied, storage.firstIndex());
    if (compactTo > 0) storage.compact(compactTo);
  }
}
