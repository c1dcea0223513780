/**
 * The JSON schemas of etcd's KV, cluster and maintenance messages
 * (etcdserverpb and mvccpb of etcd 3.4), in proto declaration order.
 *
 * @module
 */

import { Errors, invalidArgument } from "./errors.ts";
import {
  bool,
  bytes,
  enumField,
  enumSpec,
  int64,
  int64big,
  message,
  messageField,
  oneofMember,
  repeated,
  type Schema,
  string,
  uint32,
  uint64,
  uint64big,
} from "./json_schema.ts";
import type {
  CompactionRequest,
  CompactionResponse,
  Compare,
  CompareTarget,
  DeleteRangeRequest,
  DeleteRangeResponse,
  Event,
  HashResponse,
  KeyValue,
  Member,
  MemberAddRequest,
  MemberAddResponse,
  MemberListResponse,
  MemberPromoteRequest,
  MemberPromoteResponse,
  MemberRemoveRequest,
  MemberRemoveResponse,
  MemberUpdateRequest,
  MemberUpdateResponse,
  PutRequest,
  PutResponse,
  RangeRequest,
  RangeResponse,
  RequestOp,
  ResponseHeader,
  ResponseOp,
  StatusResponse,
  TxnRequest,
  TxnResponse,
} from "./rpc.ts";

// ---- enums ----------------------------------------------------------------------

/** etcdserverpb.RangeRequest.SortOrder. */
export const SortOrderEnum = enumSpec("etcdserverpb.RangeRequest_SortOrder", [
  "NONE",
  "ASCEND",
  "DESCEND",
]);
/** etcdserverpb.RangeRequest.SortTarget. */
export const SortTargetEnum = enumSpec("etcdserverpb.RangeRequest_SortTarget", [
  "KEY",
  "VERSION",
  "CREATE",
  "MOD",
  "VALUE",
]);
/** etcdserverpb.Compare.CompareResult. */
export const CompareResultEnum = enumSpec("etcdserverpb.Compare_CompareResult", [
  "EQUAL",
  "GREATER",
  "LESS",
  "NOT_EQUAL",
]);
/** etcdserverpb.Compare.CompareTarget. */
export const CompareTargetEnum = enumSpec("etcdserverpb.Compare_CompareTarget", [
  "VERSION",
  "CREATE",
  "MOD",
  "VALUE",
  "LEASE",
]);
/** mvccpb.Event.EventType. */
export const EventTypeEnum = enumSpec("mvccpb.Event_EventType", ["PUT", "DELETE"]);
/** etcdserverpb.AlarmRequest.AlarmAction. */
export const AlarmActionEnum = enumSpec("etcdserverpb.AlarmRequest_AlarmAction", [
  "GET",
  "ACTIVATE",
  "DEACTIVATE",
]);
/** etcdserverpb.AlarmType. */
export const AlarmTypeEnum = enumSpec("etcdserverpb.AlarmType", ["NONE", "NOSPACE", "CORRUPT"]);

// ---- shared messages ------------------------------------------------------------

/** etcdserverpb.ResponseHeader. */
export const ResponseHeaderSchema: Schema<ResponseHeader> = message("etcdserverpb.ResponseHeader", [
  uint64big(1, "cluster_id"),
  uint64big(2, "member_id"),
  int64(3, "revision"),
  uint64(4, "raft_term"),
]);

/** mvccpb.KeyValue. */
export const KeyValueSchema: Schema<KeyValue> = message("mvccpb.KeyValue", [
  bytes(1, "key"),
  int64(2, "create_revision"),
  int64(3, "mod_revision"),
  int64(4, "version"),
  bytes(5, "value"),
  int64big(6, "lease"),
]);

/** mvccpb.Event. */
export const EventSchema: Schema<Event> = message("mvccpb.Event", [
  enumField(1, "type", EventTypeEnum),
  messageField(2, "kv", () => KeyValueSchema),
  messageField(3, "prev_kv", () => KeyValueSchema, { nullable: true }),
]);

