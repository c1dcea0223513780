/**
 * The watchers of one member, as etcd 3.4's watchable store and watch
 * server keep them, driven by calls (no timers, no I/O):
 *
 * - {@linkcode WatchHub.openStream} opens a client stream; its
 *   {@linkcode WatchStream} creates and cancels watchers (ids per stream,
 *   auto ids skipping taken ones, a taken client id refused), answers
 *   progress requests and sends periodic progress notifications.
 * - {@linkcode WatchHub.onWrite} fans each applied write out to the synced
 *   watchers: one message per watcher with all its events of the revision.
 *   A stream that cannot take the message leaves the watcher unsynced at
 *   that revision: writes are never held up by a slow client.
 * - {@linkcode WatchHub.step} catches unsynced watchers up from the store's
 *   history in bounded batches (a start revision in the past, a full stream
 *   drained, a store replaced by a snapshot); a watcher whose next revision
 *   was compacted is canceled with the compact revision, as etcd does.
 *
 * A watcher holds no events: what it has not been sent is read again from
 * history, so memory per watcher is its range and options. Guarantees, per
 * watcher: events in revision order, none twice, none missing between its
 * start and the current revision (unless canceled for compaction), all the
 * events of one revision in one message. A progress response at revision R
 * (to a progress request or periodic) is sent only when every event up to R
 * was sent before it.
 *
 * @module
 */

import type { Event } from "../proto/rpc.ts";
import type { WatchCreateRequest } from "../proto/rpc_watch.ts";
import { assert } from "../util/assert.ts";
import { keyRangeOf, keyToString } from "./key_range.ts";
import { type WatchHistory, watchMessage, type WatchSink } from "./types.ts";
import { eventBytes, Watcher, withoutPrevKv } from "./watcher.ts";
import { WatcherGroup } from "./watcher_group.ts";

/** How much one catch-up step may do. */
export interface WatchHubLimits {
  /** Unsynced watchers served per step (etcd's maxWatchersPerSync, 512). */
  readonly syncWatchersMax: number;
  /** Revisions read from history per step (etcd's watchBatchMaxRevs, 1000). */
  readonly syncRevisionsMax: number;
  /** Approximate event bytes of one catch-up message; it is cut between revisions beyond. */
  readonly responseBytesMax: number;
}

/** One client stream of watchers. */
export interface WatchStream {
  /** etcd's create request: answers `created` (or a refusal) at once. */
  create(request: WatchCreateRequest): void;
  /** etcd's cancel request: answers `canceled`, or nothing for an unknown id. */
  cancel(watchId: number): void;
  /** etcd's progress request: answered once every watcher of the stream is synced. */
  requestProgress(): void;
  /** The periodic progress notification tick (etcd's per-stream ticker). */
  progressTick(): void;
  /** The client went away: every watcher of the stream is dropped. */
  close(): void;
  /** Watchers of the stream (canceled-for-compaction ones included until canceled). */
  readonly watcherCount: number;
}

const DUPLICATE_ID = "mvcc: duplicate watch ID provided on the WatchStream";
const EMPTY_RANGE = "mvcc: watcher range is empty";

class StreamState {
  readonly watchers = new Map<number, Watcher>();
  nextId = 0;
  /** A progress request waits for every watcher to be synced. */
  deferredProgress = false;
  closed = false;

  constructor(readonly sink: WatchSink) {}
}

function streamOf(watcher: Watcher): StreamState {
  return watcher.stream as StreamState;
}

/** The index of the first of the revision-ordered `events` at or after `revision`. */
function firstAtOrAfter(events: readonly Event[], revision: number): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (events[mid]!.kv.modRevision < revision) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** One read of history shared by the watchers of a step. */
interface Batch {
  readonly events: readonly Event[];
  readonly keys: readonly string[];
  readonly stripped: (Event | undefined)[];
  /** The last revision read. */
  readonly to: number;
  readonly current: number;
}

/** The watchers of one member. */
export class WatchHub {
  readonly #history: () => WatchHistory;
  readonly #limits: WatchHubLimits;
  #synced = new WatcherGroup();
  readonly #unsynced = new Set<Watcher>();
  readonly #streams = new Set<StreamState>();
  /** The newest revision the hub has seen (writes, creates, steps). */
  #lastRevision = 0;

  constructor(history: () => WatchHistory, limits: WatchHubLimits) {
    assert(limits.syncWatchersMax > 0 && limits.syncRevisionsMax > 0, "watch: bad limits");
    this.#history = history;
    this.#limits = limits;
  }

  /** Watchers being fed from history. */
  get unsyncedCount(): number {
    return this.#unsynced.size;
  }

  /** Watchers fed by writes. */
  get syncedCount(): number {
    return this.#synced.size;
  }

  /** Open streams. */
  get streamCount(): number {
    return this.#streams.size;
  }

