/**
 * etcd's Lease service over the gateway, on an {@linkcode EtcdClient}:
 * grant, revoke, time-to-live, list, one keep-alive, and a keep-alive loop
 * as etcd's clientv3 runs it (renew every TTL/3; the lease counts as gone
 * when the server answers TTL 0, or when no answer came before it would
 * have expired).
 *
 * ```ts
 * const leases = new LeaseClient(client);
 * const { id } = await leases.grant(60);
 * await client.put(putRequest({ key, value, lease: id }));
 * ```
 *
 * @module
 */

import { EtcdError, GrpcCode } from "../proto/errors.ts";
import { fromJson, toJson } from "../proto/json.ts";
import { int32, message, messageField, type Schema, string } from "../proto/json_schema.ts";
import {
  LeaseGrantRequestSchema,
  LeaseGrantResponseSchema,
  LeaseKeepAliveRequestSchema,
  LeaseKeepAliveResponseSchema,
  LeaseLeasesResponseSchema,
  LeaseRevokeRequestSchema,
  LeaseRevokeResponseSchema,
  LeaseTimeToLiveRequestSchema,
  LeaseTimeToLiveResponseSchema,
} from "../proto/json_schemas_lease.ts";
import type {
  LeaseGrantResponse,
  LeaseKeepAliveResponse,
  LeaseLeasesResponse,
  LeaseRevokeResponse,
  LeaseTimeToLiveResponse,
} from "../proto/rpc_lease.ts";
import type { CallOptions, EtcdClient } from "./client.ts";

/** How {@linkcode LeaseClient.keepAlive} runs. */
export interface KeepAliveOptions {
  /** Stops the loop (it then returns "stopped"). */
  readonly signal?: AbortSignal;
  /** How long the first answer may take before the lease counts as gone (clientv3: dial timeout + 1 s). */
  readonly firstTimeoutMs?: number;
  /** Wait after a failed attempt before the next (clientv3: 500 ms). */
  readonly retryMs?: number;
}

/** Why a keep-alive loop ended. */
export type KeepAliveEnd = "expired" | "stopped";

const FIRST_TIMEOUT_MS_DEFAULT = 3000;
const RETRY_MS_DEFAULT = 500;

/** Sleeps `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, Math.max(0, ms));
    signal?.addEventListener("abort", done, { once: true });
  });
}

/** grpc-gateway's stream error (`internal.StreamError`). */
interface StreamErrorBody {
  grpcCode: number;
  httpCode: number;
  message: string;
  httpStatus: string;
}

/** One message of a streamed keep-alive answer: a result or an error. */
interface KeepAliveChunk {
  result: LeaseKeepAliveResponse | null;
  error: StreamErrorBody | null;
}

const StreamErrorSchema: Schema<StreamErrorBody> = message("grpc.gateway.runtime.StreamError", [
  int32(1, "grpc_code"),
  int32(2, "http_code"),
  string(3, "message"),
  string(4, "http_status"),
]);

const KeepAliveChunkSchema: Schema<KeepAliveChunk> = message("KeepAliveChunk", [
  messageField(1, "result", () => LeaseKeepAliveResponseSchema, { nullable: true }),
  messageField(2, "error", () => StreamErrorSchema, { nullable: true }),
]);

/** The first message of a streamed answer: its result, or the error it ends with (int64s never through a double). */
function firstResult(text: string): LeaseKeepAliveResponse {
  const chunk = fromJson(KeepAliveChunkSchema, text.split("\n", 1)[0]!);
  if (chunk.error !== null) {
    const code = chunk.error.grpcCode;
    throw new EtcdError(chunk.error.message, (code >= 0 && code <= 16 ? code : 2) as GrpcCode);
  }
  if (chunk.result === null) {
    throw new EtcdError("etcdclient: no keep-alive answer", GrpcCode.Unknown);
  }
  return chunk.result;
}

/** The Lease calls of one client. */
export class LeaseClient {
  readonly #client: EtcdClient;

  constructor(client: EtcdClient) {
    this.#client = client;
  }

  /** Lease.LeaseGrant: `ttl` seconds, `id` 0 lets the server pick. */
  async grant(ttl: number, id = 0n, opts?: CallOptions): Promise<LeaseGrantResponse> {
    const body = toJson(LeaseGrantRequestSchema, { ttl, id });
    const text = await this.#client.call("/v3/lease/grant", body, false, opts);
    return fromJson(LeaseGrantResponseSchema, text);
  }

  /** Lease.LeaseRevoke (its keys are deleted in one revision). */
  async revoke(id: bigint, opts?: CallOptions): Promise<LeaseRevokeResponse> {
    const body = toJson(LeaseRevokeRequestSchema, { id });
    const text = await this.#client.call("/v3/lease/revoke", body, false, opts);
    return fromJson(LeaseRevokeResponseSchema, text);
  }

  /** Lease.LeaseTimeToLive (TTL -1: the lease does not exist). */
  async timeToLive(id: bigint, keys = false, opts?: CallOptions): Promise<LeaseTimeToLiveResponse> {
    const body = toJson(LeaseTimeToLiveRequestSchema, { id, keys });
    const text = await this.#client.call("/v3/lease/timetolive", body, true, opts);
    return fromJson(LeaseTimeToLiveResponseSchema, text);
  }

  /** Lease.LeaseLeases. */
  async leases(opts?: CallOptions): Promise<LeaseLeasesResponse> {
    const text = await this.#client.call("/v3/lease/leases", "{}", true, opts);
    return fromJson(LeaseLeasesResponseSchema, text);
  }

  /** One message of Lease.LeaseKeepAlive (TTL 0: the lease does not exist). */
  async keepAliveOnce(id: bigint, opts?: CallOptions): Promise<LeaseKeepAliveResponse> {
    const body = toJson(LeaseKeepAliveRequestSchema, { id });
    const text = await this.#client.call("/v3/lease/keepalive", body, true, opts);
    return firstResult(text);
  }

  /**
   * Keeps the lease alive until it is gone or `options.signal` aborts:
   * renews at once and then every TTL/3, calling `onRenewed` with each
   * answer. Failed attempts are retried; the loop ends "expired" when the
   * server says the lease does not exist, or when no renewal succeeded
   * within the last TTL (the first: `firstTimeoutMs`).
   */
  async keepAlive(
    id: bigint,
    onRenewed: (response: LeaseKeepAliveResponse) => void,
    options: KeepAliveOptions = {},
  ): Promise<KeepAliveEnd> {
    const { signal } = options;
    let deadline = performance.now() + (options.firstTimeoutMs ?? FIRST_TIMEOUT_MS_DEFAULT);
    while (!signal?.aborted) {
      const left = deadline - performance.now();
      if (left <= 0) return "expired";
      let response: LeaseKeepAliveResponse;
      try {
        response = await this.keepAliveOnce(id, { timeoutMs: left, ...(signal ? { signal } : {}) });
      } catch {
        await sleep(options.retryMs ?? RETRY_MS_DEFAULT, signal);
        continue;
      }
      if (response.ttl <= 0) return "expired";
      onRenewed(response);
      deadline = performance.now() + response.ttl * 1000;
      await sleep((response.ttl * 1000) / 3, signal);
    }
    return "stopped";
  }
}
