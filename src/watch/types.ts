/**
 * What the watch hub reads (the store's history), what it writes to (one
 * sink per client stream) and the messages it writes.
 *
 * @module
 */

import type { Event } from "../proto/rpc.ts";

/** The part of the MVCC store watchers read: revisions and retained history. */
export interface WatchHistory {
  /** The revision of the last change. */
  readonly currentRevision: number;
  /** The revision of the last compaction; 0 when never compacted. */
  readonly compactRevision: number;
  /**
   * The events of revisions `from` … `to` in (revision, sub) order, each
   * with the key before it as prevKv when that is retained; throws when
   * `from` is below the compacted revision.
   */
  eventsBetween(from: number, to: number): Event[];
}

/**
 * One message for a client stream, without its header's cluster, member
 * and term (the server adds them).
 */
export interface WatchMessage {
  /** The watcher's id; -1 for a progress response to a progress request or a refused create. */
  readonly watchId: number;
  /** The header's revision; 0 leaves it out (a cancel for compaction, as etcd sends it). */
  readonly revision: number;
  readonly created: boolean;
  readonly canceled: boolean;
  /** Set with `canceled` when the watcher's next revision was compacted. */
  readonly compactRevision: number;
  readonly cancelReason: string;
  /** Whole revisions, in order; empty for control messages and progress notifications. */
  readonly events: readonly Event[];
}

/** Where a stream's messages go (the HTTP response, in the server). */
export interface WatchSink {
  /** Whether an event message would be taken now (false: the stream is full). */
  readonly writable: boolean;
  /**
   * Offers a message. A control message (created, canceled, a progress
   * response) is always taken; another one only while `writable`. Returns
   * whether the message was taken.
   */
  send(message: WatchMessage, control: boolean): boolean;
}

/** A message with every field at its zero value but those given. */
export function watchMessage(fields: Partial<WatchMessage> & { watchId: number }): WatchMessage {
  return {
    revision: 0,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: "",
    events: NO_EVENTS,
    ...fields,
  };
}

/** The empty event list shared by messages without events. */
export const NO_EVENTS: readonly Event[] = Object.freeze([]);
