/**
 * The JSON schemas of etcd's Lease service messages (etcd 3.4's
 * etcdserverpb), in proto declaration order: `ID`, `TTL` and `grantedTTL`
 * keep the proto names the gateway prints.
 *
 * @module
 */

import {
  bool,
  bytes,
  int64,
  int64big,
  message,
  messageField,
  repeated,
  type Schema,
  string,
} from "./json_schema.ts";
import { ResponseHeaderSchema } from "./json_schemas.ts";
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesRequest,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseStatus,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "./rpc_lease.ts";

const header = messageField(1, "header", () => ResponseHeaderSchema);
const id = (no: number) => int64big(no, "ID", { ts: "id" });
const ttl = (no: number) => int64(no, "TTL", { ts: "ttl" });

/** etcdserverpb.LeaseGrantRequest. */
export const LeaseGrantRequestSchema: Schema<LeaseGrantRequest> = message(
  "etcdserverpb.LeaseGrantRequest",
  [ttl(1), id(2)],
);

/** etcdserverpb.LeaseGrantResponse. */
export const LeaseGrantResponseSchema: Schema<LeaseGrantResponse> = message(
  "etcdserverpb.LeaseGrantResponse",
  [header, id(2), ttl(3), string(4, "error")],
);

/** etcdserverpb.LeaseRevokeRequest. */
export const LeaseRevokeRequestSchema: Schema<LeaseRevokeRequest> = message(
  "etcdserverpb.LeaseRevokeRequest",
  [id(1)],
);

/** etcdserverpb.LeaseRevokeResponse. */
export const LeaseRevokeResponseSchema: Schema<LeaseRevokeResponse> = message(
  "etcdserverpb.LeaseRevokeResponse",
  [header],
);

/** etcdserverpb.LeaseKeepAliveRequest. */
export const LeaseKeepAliveRequestSchema: Schema<LeaseKeepAliveRequest> = message(
  "etcdserverpb.LeaseKeepAliveRequest",
  [id(1)],
);

/** etcdserverpb.LeaseKeepAliveResponse. */
export const LeaseKeepAliveResponseSchema: Schema<LeaseKeepAliveResponse> = message(
  "etcdserverpb.LeaseKeepAliveResponse",
  [header, id(2), ttl(3)],
);

/** etcdserverpb.LeaseTimeToLiveRequest. */
export const LeaseTimeToLiveRequestSchema: Schema<LeaseTimeToLiveRequest> = message(
  "etcdserverpb.LeaseTimeToLiveRequest",
  [id(1), bool(2, "keys")],
);

/** etcdserverpb.LeaseTimeToLiveResponse. */
export const LeaseTimeToLiveResponseSchema: Schema<LeaseTimeToLiveResponse> = message(
  "etcdserverpb.LeaseTimeToLiveResponse",
  [
    header,
    id(2),
    ttl(3),
    int64(4, "grantedTTL", { ts: "grantedTtl" }),
    repeated(bytes(5, "keys")),
  ],
);

/** etcdserverpb.LeaseLeasesRequest (no fields). */
export const LeaseLeasesRequestSchema: Schema<LeaseLeasesRequest> = message(
  "etcdserverpb.LeaseLeasesRequest",
  [],
);

/** etcdserverpb.LeaseStatus. */
export const LeaseStatusSchema: Schema<LeaseStatus> = message("etcdserverpb.LeaseStatus", [id(1)]);

/** etcdserverpb.LeaseLeasesResponse. */
export const LeaseLeasesResponseSchema: Schema<LeaseLeasesResponse> = message(
  "etcdserverpb.LeaseLeasesResponse",
  [header, repeated(messageField(2, "leases", () => LeaseStatusSchema))],
);
