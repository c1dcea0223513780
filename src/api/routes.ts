/**
 * The gateway's calls: for each `POST /v3/…` path, how its body is decoded,
 * which service method answers it and how the answer is encoded.
 *
 * Before the service is called, a request whose protobuf form is larger
 * than etcd's gRPC limit (`--max-request-bytes` + 512 KiB) is refused as
 * etcd's gRPC server refuses it. `alarm` and `defragment` answer `{}` (no
 * alarms are kept; nothing to defragment) after decoding their body.
 * `/v3/maintenance/hashkv` is not a path, as in etcd. The membership calls
 * (`/v3/cluster/member/{list,add,remove,update,promote}`) hand their
 * request to the service as decoded: checking the URLs and ids is the
 * server's (etcd's gateway does not check them either).
 *
 * @module
 */

import type { EtcdService, RequestOptions } from "../server/service.ts";
import {
  AlarmRequestSchema,
  CompactionRequestSchema,
  CompactionResponseSchema,
  DefragmentRequestSchema,
  DeleteRangeRequestSchema,
  DeleteRangeResponseSchema,
  EtcdError,
  fromJsonBytes,
  GrpcCode,
  HashRequestSchema,
  HashResponseSchema,
  MemberAddRequestSchema,
  MemberAddResponseSchema,
  MemberListRequestSchema,
  MemberListResponseSchema,
  MemberPromoteRequestSchema,
  MemberPromoteResponseSchema,
  MemberRemoveRequestSchema,
  MemberRemoveResponseSchema,
  MemberUpdateRequestSchema,
  MemberUpdateResponseSchema,
  protoSize,
  PutRequestSchema,
  PutResponseSchema,
  RangeRequestSchema,
  RangeResponseSchema,
  type Schema,
  StatusRequestSchema,
  StatusResponseSchema,
  toJson,
  TxnRequestSchema,
  TxnResponseSchema,
} from "../proto/mod.ts";
import {
  LeaseGrantRequestSchema,
  LeaseGrantResponseSchema,
  LeaseLeasesRequestSchema,
  LeaseLeasesResponseSchema,
  LeaseRevokeRequestSchema,
  LeaseRevokeResponseSchema,
  LeaseTimeToLiveRequestSchema,
  LeaseTimeToLiveResponseSchema,
} from "../proto/json_schemas_lease.ts";

/** etcd's `grpcOverheadBytes`: its gRPC limit is `--max-request-bytes` plus this. */
export const GRPC_OVERHEAD_BYTES = 512 * 1024;

/** One call of the gateway. */
export interface RpcRoute {
  /**
   * Decodes `body`, calls the service and returns the JSON answer. Throws
   * an {@linkcode EtcdError} for etcd's errors (a bad body included).
   */
  invoke(
    service: EtcdService,
    body: Uint8Array,
    grpcBytesMax: number,
    options: RequestOptions,
  ): Promise<string>;
}

/**
 * Refuses a request larger than the gRPC limit, as etcd's gRPC server
 * does. The protobuf form is never more than about the JSON's size, so
 * small bodies skip the measurement.
 */
function checkGrpcSize<T>(schema: Schema<T>, request: T, body: Uint8Array, max: number): void {
  if (body.length * 2 < max) return;
  const size = protoSize(schema, request);
  if (size > max) {
    throw new EtcdError(
      `grpc: received message larger than max (${size} vs. ${max})`,
      GrpcCode.ResourceExhausted,
    );
  }
}

function unary<Req, Res>(
  requestSchema: Schema<Req>,
  responseSchema: Schema<Res>,
  call: (service: EtcdService, request: Req, options: RequestOptions) => Promise<Res>,
): RpcRoute {
  return {
    async invoke(service, body, grpcBytesMax, options) {
      const request = fromJsonBytes(requestSchema, body);
      checkGrpcSize(requestSchema, request, body, grpcBytesMax);
      return toJson(responseSchema, await call(service, request, options));
    },
  };
}

