/**
 * TypeScript shapes of etcd's v3 API messages (etcdserverpb, mvccpb), as
 * the server, the HTTP/JSON gateway, the client and the CLI exchange them.
 *
 * Conventions (ARCHITECTURE "Numbers and bytes"):
 * - keys, values and range ends are `Uint8Array` (an empty array is proto's
 *   empty bytes);
 * - revisions, versions, counts, limits, raft index and term are JS numbers
 *   (safe integers);
 * - 64-bit ids (cluster, member, lease) are `bigint`: lease ids are signed
 *   int64, cluster and member ids unsigned uint64;
 * - every field is present: proto3's zero value stands for "not set", as on
 *   etcd's wire. The JSON codec omits zero values on output.
 *
 * Field names are the camelCase forms of the proto names; the JSON codec maps
 * them to etcd's JSON names (`create_revision`, `ID`, `peerURLs`, …).
 *
 * @module
 */

/** mvccpb.KeyValue. */
export interface KeyValue {
  key: Uint8Array;
  createRevision: number;
  modRevision: number;
  version: number;
  value: Uint8Array;
  /** int64; 0 = no lease. */
  lease: bigint;
}

/** etcdserverpb.ResponseHeader. */
export interface ResponseHeader {
  /** uint64 */
  clusterId: bigint;
  /** uint64: the member that answered. */
  memberId: bigint;
  revision: number;
  raftTerm: number;
}

export type SortOrder = "NONE" | "ASCEND" | "DESCEND";
export type SortTarget = "KEY" | "VERSION" | "CREATE" | "MOD" | "VALUE";

/** etcdserverpb.RangeRequest. */
export interface RangeRequest {
  key: Uint8Array;
  /** Empty = the single key; `[0]` = every key ≥ key; otherwise `[key, rangeEnd)`. */
  rangeEnd: Uint8Array;
  /** 0 = no limit. */
  limit: number;
  /** 0 = the current revision. */
  revision: number;
  sortOrder: SortOrder;
  sortTarget: SortTarget;
  serializable: boolean;
  keysOnly: boolean;
  countOnly: boolean;
  minModRevision: number;
  maxModRevision: number;
  minCreateRevision: number;
  maxCreateRevision: number;
}

/** etcdserverpb.RangeResponse. */
export interface RangeResponse {
  header: ResponseHeader;
  kvs: KeyValue[];
  more: boolean;
  count: number;
}

/** etcdserverpb.PutRequest. */
export interface PutRequest {
  key: Uint8Array;
  value: Uint8Array;
  /** int64; 0 = no lease. */
  lease: bigint;
  prevKv: boolean;
  ignoreValue: boolean;
  ignoreLease: boolean;
}

/** etcdserverpb.PutResponse. */
export interface PutResponse {
  header: ResponseHeader;
  prevKv: KeyValue | null;
}

/** etcdserverpb.DeleteRangeRequest. */
export interface DeleteRangeRequest {
  key: Uint8Array;
  rangeEnd: Uint8Array;
  prevKv: boolean;
}

/** etcdserverpb.DeleteRangeResponse. */
export interface DeleteRangeResponse {
  header: ResponseHeader;
  deleted: number;
  prevKvs: KeyValue[];
}

/** etcdserverpb.RequestOp: exactly one request. */
export type RequestOp =
  | { readonly requestRange: RangeRequest }
  | { readonly requestPut: PutRequest }
  | { readonly requestDeleteRange: DeleteRangeRequest }
  | { readonly requestTxn: TxnRequest };

/** etcdserverpb.ResponseOp: exactly one response. */
export type ResponseOp =
  | { readonly responseRange: RangeResponse }
  | { readonly responsePut: PutResponse }
  | { readonly responseDeleteRange: DeleteRangeResponse }
  | { readonly responseTxn: TxnResponse };

export type CompareResult = "EQUAL" | "GREATER" | "LESS" | "NOT_EQUAL";
export type CompareTarget = "VERSION" | "CREATE" | "MOD" | "VALUE" | "LEASE";

/**
 * etcdserverpb.Compare. The proto's `target_union` oneof is flattened: the
 * field named by `target` is the operand (`version` for VERSION,
 * `createRevision` for CREATE, `modRevision` for MOD, `value` for VALUE,
 * `lease` for LEASE); the others are zero.
 */
export interface Compare {
  result: CompareResult;
  target: CompareTarget;
  key: Uint8Array;
  rangeEnd: Uint8Array;
  version: number;
  createRevision: number;
  modRevision: number;
  value: Uint8Array;
  lease: bigint;
}

/** etcdserverpb.TxnRequest. */
export interface TxnRequest {
  compare: Compare[];
  success: RequestOp[];
  failure: RequestOp[];
}

/** etcdserverpb.TxnResponse. */
export interface TxnResponse {
  header: ResponseHeader;
  succeeded: boolean;
  responses: ResponseOp[];
}

