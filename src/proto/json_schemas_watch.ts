/**
 * The JSON schemas of etcd's Watch service messages (etcd 3.4's
 * etcdserverpb), in proto declaration order.
 *
 * @module
 */

import {
  bool,
  bytes,
  enumField,
  enumSpec,
  int64,
  message,
  messageField,
  repeated,
  type Schema,
  string,
} from "./json_schema.ts";
import { EventSchema, ResponseHeaderSchema } from "./json_schemas.ts";
import type {
  WatchCancelRequest,
  WatchCreateRequest,
  WatchProgressRequest,
  WatchRequest,
  WatchResponse,
} from "./rpc_watch.ts";

/** etcdserverpb.WatchCreateRequest.FilterType. */
export const WatchFilterEnum = enumSpec("etcdserverpb.WatchCreateRequest_FilterType", [
  "NOPUT",
  "NODELETE",
]);

/** etcdserverpb.WatchCreateRequest. */
export const WatchCreateRequestSchema: Schema<WatchCreateRequest> = message(
  "etcdserverpb.WatchCreateRequest",
  [
    bytes(1, "key"),
    bytes(2, "range_end"),
    int64(3, "start_revision"),
    bool(4, "progress_notify"),
    repeated(enumField(5, "filters", WatchFilterEnum)),
    bool(6, "prev_kv"),
    int64(7, "watch_id"),
    bool(8, "fragment"),
  ],
);

/** etcdserverpb.WatchCancelRequest. */
export const WatchCancelRequestSchema: Schema<WatchCancelRequest> = message(
  "etcdserverpb.WatchCancelRequest",
  [int64(1, "watch_id")],
);

/** etcdserverpb.WatchProgressRequest. */
export const WatchProgressRequestSchema: Schema<WatchProgressRequest> = message(
  "etcdserverpb.WatchProgressRequest",
  [],
);

/**
 * etcdserverpb.WatchRequest. Its oneof is held as three nullable fields: a
 * message with none of them set decodes to all null (etcd ignores it).
 */
export const WatchRequestSchema: Schema<WatchRequest> = message("etcdserverpb.WatchRequest", [
  messageField(1, "create_request", () => WatchCreateRequestSchema, { nullable: true }),
  messageField(2, "cancel_request", () => WatchCancelRequestSchema, { nullable: true }),
  messageField(3, "progress_request", () => WatchProgressRequestSchema, { nullable: true }),
]);

/** etcdserverpb.WatchResponse. */
export const WatchResponseSchema: Schema<WatchResponse> = message("etcdserverpb.WatchResponse", [
  messageField(1, "header", () => ResponseHeaderSchema),
  int64(2, "watch_id"),
  bool(3, "created"),
  bool(4, "canceled"),
  int64(5, "compact_revision"),
  string(6, "cancel_reason"),
  bool(7, "fragment"),
  repeated(messageField(11, "events", () => EventSchema)),
]);