/** A call answered with a fixed body once its request decoded. */
function fixed<Req>(requestSchema: Schema<Req>, answer: string): RpcRoute {
  return {
    invoke(_service, body, grpcBytesMax) {
      const request = fromJsonBytes(requestSchema, body);
      checkGrpcSize(requestSchema, request, body, grpcBytesMax);
      return Promise.resolve(answer);
    },
  };
}

const leaseRevoke = unary(
  LeaseRevokeRequestSchema,
  LeaseRevokeResponseSchema,
  (s, r, o) => s.leaseRevoke(r, o),
);
const leaseTimeToLive = unary(
  LeaseTimeToLiveRequestSchema,
  LeaseTimeToLiveResponseSchema,
  (s, r, o) => s.leaseTimeToLive(r, o),
);
const leaseLeases = unary(
  LeaseLeasesRequestSchema,
  LeaseLeasesResponseSchema,
  (s, _r, o) => s.leaseLeases(o),
);

/**
 * The gateway's calls by path (under `/v3/`; `/v3beta/` is rewritten to it
 * first). The lease calls are also at etcd 3.4's old `/v3/kv/lease/…`
 * paths (revoke, timetolive, leases; not grant). The keep-alive stream is
 * keepalive_stream.ts.
 */
export const RPC_ROUTES: ReadonlyMap<string, RpcRoute> = new Map([
  [
    "/v3/lease/grant",
    unary(
      LeaseGrantRequestSchema,
      LeaseGrantResponseSchema,
      (s, r, o) => s.leaseGrant(r, o),
    ),
  ],
  ["/v3/lease/revoke", leaseRevoke],
  ["/v3/kv/lease/revoke", leaseRevoke],
  ["/v3/lease/timetolive", leaseTimeToLive],
  ["/v3/kv/lease/timetolive", leaseTimeToLive],
  ["/v3/lease/leases", leaseLeases],
  ["/v3/kv/lease/leases", leaseLeases],
  ["/v3/kv/range", unary(RangeRequestSchema, RangeResponseSchema, (s, r, o) => s.range(r, o))],
  ["/v3/kv/put", unary(PutRequestSchema, PutResponseSchema, (s, r, o) => s.put(r, o))],
  [
    "/v3/kv/deleterange",
    unary(DeleteRangeRequestSchema, DeleteRangeResponseSchema, (s, r, o) => s.deleteRange(r, o)),
  ],
  ["/v3/kv/txn", unary(TxnRequestSchema, TxnResponseSchema, (s, r, o) => s.txn(r, o))],
  [
    "/v3/kv/compaction",
    unary(CompactionRequestSchema, CompactionResponseSchema, (s, r, o) => s.compact(r, o)),
  ],
  [
    "/v3/maintenance/status",
    unary(StatusRequestSchema, StatusResponseSchema, (s, _r, o) => s.status(o)),
  ],
  ["/v3/maintenance/hash", unary(HashRequestSchema, HashResponseSchema, (s, _r, o) => s.hash(o))],
  ["/v3/maintenance/alarm", fixed(AlarmRequestSchema, "{}")],
  ["/v3/maintenance/defragment", fixed(DefragmentRequestSchema, "{}")],
  [
    "/v3/cluster/member/list",
    unary(MemberListRequestSchema, MemberListResponseSchema, (s, _r, o) => s.memberList(o)),
  ],
  [
    "/v3/cluster/member/add",
    unary(MemberAddRequestSchema, MemberAddResponseSchema, (s, r, o) => s.memberAdd(r, o)),
  ],
  [
    "/v3/cluster/member/remove",
    unary(MemberRemoveRequestSchema, MemberRemoveResponseSchema, (s, r, o) => s.memberRemove(r, o)),
  ],
  [
    "/v3/cluster/member/update",
    unary(MemberUpdateRequestSchema, MemberUpdateResponseSchema, (s, r, o) => s.memberUpdate(r, o)),
  ],
  [
    "/v3/cluster/member/promote",
    unary(
      MemberPromoteRequestSchema,
      MemberPromoteResponseSchema,
      (s, r, o) => s.memberPromote(r, o),
    ),
  ],
]);
