/**
 * What the leader knows of one follower's log, and the flow-control state
 * machine (probe, replicate, snapshot) of etcd-io/raft's tracker.Progress.
 *
 * @module
 */

import { Inflights } from "./inflights.ts";

/** How the leader currently sends to a follower. */
export type ProgressState = "probe" | "replicate" | "snapshot";

/** Replication progress of one member, as seen by the leader. */
export class Progress {
  /** The highest index known to be in the member's log. */
  match = 0;
  /** The next index to send. Invariant: match < next. */
  next: number;
  state: ProgressState = "probe";
  /** The snapshot index in flight while in state "snapshot". */
  pendingSnapshot = 0;
  /** Heard from since the last CheckQuorum round. */
  recentActive = false;
  /** Sending is paused until a response or heartbeat (probe) or while inflights are full. */
  msgAppFlowPaused = false;
  isLearner: boolean;
  readonly inflights: Inflights;

  constructor(next: number, isLearner: boolean, inflights: Inflights) {
    this.next = next;
    this.isLearner = isLearner;
    this.inflights = inflights;
  }

  /** A copy sharing the inflights (the original is dropped once the copy is installed). */
  clone(): Progress {
    const copy = new Progress(this.next, this.isLearner, this.inflights);
    copy.match = this.match;
    copy.state = this.state;
    copy.pendingSnapshot = this.pendingSnapshot;
    copy.recentActive = this.recentActive;
    copy.msgAppFlowPaused = this.msgAppFlowPaused;
    return copy;
  }

  #resetState(state: ProgressState): void {
    this.msgAppFlowPaused = false;
    this.pendingSnapshot = 0;
    this.state = state;
    this.inflights.reset();
  }

  /** Sends one message at a time until the follower's log position is found. */
  becomeProbe(): void {
    if (this.state === "snapshot") {
      const pending = this.pendingSnapshot;
      this.#resetState("probe");
      this.next = Math.max(this.match + 1, pending + 1);
    } else {
      this.#resetState("probe");
      this.next = this.match + 1;
    }
  }

  /** Streams entries optimistically, bounded by the inflights. */
  becomeReplicate(): void {
    this.#resetState("replicate");
    this.next = this.match + 1;
  }

  /** Waits for a snapshot at `snapshotIndex` to be installed. */
  becomeSnapshot(snapshotIndex: number): void {
    this.#resetState("snapshot");
    this.pendingSnapshot = snapshotIndex;
  }

  /** Records that a MsgApp with `entries` entries (ending before `next`) was sent. */
  sentEntries(entries: number, bytes: number): void {
    if (this.state === "replicate") {
      if (entries > 0) {
        this.next += entries;
        this.inflights.add(this.next - 1, bytes);
      }
      this.msgAppFlowPaused = this.inflights.full();
    } else if (this.state === "probe" && entries > 0) {
      this.msgAppFlowPaused = true;
    }
  }

  /** Records an acknowledgement up to `index`; true when `match` grew. */
  maybeUpdate(index: number): boolean {
    let updated = false;
    if (this.match < index) {
      this.match = index;
      updated = true;
      this.msgAppFlowPaused = false;
    }
    this.next = Math.max(this.next, index + 1);
    return updated;
  }

  /**
   * Handles a rejected MsgApp at index `rejected`; `matchHint` is the
   * follower's estimate of the last index that may match. False when the
   * rejection is stale.
   */
  maybeDecrTo(rejected: number, matchHint: number): boolean {
    if (this.state === "replicate") {
      if (rejected <= this.match) return false;
      this.next = this.match + 1;
      return true;
    }
    if (this.next - 1 !== rejected) return false;
    this.next = Math.max(Math.min(rejected, matchHint + 1), this.match + 1);
    this.msgAppFlowPaused = false;
    return true;
  }

  /** Whether sending MsgApp to this member is currently held back. */
  isPaused(): boolean {
    if (this.state === "snapshot") return true;
    return this.msgAppFlowPaused;
  }

  describe(): string {
    return `${this.state} match=${this.match} next=${this.next}` +
      (this.isLearner ? " learner" : "") +
      (this.state === "snapshot" ? ` pendingSnap=${this.pendingSnapshot}` : "") +
      (this.inflights.count() > 0 ? ` inflight=${this.inflights.count()}` : "") +
      (this.msgAppFlowPaused ? " paused" : "");
  }
}