const header = messageField(1, "header", () => ResponseHeaderSchema);

// ---- KV -------------------------------------------------------------------------

/** etcdserverpb.RangeRequest. */
export const RangeRequestSchema: Schema<RangeRequest> = message("etcdserverpb.RangeRequest", [
  bytes(1, "key"),
  bytes(2, "range_end"),
  int64(3, "limit"),
  int64(4, "revision"),
  enumField(5, "sort_order", SortOrderEnum),
  enumField(6, "sort_target", SortTargetEnum),
  bool(7, "serializable"),
  bool(8, "keys_only"),
  bool(9, "count_only"),
  int64(10, "min_mod_revision"),
  int64(11, "max_mod_revision"),
  int64(12, "min_create_revision"),
  int64(13, "max_create_revision"),
]);

/** etcdserverpb.RangeResponse. */
export const RangeResponseSchema: Schema<RangeResponse> = message("etcdserverpb.RangeResponse", [
  header,
  repeated(messageField(2, "kvs", () => KeyValueSchema)),
  bool(3, "more"),
  int64(4, "count"),
]);

/** etcdserverpb.PutRequest. */
export const PutRequestSchema: Schema<PutRequest> = message("etcdserverpb.PutRequest", [
  bytes(1, "key"),
  bytes(2, "value"),
  int64big(3, "lease"),
  bool(4, "prev_kv"),
  bool(5, "ignore_value"),
  bool(6, "ignore_lease"),
]);

/** etcdserverpb.PutResponse. */
export const PutResponseSchema: Schema<PutResponse> = message("etcdserverpb.PutResponse", [
  header,
  messageField(2, "prev_kv", () => KeyValueSchema, { nullable: true }),
]);

/** etcdserverpb.DeleteRangeRequest. */
export const DeleteRangeRequestSchema: Schema<DeleteRangeRequest> = message(
  "etcdserverpb.DeleteRangeRequest",
  [bytes(1, "key"), bytes(2, "range_end"), bool(3, "prev_kv")],
);

/** etcdserverpb.DeleteRangeResponse. */
export const DeleteRangeResponseSchema: Schema<DeleteRangeResponse> = message(
  "etcdserverpb.DeleteRangeResponse",
  [header, int64(2, "deleted"), repeated(messageField(3, "prev_kvs", () => KeyValueSchema))],
);

/** etcdserverpb.RequestOp: an op with no request is refused as etcd refuses it. */
export const RequestOpSchema: Schema<RequestOp> = message("etcdserverpb.RequestOp", [
  messageField(1, "request_range", () => RangeRequestSchema),
  messageField(2, "request_put", () => PutRequestSchema),
  messageField(3, "request_delete_range", () => DeleteRangeRequestSchema),
  messageField(4, "request_txn", () => TxnRequestSchema),
], { variant: { onEmpty: Errors.keyNotFound } });

/** etcdserverpb.ResponseOp. */
export const ResponseOpSchema: Schema<ResponseOp> = message("etcdserverpb.ResponseOp", [
  messageField(1, "response_range", () => RangeResponseSchema),
  messageField(2, "response_put", () => PutResponseSchema),
  messageField(3, "response_delete_range", () => DeleteRangeResponseSchema),
  messageField(4, "response_txn", () => TxnResponseSchema),
], { variant: { onEmpty: () => invalidArgument("etcd-ts: a ResponseOp holds no response") } });

const COMPARE_OPERAND: Readonly<Record<CompareTarget, string>> = {
  VERSION: "version",
  CREATE: "createRevision",
  MOD: "modRevision",
  VALUE: "value",
  LEASE: "lease",
};

/**
 * etcdserverpb.Compare. Its `target_union` oneof is flattened into the
 * message (see rpc.ts); on output only the operand named by `target` is
 * written, and always (etcd's clients always set it: `"version":"0"`).
 */
