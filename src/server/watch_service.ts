/**
 * What the gateway may ask of a member's watch service: open a client
 * stream, feed it the client's requests, tell it when its output has room
 * again, close it; and the response header of a revision.
 *
 * @module
 */

import type { EtcdError } from "../proto/errors.ts";
import type { ResponseHeader } from "../proto/rpc.ts";
import type { WatchRequest } from "../proto/rpc_watch.ts";
import type { WatchSink } from "../watch/mod.ts";

export type { WatchMessage } from "../watch/mod.ts";

/** Where a stream's messages go: the hub's sink, plus the end the server may put to it. */
export interface WatchStreamSink extends WatchSink {
  /** The server is stopping: the stream ends with `error` (etcd's gateway writes it last). */
  end(error: EtcdError): void;
}

/** One client stream, as the gateway drives it. */
export interface WatchStreamHandle {
  /** The next request of the client's stream (a message with no request is ignored). */
  request(request: WatchRequest): void;
  /** The sink can take event messages again (it was full). */
  drained(): void;
  /** The client went away (or the gateway ends the stream): its watchers are dropped. */
  close(): void;
}

/** A member's watch service. */
export interface WatchService {
  /** Opens a client stream writing to `sink`. */
  openStream(sink: WatchStreamSink): WatchStreamHandle;
  /** The response header for `revision` (cluster, member, current raft term). */
  header(revision: number): ResponseHeader;
}
