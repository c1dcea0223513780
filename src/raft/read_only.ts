/**
 * Pending ReadIndex requests at the leader. Every request gets its own read
 * round, numbered by the leader and carried in heartbeats; a request is
 * answered only once a quorum acknowledged a heartbeat of its own round or a
 * later one, so an acknowledgement sent before a request arrived (for
 * example a late one for an earlier attempt of the same read) never confirms
 * it.
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import type { Message, NodeId } from "./types.ts";

/** One pending read: the request, the commit index when it arrived, and its acks. */
export interface ReadIndexStatus {
  readonly request: Message;
  readonly index: number;
  readonly round: number;
  readonly acks: Set<NodeId>;
}

/** Encodes a read round for a heartbeat's context. */
export function encodeReadRound(round: number): Uint8Array {
  assert(Number.isSafeInteger(round) && round > 0, "read round must be a positive safe integer");
  const bytes = new Uint8Array(8);
  const view = new DataView(bytes.buffer);
  view.setUint32(0, Math.floor(round / 0x100000000));
  view.setUint32(4, round >>> 0);
  return bytes;
}

/** Decodes a heartbeat context into a read round; undefined if it is not one. */
export function decodeReadRound(context: Uint8Array): number | undefined {
  if (context.byteLength !== 8) return undefined;
  const view = new DataView(context.buffer, context.byteOffset, 8);
  const round = view.getUint32(0) * 0x100000000 + view.getUint32(4);
  return Number.isSafeInteger(round) && round > 0 ? round : undefined;
}

/** The leader's queue of reads waiting for leadership confirmation. */
export class ReadOnly {
  readonly #pending = new Map<number, ReadIndexStatus>();
  #queue: number[] = [];
  readonly pendingMax: number;

  constructor(pendingMax: number) {
    this.pendingMax = pendingMax;
  }

  /** Whether another read can be queued. */
  full(): boolean {
    return this.#queue.length >= this.pendingMax;
  }

  /** Queues a read arriving when the commit index was `index`. */
  addRequest(index: number, request: Message, round: number): void {
    assert(!this.#pending.has(round), `read round ${round} reused`);
    const last = this.#queue[this.#queue.length - 1];
    assert(last === undefined || last < round, "read rounds must grow");
    this.#pending.set(round, { request, index, round, acks: new Set() });
    this.#queue.push(round);
  }

  /** Records `from`'s acknowledgement of `round`; returns that round's acks. */
  recvAck(from: NodeId, round: number): Set<NodeId> | undefined {
    const status = this.#pending.get(round);
    if (status === undefined) return undefined;
    status.acks.add(from);
    return status.acks;
  }

  /**
   * Deliberate bug for the simulator: an acknowledgement of `round` also
   * counts for every later round. Returns the pending rounds from newest.
   */
  recvAckForAllLater(from: NodeId, round: number): ReadIndexStatus[] {
    const statuses: ReadIndexStatus[] = [];
    for (const queued of this.#queue) {
      const status = this.#pending.get(queued)!;
      if (queued >= round) status.acks.add(from);
      statuses.push(status);
    }
    return statuses.reverse();
  }

  /** Removes and returns every read up to and including `round`, oldest first. */
  advance(round: number): ReadIndexStatus[] {
    let count = 0;
    while (count < this.#queue.length && this.#queue[count]! <= round) count++;
    const released = this.#queue.slice(0, count).map((r) => this.#pending.get(r)!);
    for (const status of released) this.#pending.delete(status.round);
    this.#queue = this.#queue.slice(count);
    return released;
  }

  /** The newest pending round, or undefined. */
  lastPendingRound(): number | undefined {
    return this.#queue[this.#queue.length - 1];
  }

  pendingCount(): number {
    return this.#queue.length;
  }
}