export const CompareSchema: Schema<Compare> = message("etcdserverpb.Compare", [
  enumField(1, "result", CompareResultEnum),
  enumField(2, "target", CompareTargetEnum),
  bytes(3, "key"),
  oneofMember(int64(4, "version")),
  oneofMember(int64(5, "create_revision")),
  oneofMember(int64(6, "mod_revision")),
  oneofMember(bytes(7, "value")),
  oneofMember(int64big(8, "lease")),
  bytes(64, "range_end"),
], { selectMember: (value) => COMPARE_OPERAND[value.target] });

/** etcdserverpb.TxnRequest. */
export const TxnRequestSchema: Schema<TxnRequest> = message("etcdserverpb.TxnRequest", [
  repeated(messageField(1, "compare", () => CompareSchema)),
  repeated(messageField(2, "success", () => RequestOpSchema)),
  repeated(messageField(3, "failure", () => RequestOpSchema)),
]);

/** etcdserverpb.TxnResponse. */
export const TxnResponseSchema: Schema<TxnResponse> = message("etcdserverpb.TxnResponse", [
  header,
  bool(2, "succeeded"),
  repeated(messageField(3, "responses", () => ResponseOpSchema)),
]);

/** etcdserverpb.CompactionRequest. */
export const CompactionRequestSchema: Schema<CompactionRequest> = message(
  "etcdserverpb.CompactionRequest",
  [int64(1, "revision"), bool(2, "physical")],
);

/** etcdserverpb.CompactionResponse. */
export const CompactionResponseSchema: Schema<CompactionResponse> = message(
  "etcdserverpb.CompactionResponse",
  [header],
);

// ---- cluster and maintenance ----------------------------------------------------

/** etcdserverpb.Member. */
export const MemberSchema: Schema<Member> = message("etcdserverpb.Member", [
  uint64big(1, "ID", { ts: "id" }),
  string(2, "name"),
  repeated(string(3, "peerURLs", { ts: "peerUrls" })),
  repeated(string(4, "clientURLs", { ts: "clientUrls" })),
  bool(5, "isLearner"),
]);

/** etcdserverpb.MemberListResponse. */
export const MemberListResponseSchema: Schema<MemberListResponse> = message(
  "etcdserverpb.MemberListResponse",
  [header, repeated(messageField(2, "members", () => MemberSchema))],
);

const members = repeated(messageField(2, "members", () => MemberSchema));
const memberId = uint64big(1, "ID", { ts: "id" });

/** etcdserverpb.MemberAddRequest. */
export const MemberAddRequestSchema: Schema<MemberAddRequest> = message(
  "etcdserverpb.MemberAddRequest",
  [repeated(string(1, "peerURLs", { ts: "peerUrls" })), bool(2, "isLearner")],
);

/** etcdserverpb.MemberAddResponse (`member` null: not set). */
export const MemberAddResponseSchema: Schema<MemberAddResponse> = message(
  "etcdserverpb.MemberAddResponse",
  [
    header,
    messageField(2, "member", () => MemberSchema, { nullable: true }),
    repeated(messageField(3, "members", () => MemberSchema)),
  ],
);

/** etcdserverpb.MemberRemoveRequest. */
export const MemberRemoveRequestSchema: Schema<MemberRemoveRequest> = message(
  "etcdserverpb.MemberRemoveRequest",
  [memberId],
);

/** etcdserverpb.MemberRemoveResponse. */
export const MemberRemoveResponseSchema: Schema<MemberRemoveResponse> = message(
  "etcdserverpb.MemberRemoveResponse",
  [header, members],
);

/** etcdserverpb.MemberUpdateRequest. */
export const MemberUpdateRequestSchema: Schema<MemberUpdateRequest> = message(
  "etcdserverpb.MemberUpdateRequest",
  [memberId, repeated(string(2, "peerURLs", { ts: "peerUrls" }))],
);

