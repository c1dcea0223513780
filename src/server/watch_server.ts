/**
 * The watch service of one member: the pure {@linkcode WatchHub} fed with
 * every applied write, plus the clock work around it: catch-up steps for
 * unsynced watchers (run soon after they are needed, a few milliseconds at
 * a time so requests keep flowing), and each stream's progress ticker
 * (etcd's `--experimental-watch-progress-notify-interval`, 10 minutes by
 * default, with up to 10% jitter per stream, as etcd adds).
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";
import type { Event, ResponseHeader } from "../proto/rpc.ts";
import type { WatchRequest } from "../proto/rpc_watch.ts";
import {
  watchResponseBytesMax,
  watchSyncRevisionsMax,
  watchSyncTurnMs,
  watchSyncWatchersMax,
} from "../util/limits.ts";
import {
  type WatchHistory,
  WatchHub,
  type WatchHubLimits,
  type WatchStream,
} from "../watch/mod.ts";
import type { WatchService, WatchStreamHandle, WatchStreamSink } from "./watch_service.ts";

/** etcd's default progress notification interval (10 minutes). */
export const watchProgressNotifyIntervalMsDefault = 10 * 60 * 1000;

/** How the watch service is built. */
export interface WatchServerOptions {
  /** The store watchers read (the current state machine's; it may be replaced). */
  readonly history: () => WatchHistory;
  /** The response header of a revision. */
  readonly header: (revision: number) => ResponseHeader;
  /** Period of progress notifications (etcd's flag); default 10 minutes. */
  readonly progressNotifyIntervalMs?: number;
  /** Catch-up limits (tests make them small); default from limits.ts. */
  readonly limits?: WatchHubLimits;
}

/** The default catch-up limits. */
export const watchHubLimitsDefault: WatchHubLimits = {
  syncWatchersMax: watchSyncWatchersMax,
  syncRevisionsMax: watchSyncRevisionsMax,
  responseBytesMax: watchResponseBytesMax,
};

/** What etcd's gateway reports on a watch stream when the member stops. */
export function transportClosing(): EtcdError {
  return new EtcdError("transport is closing", GrpcCode.Unavailable);
}

interface OpenStream {
  readonly stream: WatchStream;
  readonly sink: WatchStreamSink;
  ticker: ReturnType<typeof setInterval> | null;
}

/** A member's watch service. */
export class WatchServer implements WatchService {
  readonly #options: WatchServerOptions;
  readonly #hub: WatchHub;
  readonly #streams = new Set<OpenStream>();
  readonly #intervalMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #stopped = false;

  constructor(options: WatchServerOptions) {
    this.#options = options;
    this.#hub = new WatchHub(options.history, options.limits ?? watchHubLimitsDefault);
    this.#intervalMs = options.progressNotifyIntervalMs ?? watchProgressNotifyIntervalMsDefault;
  }

  /** Watchers and streams, for tests and metrics. */
  get stats(): { streams: number; synced: number; unsynced: number } {
    const hub = this.#hub;
    return { streams: hub.streamCount, synced: hub.syncedCount, unsynced: hub.unsyncedCount };
  }

  header(revision: number): ResponseHeader {
    return this.#options.header(revision);
  }

  /** An applied write (the state machine's observer). */
  onWrite(revision: number, events: readonly Event[]): void {
    const before = this.#hub.unsyncedCount;
    this.#hub.onWrite(revision, events);
    if (this.#hub.unsyncedCount > before) this.#schedule();
  }

  /** The state machine was replaced by a snapshot: every watcher catches up from the new one. */
  onRestore(): void {
    this.#hub.onRestore();
    this.#schedule();
  }

  openStream(sink: WatchStreamSink): WatchStreamHandle {
    if (this.#stopped) {
      sink.end(transportClosing());
      return { request: () => {}, drained: () => {}, close: () => {} };
    }
    const open: OpenStream = { stream: this.#hub.openStream(sink), sink, ticker: null };
    this.#streams.add(open);
    return {
      request: (request) => this.#request(open, request),
      drained: () => this.#schedule(),
      close: () => this.#close(open),
    };
  }

  #request(open: OpenStream, request: WatchRequest): void {
    if (!this.#streams.has(open)) return;
    const create = request.createRequest;
    if (create !== null) {
      open.stream.create(create);
      if (create.progressNotify) this.#startTicker(open);
      if (this.#hub.unsyncedCount > 0) this.#schedule();
    } else if (request.cancelRequest !== null) {
      open.stream.cancel(request.cancelRequest.watchId);
    } else if (request.progressRequest !== null) {
      open.stream.requestProgress();
    }
  }

  #startTicker(open: OpenStream): void {
    if (open.ticker !== null) return;
    const jitter = Math.floor(Math.random() * (this.#intervalMs / 10));
    open.ticker = setInterval(() => open.stream.progressTick(), this.#intervalMs + jitter);
  }

  #close(open: OpenStream): void {
    if (!this.#streams.delete(open)) return;
    if (open.ticker !== null) clearInterval(open.ticker);
    open.stream.close();
  }

  /** Runs catch-up steps soon (once). */
  #schedule(): void {
    if (this.#timer !== null || this.#stopped) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#runSteps();
    }, 0);
  }

  #runSteps(): void {
    const start = performance.now();
    let more = true;
    while (more && performance.now() - start < watchSyncTurnMs) more = this.#hub.step();
    if (more) this.#schedule();
  }

  /** Ends every stream with etcd's "transport is closing" and stops the timers. */
  stop(): void {
    if (this.#stopped) return;
    this.#stopped = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    for (const open of [...this.#streams]) {
      this.#close(open);
      open.sink.end(transportClosing());
    }
  }
}