/** etcdserverpb.CompactionRequest. */
export interface CompactionRequest {
  revision: number;
  physical: boolean;
}

/** etcdserverpb.CompactionResponse. */
export interface CompactionResponse {
  header: ResponseHeader;
}

/** etcdserverpb.StatusResponse. */
export interface StatusResponse {
  header: ResponseHeader;
  version: string;
  dbSize: number;
  /** uint64 member id of the leader; 0 = none known. */
  leader: bigint;
  raftIndex: number;
  raftTerm: number;
  raftAppliedIndex: number;
  errors: string[];
  dbSizeInUse: number;
  isLearner: boolean;
}

/** etcdserverpb.Member. */
export interface Member {
  /** uint64 */
  id: bigint;
  name: string;
  peerUrls: string[];
  clientUrls: string[];
  isLearner: boolean;
}

/** etcdserverpb.MemberListResponse. */
export interface MemberListResponse {
  header: ResponseHeader;
  members: Member[];
}

/** etcdserverpb.HashResponse. */
export interface HashResponse {
  header: ResponseHeader;
  /** uint32 */
  hash: number;
}

/** A zero-valued response header. */
export function emptyHeader(): ResponseHeader {
  return { clusterId: 0n, memberId: 0n, revision: 0, raftTerm: 0 };
}

const EMPTY_BYTES = new Uint8Array(0);

/** A RangeRequest with every field at its zero value except those given. */
export function rangeRequest(fields: Partial<RangeRequest> = {}): RangeRequest {
  return {
    key: EMPTY_BYTES,
    rangeEnd: EMPTY_BYTES,
    limit: 0,
    revision: 0,
    sortOrder: "NONE",
    sortTarget: "KEY",
    serializable: false,
    keysOnly: false,
    countOnly: false,
    minModRevision: 0,
    maxModRevision: 0,
    minCreateRevision: 0,
    maxCreateRevision: 0,
    ...fields,
  };
}

/** A PutRequest with every field at its zero value except those given. */
export function putRequest(fields: Partial<PutRequest> = {}): PutRequest {
  return {
    key: EMPTY_BYTES,
    value: EMPTY_BYTES,
    lease: 0n,
    prevKv: false,
    ignoreValue: false,
    ignoreLease: false,
    ...fields,
  };
}

/** A DeleteRangeRequest with every field at its zero value except those given. */
export function deleteRangeRequest(fields: Partial<DeleteRangeRequest> = {}): DeleteRangeRequest {
  return { key: EMPTY_BYTES, rangeEnd: EMPTY_BYTES, prevKv: false, ...fields };
}

/** A Compare with every field at its zero value except those given. */
export function compare(fields: Partial<Compare> = {}): Compare {
  return {
    result: "EQUAL",
    target: "VERSION",
    key: EMPTY_BYTES,
    rangeEnd: EMPTY_BYTES,
    version: 0,
    createRevision: 0,
    modRevision: 0,
    value: EMPTY_BYTES,
    lease: 0n,
    ...fields,
  };
}

/** A TxnRequest with every field at its zero value except those given. */
export function txnRequest(fields: Partial<TxnRequest> = {}): TxnRequest {
  return { compare: [], success: [], failure: [], ...fields };
}

export type EventType = "PUT" | "DELETE";

/** mvccpb.Event: one change at one revision. */
export interface Event {
  type: EventType;
  /** For DELETE: the key with modRevision = the deleting revision, other fields zero. */
  kv: KeyValue;
  prevKv: KeyValue | null;
}

/** etcdserverpb.MemberAddRequest. */
export interface MemberAddRequest {
  peerUrls: string[];
  isLearner: boolean;
}

/** etcdserverpb.MemberAddResponse. */
export interface MemberAddResponse {
  header: ResponseHeader;
  /** The member added (its client URLs are empty until it publishes them). */
  member: Member | null;
  /** Every member after the change. */
  members: Member[];
}

/** etcdserverpb.MemberRemoveRequest. */
export interface MemberRemoveRequest {
  /** uint64 */
  id: bigint;
}

/** etcdserverpb.MemberRemoveResponse. */
export interface MemberRemoveResponse {
  header: ResponseHeader;
  members: Member[];
}

/** etcdserverpb.MemberUpdateRequest. */
export interface MemberUpdateRequest {
  /** uint64 */
  id: bigint;
  peerUrls: string[];
}

/** etcdserverpb.MemberUpdateResponse. */
export interface MemberUpdateResponse {
  header: ResponseHeader;
  members: Member[];
}

/** etcdserverpb.MemberPromoteRequest. */
export interface MemberPromoteRequest {
  /** uint64 */
  id: bigint;
}

/** etcdserverpb.MemberPromoteResponse. */
export interface MemberPromoteResponse {
  header: ResponseHeader;
  members: Member[];
}