/** etcdserverpb.MemberUpdateResponse. */
export const MemberUpdateResponseSchema: Schema<MemberUpdateResponse> = message(
  "etcdserverpb.MemberUpdateResponse",
  [header, members],
);

/** etcdserverpb.MemberPromoteRequest. */
export const MemberPromoteRequestSchema: Schema<MemberPromoteRequest> = message(
  "etcdserverpb.MemberPromoteRequest",
  [memberId],
);

/** etcdserverpb.MemberPromoteResponse. */
export const MemberPromoteResponseSchema: Schema<MemberPromoteResponse> = message(
  "etcdserverpb.MemberPromoteResponse",
  [header, members],
);

/** etcdserverpb.StatusResponse. */
export const StatusResponseSchema: Schema<StatusResponse> = message(
  "etcdserverpb.StatusResponse",
  [
    header,
    string(2, "version"),
    int64(3, "dbSize"),
    uint64big(4, "leader"),
    uint64(5, "raftIndex"),
    uint64(6, "raftTerm"),
    uint64(7, "raftAppliedIndex"),
    repeated(string(8, "errors")),
    int64(9, "dbSizeInUse"),
    bool(10, "isLearner"),
  ],
);

/** etcdserverpb.HashResponse. */
export const HashResponseSchema: Schema<HashResponse> = message("etcdserverpb.HashResponse", [
  header,
  uint32(2, "hash"),
]);

/** A request message without fields (StatusRequest, HashRequest, …). */
export type EmptyRequest = Record<string, never>;

/** etcdserverpb.StatusRequest (no fields). */
export const StatusRequestSchema: Schema<EmptyRequest> = message("etcdserverpb.StatusRequest", []);
/** etcdserverpb.HashRequest (no fields). */
export const HashRequestSchema: Schema<EmptyRequest> = message("etcdserverpb.HashRequest", []);
/** etcdserverpb.MemberListRequest (no fields in etcd 3.4). */
export const MemberListRequestSchema: Schema<EmptyRequest> = message(
  "etcdserverpb.MemberListRequest",
  [],
);
/** etcdserverpb.DefragmentRequest (no fields). */
export const DefragmentRequestSchema: Schema<EmptyRequest> = message(
  "etcdserverpb.DefragmentRequest",
  [],
);

/** etcdserverpb.AlarmRequest. */
export interface AlarmRequest {
  action: "GET" | "ACTIVATE" | "DEACTIVATE";
  /** uint64; 0 = every member. */
  memberId: bigint;
  alarm: "NONE" | "NOSPACE" | "CORRUPT";
}

/** etcdserverpb.AlarmMember. */
export interface AlarmMember {
  memberId: bigint;
  alarm: "NONE" | "NOSPACE" | "CORRUPT";
}

/** etcdserverpb.AlarmResponse (etcd 3.4 sends no header: null). */
export interface AlarmResponse {
  header: ResponseHeader | null;
  alarms: AlarmMember[];
}

/** etcdserverpb.AlarmRequest. */
export const AlarmRequestSchema: Schema<AlarmRequest> = message("etcdserverpb.AlarmRequest", [
  enumField(1, "action", AlarmActionEnum),
  uint64big(2, "memberID", { ts: "memberId" }),
  enumField(3, "alarm", AlarmTypeEnum),
]);

/** etcdserverpb.AlarmMember. */
export const AlarmMemberSchema: Schema<AlarmMember> = message("etcdserverpb.AlarmMember", [
  uint64big(1, "memberID", { ts: "memberId" }),
  enumField(2, "alarm", AlarmTypeEnum),
]);

/** etcdserverpb.AlarmResponse. */
export const AlarmResponseSchema: Schema<AlarmResponse> = message("etcdserverpb.AlarmResponse", [
  messageField(1, "header", () => ResponseHeaderSchema, { nullable: true }),
  repeated(messageField(2, "alarms", () => AlarmMemberSchema)),
]);
