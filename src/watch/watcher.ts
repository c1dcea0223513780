/**
 * One watcher: its range, options and where it stands. `minRev` is the
 * first revision it has not been sent yet; a synced watcher has been sent
 * everything up to the store's current revision (its events arrive as
 * writes are applied), an unsynced one catches up from history.
 *
 * @module
 */

import type { Event } from "../proto/rpc.ts";
import { type KeyRange, rangeHolds } from "./key_range.ts";

/** Where a watcher stands. */
export type WatcherState =
  /** Sent everything up to the current revision; fed by writes. */
  | "synced"
  /** Behind (a start revision in the past, a full stream, a new store): fed from history. */
  | "unsynced"
  /** Its next revision was compacted: told so, fed no more; its id stays taken until canceled. */
  | "compacted";

/** What a watcher asked for. */
export interface WatcherOptions {
  readonly prevKv: boolean;
  readonly noPut: boolean;
  readonly noDelete: boolean;
  readonly progressNotify: boolean;
}

/** One watcher of one stream. */
export class Watcher {
  /** The first revision not sent yet. */
  minRev: number;
  state: WatcherState;
  /** No events were sent since the last progress tick (etcd's progress map). */
  progressDue = true;
  /** Indices of this revision's events, while a write is being fanned out. */
  batch: number[] | null = null;

  constructor(
    /** The owning stream (opaque to the watcher). */
    readonly stream: unknown,
    readonly id: number,
    readonly range: KeyRange,
    readonly options: WatcherOptions,
    minRev: number,
    state: WatcherState,
  ) {
    this.minRev = minRev;
    this.state = state;
  }

  /** Whether the watcher wants `event` of a key in its range (its filters). */
  wants(event: Event): boolean {
    return event.type === "PUT" ? !this.options.noPut : !this.options.noDelete;
  }

  /** Whether the watcher's range holds `key` (a binary string). */
  holds(key: string): boolean {
    return rangeHolds(this.range, key);
  }
}

/** `event` without its previous key-value (for watchers that did not ask for it). */
export function withoutPrevKv(event: Event): Event {
  return event.prevKv === null ? event : { type: event.type, kv: event.kv, prevKv: null };
}

/** Approximate bytes `event` adds to a message (keys, values, framing). */
export function eventBytes(event: Event): number {
  const kv = event.kv;
  const prev = event.prevKv;
  const prevBytes = prev === null ? 0 : prev.key.length + prev.value.length + 64;
  return kv.key.length + kv.value.length + 64 + prevBytes;
}