  /** Opens a client stream writing to `sink`. */
  openStream(sink: WatchSink): WatchStream {
    const stream = new StreamState(sink);
    this.#streams.add(stream);
    return {
      create: (request) => this.#create(stream, request),
      cancel: (watchId) => this.#cancel(stream, watchId),
      requestProgress: () => this.#requestProgress(stream),
      progressTick: () => this.#progressTick(stream),
      close: () => this.#close(stream),
      get watcherCount() {
        return stream.watchers.size;
      },
    };
  }

  #seen(revision: number): void {
    if (revision > this.#lastRevision) this.#lastRevision = revision;
  }

  #create(stream: StreamState, request: WatchCreateRequest): void {
    if (stream.closed) return;
    const current = this.#history().currentRevision;
    this.#seen(current);
    const range = keyRangeOf(request.key, request.rangeEnd);
    if (range === null) return this.#refuse(stream, current, EMPTY_RANGE);
    let id = request.watchId;
    if (id === 0) {
      while (stream.watchers.has(stream.nextId)) stream.nextId++;
      id = stream.nextId++;
    } else if (stream.watchers.has(id)) {
      return this.#refuse(stream, current, DUPLICATE_ID);
    }
    const start = request.startRevision === 0 ? current + 1 : request.startRevision;
    const synced = start > current;
    const options = {
      prevKv: request.prevKv,
      noPut: request.filters.includes("NOPUT"),
      noDelete: request.filters.includes("NODELETE"),
      progressNotify: request.progressNotify,
    };
    const watcher = new Watcher(stream, id, range, options, start, synced ? "synced" : "unsynced");
    stream.watchers.set(id, watcher);
    stream.sink.send(watchMessage({ watchId: id, revision: current, created: true }), true);
    if (synced) this.#synced.add(watcher);
    else this.#unsynced.add(watcher);
  }

  #refuse(stream: StreamState, current: number, reason: string): void {
    const message = watchMessage({
      watchId: -1,
      revision: current,
      created: true,
      canceled: true,
      cancelReason: reason,
    });
    stream.sink.send(message, true);
  }

  #cancel(stream: StreamState, watchId: number): void {
    const watcher = stream.watchers.get(watchId);
    if (stream.closed || watcher === undefined) return;
    this.#detach(watcher);
    stream.watchers.delete(watchId);
    const current = this.#history().currentRevision;
    stream.sink.send(watchMessage({ watchId, revision: current, canceled: true }), true);
    this.#answerDeferredProgress(stream);
  }

  #detach(watcher: Watcher): void {
    if (watcher.state === "synced") assert(this.#synced.delete(watcher), "watch: synced lost");
    else if (watcher.state === "unsynced") this.#unsynced.delete(watcher);
  }

  #allSynced(stream: StreamState): boolean {
    for (const watcher of stream.watchers.values()) {
      if (watcher.state === "unsynced") return false;
    }
    return true;
  }

  #requestProgress(stream: StreamState): void {
    if (stream.closed) return;
    if (!this.#allSynced(stream)) {
      stream.deferredProgress = true;
      return;
    }
    const current = this.#history().currentRevision;
    stream.sink.send(watchMessage({ watchId: -1, revision: current }), true);
  }

  #answerDeferredProgress(stream: StreamState): void {
    if (!stream.deferredProgress || !this.#allSynced(stream)) return;
    stream.deferredProgress = false;
    const current = this.#history().currentRevision;
    stream.sink.send(watchMessage({ watchId: -1, revision: current }), true);
  }

  #progressTick(stream: StreamState): void {
    if (stream.closed) return;
    let current = -1;
    for (const watcher of stream.watchers.values()) {
      if (!watcher.options.progressNotify) continue;
      if (watcher.progressDue && watcher.state === "synced") {
        if (current < 0) current = this.#history().currentRevision;
        // Best effort, as etcd's: a full stream is busy sending events anyway.
        stream.sink.send(watchMessage({ watchId: watcher.id, revision: current }), false);
      }
      watcher.progressDue = true;
    }
  }

  #close(stream: StreamState): void {
    if (stream.closed) return;
    stream.closed = true;
    for (const watcher of stream.watchers.values()) this.#detach(watcher);
    stream.watchers.clear();
    this.#streams.delete(stream);
  }

  /**
   * A write was applied: `events` are all the events of `revision`, each
   * with the key before it as prevKv.
   */
  onWrite(revision: number, events: readonly Event[]): void {
    this.#seen(revision);
    if (this.#synced.size === 0) return;
    const touched: Watcher[] = [];
    for (let i = 0; i < events.length; i++) {
      const event = events[i]!;
      this.#synced.forEachHolding(keyToString(event.kv.key), (watcher) => {
        if (revision < watcher.minRev || !watcher.wants(event)) return;
        if (watcher.batch === null) {
          watcher.batch = [];
          touched.push(watcher);
        }
        watcher.batch.push(i);
      });
    }
    const stripped: (Event | undefined)[] = [];
    for (const watcher of touched) {
      const indices = watcher.batch!;
      watcher.batch = null;
      const out: Event[] = [];
      for (const i of indices) {
        out.push(watcher.options.prevKv ? events[i]! : (stripped[i] ??= withoutPrevKv(events[i]!)));
      }
      this.#deliver(watcher, revision, out);
    }
  }

  #deliver(watcher: Watcher, revision: number, events: Event[]): void {
    const message = watchMessage({ watchId: watcher.id, revision, events });
    if (streamOf(watcher).sink.send(message, false)) {
      watcher.progressDue = false;
      watcher.minRev = revision + 1;
      return;
    }
    // The stream is full: catch up from history later, from this revision.
    assert(this.#synced.delete(watcher), "watch: synced lost");
    watcher.state = "unsynced";
    watcher.minRev = revision;
    this.#unsynced.add(watcher);
  }

  /**
   * The store was replaced (a snapshot from the leader): every watcher
   * catches up from the new store's history, from the revision after the
   * last one it was sent.
   */
  onRestore(): void {
    const next = this.#lastRevision + 1;
    const synced = [...this.#synced.all()];
    this.#synced = new WatcherGroup();
    for (const watcher of synced) {
      watcher.state = "unsynced";
      watcher.minRev = Math.max(watcher.minRev, next);
      this.#unsynced.add(watcher);
    }
    this.#seen(this.#history().currentRevision);
  }

  /**
   * One catch-up step: up to `syncWatchersMax` unsynced watchers whose
   * streams can take more are sent up to `syncRevisionsMax` revisions of
   * history (one read shared by all of them); those that reach the current
   * revision become synced; those whose next revision was compacted are
   * canceled. Returns whether another step could do more now.
   */
  step(): boolean {
    if (this.#unsynced.size === 0) return false;
    const history = this.#history();
    const current = history.currentRevision;
    this.#seen(current);
    // etcd's compactMainRev is -1 until the first compaction.
    const compactFloor = history.compactRevision > 0 ? history.compactRevision : -1;
    const chosen: Watcher[] = [];
    let minRev = Infinity;
    for (const watcher of this.#unsynced) {
      if (chosen.length >= this.#limits.syncWatchersMax) break;
      if (!streamOf(watcher).sink.writable) continue;
      if (watcher.minRev < compactFloor) {
        this.#cancelCompacted(watcher, compactFloor);
        continue;
      }
      // etcd reads nothing for a start of -1 on a never compacted store.
      if (watcher.minRev < 0) watcher.minRev = current + 1;
      chosen.push(watcher);
      minRev = Math.min(minRev, watcher.minRev);
    }
    if (chosen.length === 0) return false;
    const to = Math.min(current, minRev + this.#limits.syncRevisionsMax - 1);
    const events = minRev <= to ? history.eventsBetween(minRev, to) : [];
    const batch: Batch = {
      events,
      keys: events.map((event) => keyToString(event.kv.key)),
      stripped: [],
      to,
      current,
    };
    for (const watcher of chosen) this.#catchUp(watcher, batch);
    return this.#unsynced.size > 0;
  }

  #cancelCompacted(watcher: Watcher, compactRevision: number): void {
    this.#unsynced.delete(watcher);
    watcher.state = "compacted";
    const stream = streamOf(watcher);
    const message = watchMessage({ watchId: watcher.id, canceled: true, compactRevision });
    stream.sink.send(message, true);
    this.#answerDeferredProgress(stream);
  }

  #catchUp(watcher: Watcher, batch: Batch): void {
    const { events, keys, current } = batch;
    const out: Event[] = [];
    let last = batch.to;
    let bytes = 0;
    let lastRevision = -1;
    for (let i = firstAtOrAfter(events, watcher.minRev); i < events.length; i++) {
      const event = events[i]!;
      if (!watcher.holds(keys[i]!) || !watcher.wants(event)) continue;
      const revision = event.kv.modRevision;
      if (revision !== lastRevision && bytes >= this.#limits.responseBytesMax) {
        last = revision - 1;
        break;
      }
      out.push(
        watcher.options.prevKv ? event : (batch.stripped[i] ??= withoutPrevKv(event)),
      );
      bytes += eventBytes(event);
      lastRevision = revision;
    }
    const stream = streamOf(watcher);
    if (out.length > 0) {
      const revision = last >= current ? current : last;
      const message = watchMessage({ watchId: watcher.id, revision, events: out });
      if (!stream.sink.send(message, false)) return; // full: again once it drains
      watcher.progressDue = false;
    }
    watcher.minRev = Math.max(watcher.minRev, last + 1);
    this.#unsynced.delete(watcher);
    if (watcher.minRev > current) {
      watcher.state = "synced";
      this.#synced.add(watcher);
      this.#answerDeferredProgress(stream);
    } else {
      this.#unsynced.add(watcher); // to the back: the others get their turn
    }
  }
}
