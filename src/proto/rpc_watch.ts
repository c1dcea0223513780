/**
 * The messages of etcd's Watch service (etcdserverpb, etcd 3.4): the
 * requests a client streams (`create_request`, `cancel_request`,
 * `progress_request`) and the responses the server streams back.
 *
 * @module
 */

import type { Event, ResponseHeader } from "./rpc.ts";

/** etcdserverpb.WatchCreateRequest.FilterType: which events a watcher drops. */
export type WatchFilter = "NOPUT" | "NODELETE";

/** etcdserverpb.WatchCreateRequest. */
export interface WatchCreateRequest {
  /** The key, or the start of the range; empty is read as `\0` (the smallest key). */
  key: Uint8Array;
  /** Exclusive end of the range; empty: the single key; `\0`: every key ≥ key. */
  rangeEnd: Uint8Array;
  /** The first revision to report; 0: the revision after the current one. */
  startRevision: number;
  /** Asks for periodic progress notifications while nothing happens. */
  progressNotify: boolean;
  filters: WatchFilter[];
  /** Events carry the key as it was before the change. */
  prevKv: boolean;
  /** The id the client chose; 0: the server picks one. */
  watchId: number;
  /** Large responses may be split (accepted; etcd-ts never needs to split). */
  fragment: boolean;
}

/** etcdserverpb.WatchCancelRequest. */
export interface WatchCancelRequest {
  watchId: number;
}

/** etcdserverpb.WatchProgressRequest (no fields). */
export type WatchProgressRequest = Record<string, never>;

/**
 * etcdserverpb.WatchRequest: a oneof of three requests. At most one is
 * non-null after decoding (a message with none is ignored, as etcd does).
 */
export interface WatchRequest {
  createRequest: WatchCreateRequest | null;
  cancelRequest: WatchCancelRequest | null;
  progressRequest: WatchProgressRequest | null;
}

/** etcdserverpb.WatchResponse. */
export interface WatchResponse {
  /** The revision is 0 (left out) on a cancel for compaction, as etcd sends it. */
  header: ResponseHeader;
  /** -1 for a progress response to a progress request and for a refused create. */
  watchId: number;
  created: boolean;
  canceled: boolean;
  /** Set (with canceled) when the watcher's start revision was compacted. */
  compactRevision: number;
  cancelReason: string;
  fragment: boolean;
  /** The events of one or more whole revisions, in revision order. */
  events: Event[];
}

/** A create request with every field at its zero value but `key`. */
export function watchCreateRequest(
  fields: Partial<WatchCreateRequest> & { key: Uint8Array },
): WatchCreateRequest {
  return {
    rangeEnd: new Uint8Array(0),
    startRevision: 0,
    progressNotify: false,
    filters: [],
    prevKv: false,
    watchId: 0,
    fragment: false,
    ...fields,
  };
}
