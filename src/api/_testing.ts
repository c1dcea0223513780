/**
 * Test helpers of the gateway: a scripted {@linkcode EtcdService} that
 * records every call and answers with whatever `answer` returns (or
 * throws), and request builders.
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
} from "../proto/mod.ts";
import type {
  LeaseGrantRequest,
  LeaseGrantResponse,
  LeaseKeepAliveRequest,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeRequest,
  LeaseRevokeResponse,
  LeaseTimeToLiveRequest,
  LeaseTimeToLiveResponse,
} from "../proto/rpc_lease.ts";
import type { EtcdService, RequestOptions } from "../server/service.ts";

/** One call the fake received. */
export interface FakeCall {
  readonly method: string;
  readonly request: unknown;
  readonly options: RequestOptions | undefined;
}

/** What the fake answers a call with (a value, a promise, or a throw). */
export type FakeAnswer = (method: string, request: unknown) => unknown;

/** Answers every call with "unexpected call" (a plain Error: the gateway's 500). */
export const UNEXPECTED: FakeAnswer = (method) => {
  throw new Error(`fake service: unexpected call of ${method}`);
};

/** A scripted service recording its calls. */
export class FakeService implements EtcdService {
  readonly requestBytesMax: number;
  readonly calls: FakeCall[] = [];
  answer: FakeAnswer = UNEXPECTED;
  healthy: boolean | (() => Promise<boolean>) = true;

  constructor(requestBytesMax = 1.5 * 1024 * 1024) {
    this.requestBytesMax = requestBytesMax;
  }

  #call<T>(method: string, request: unknown, options: RequestOptions | undefined): Promise<T> {
    this.calls.push({ method, request, options });
    try {
      return Promise.resolve(this.answer(method, request) as T);
    } catch (error) {
      return Promise.reject(error);
    }
  }

  range(request: RangeRequest, options?: RequestOptions): Promise<RangeResponse> {
    return this.#call("range", request, options);
  }
  put(request: PutRequest, options?: RequestOptions): Promise<PutResponse> {
    return this.#call("put", request, options);
  }
  deleteRange(request: DeleteRangeRequest, options?: RequestOptions): Promise<DeleteRangeResponse> {
    return this.#call("deleteRange", request, options);
  }
  txn(request: TxnRequest, options?: RequestOptions): Promise<TxnResponse> {
    return this.#call("txn", request, options);
  }
  compact(request: CompactionRequest, options?: RequestOptions): Promise<CompactionResponse> {
    return this.#call("compact", request, options);
  }
  status(options?: RequestOptions): Promise<StatusResponse> {
    return this.#call("status", undefined, options);
  }
  memberList(options?: RequestOptions): Promise<MemberListResponse> {
    return this.#call("memberList", undefined, options);
  }
  memberAdd(request: MemberAddRequest, options?: RequestOptions): Promise<MemberAddResponse> {
    return this.#call("memberAdd", request, options);
  }
  memberRemove(
    request: MemberRemoveRequest,
    options?: RequestOptions,
  ): Promise<MemberRemoveResponse> {
    return this.#call("memberRemove", request, options);
  }
  memberUpdate(
    request: MemberUpdateRequest,
    options?: RequestOptions,
  ): Promise<MemberUpdateResponse> {
    return this.#call("memberUpdate", request, options);
  }
  memberPromote(
    request: MemberPromoteRequest,
    options?: RequestOptions,
  ): Promise<MemberPromoteResponse> {
    return this.#call("memberPromote", request, options);
  }
  hash(options?: RequestOptions): Promise<HashResponse> {
    return this.#call("hash", undefined, options);
  }
  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    return this.#call("leaseGrant", request, options);
  }
  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<LeaseRevokeResponse> {
    return this.#call("leaseRevoke", request, options);
  }
  leaseKeepAlive(
    request: LeaseKeepAliveRequest,
    options?: RequestOptions,
  ): Promise<LeaseKeepAliveResponse> {
    return this.#call("leaseKeepAlive", request, options);
  }
  leaseTimeToLive(
    request: LeaseTimeToLiveRequest,
    options?: RequestOptions,
  ): Promise<LeaseTimeToLiveResponse> {
    return this.#call("leaseTimeToLive", request, options);
  }
  leaseLeases(options?: RequestOptions): Promise<LeaseLeasesResponse> {
    return this.#call("leaseLeases", undefined, options);
  }
  health(options?: RequestOptions): Promise<boolean> {
    this.calls.push({ method: "health", request: undefined, options });
    return typeof this.healthy === "boolean" ? Promise.resolve(this.healthy) : this.healthy();
  }
}

/** A POST of `body` to `path` on a local client port. */
export function post(path: string, body: string | Uint8Array<ArrayBuffer>): Request {
  return new Request("http://127.0.0.1:2379" + path, { method: "POST", body });
}

/** The bytes of a string holding one byte per char (char codes 0-255). */
export function latin1Bytes(text: string): Uint8Array<ArrayBuffer> {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}
