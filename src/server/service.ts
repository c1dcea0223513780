/**
 * The server's facade: what the HTTP/JSON gateway (`src/api`) may ask of a
 * member. Every method resolves with etcd's response or rejects with an
 * {@linkcode EtcdError} carrying etcd's message and code; any other
 * rejection is a bug (the gateway answers 500).
 *
 * Writes resolve only after they are committed, durable on this member and
 * applied. Linearizable reads (`serializable: false`) are ordered after
 * every write acknowledged before they began.
 *
 * @module
 */

import type {
  CompactionRequest,
  CompactionResponse,
  DeleteRangeRequest,
  DeleteRangeResponse,
  HashResponse,
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
  StatusResponse,
  TxnRequest,
  TxnResponse,
} from "../proto/rpc.ts";
import type { LeaseService } from "./service_lease.ts";
import type { WatchService } from "./watch_service.ts";

/** Options of one request (deadlines, cancellation). */
export interface RequestOptions {
  /** Aborted when the client goes away or the request's deadline passes. */
  readonly signal?: AbortSignal;
}

/** What the gateway may ask of a member (the lease calls: service_lease.ts). */
export interface EtcdService extends LeaseService {
  range(request: RangeRequest, options?: RequestOptions): Promise<RangeResponse>;
  put(request: PutRequest, options?: RequestOptions): Promise<PutResponse>;
  deleteRange(request: DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse>;
  txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse>;
  compact(request: CompactionRequest, options?: RequestOptions): Promise<CompactionResponse>;
  status(options?: RequestOptions): Promise<StatusResponse>;
  memberList(options?: RequestOptions): Promise<MemberListResponse>;
  memberAdd(request: MemberAddRequest, options?: RequestOptions): Promise<MemberAddResponse>;
  memberRemove(
    request: MemberRemoveRequest,
    options?: RequestOptions,
  ): Promise<MemberRemoveResponse>;
  memberUpdate(
    request: MemberUpdateRequest,
    options?: RequestOptions,
  ): Promise<MemberUpdateResponse>;
  memberPromote(
    request: MemberPromoteRequest,
    options?: RequestOptions,
  ): Promise<MemberPromoteResponse>;
  hash(options?: RequestOptions): Promise<HashResponse>;
  /**
   * etcd's `/health` check: true when the member knows a leader, has no
   * alarm and a linearizable read completes within the deadline.
   */
  health(options?: RequestOptions): Promise<boolean>;
  /**
   * `--max-request-bytes`. The gateway holds bodies to etcd's gRPC limit
   * (this plus gRPC's overhead); the server refuses an encoded request above
   * it with "etcdserver: request is too large", after validation, as etcd.
   */
  readonly requestBytesMax: number;
  /** etcd's Watch service (`/v3/watch`); absent in servers without one. */
  readonly watch?: WatchService;
}
