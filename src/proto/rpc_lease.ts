/**
 * TypeScript shapes of etcd's Lease service messages (etcdserverpb
 * `LeaseGrant`, `LeaseRevoke`, `LeaseKeepAlive`, `LeaseTimeToLive`,
 * `LeaseLeases`). Lease ids are int64 held as `bigint` (etcd's generated
 * ids are about 2^62: never through a JS number); TTLs are seconds as JS
 * numbers (at most etcd's MaxLeaseTTL, 9 000 000 000, a safe integer).
 *
 * @module
 */

import type { ResponseHeader } from "./rpc.ts";

/** etcdserverpb.LeaseGrantRequest. */
export interface LeaseGrantRequest {
  /** Seconds. */
  ttl: number;
  /** int64; 0 = the server picks one. */
  id: bigint;
}

/** etcdserverpb.LeaseGrantResponse. */
export interface LeaseGrantResponse {
  header: ResponseHeader;
  id: bigint;
  /** The TTL granted (raised to the server's minimum). */
  ttl: number;
  error: string;
}

/** etcdserverpb.LeaseRevokeRequest. */
export interface LeaseRevokeRequest {
  id: bigint;
}

/** etcdserverpb.LeaseRevokeResponse. */
export interface LeaseRevokeResponse {
  header: ResponseHeader;
}

/** etcdserverpb.LeaseKeepAliveRequest. */
export interface LeaseKeepAliveRequest {
  id: bigint;
}

/** etcdserverpb.LeaseKeepAliveResponse (`ttl` 0: the lease does not exist). */
export interface LeaseKeepAliveResponse {
  header: ResponseHeader;
  id: bigint;
  ttl: number;
}

/** etcdserverpb.LeaseTimeToLiveRequest. */
export interface LeaseTimeToLiveRequest {
  id: bigint;
  /** Also list the keys attached to the lease. */
  keys: boolean;
}

/** etcdserverpb.LeaseTimeToLiveResponse (`ttl` -1: the lease does not exist). */
export interface LeaseTimeToLiveResponse {
  header: ResponseHeader;
  id: bigint;
  /** Seconds left (truncated). */
  ttl: number;
  /** The TTL the lease was granted with. */
  grantedTtl: number;
  keys: Uint8Array[];
}

/** etcdserverpb.LeaseLeasesRequest (no fields). */
export type LeaseLeasesRequest = Record<string, never>;

/** etcdserverpb.LeaseStatus. */
export interface LeaseStatus {
  id: bigint;
}

/** etcdserverpb.LeaseLeasesResponse. */
export interface LeaseLeasesResponse {
  header: ResponseHeader;
  leases: LeaseStatus[];
}

/** etcd's `lease.MaxLeaseTTL`: a longer TTL is refused with "too large lease TTL". */
export const MAX_LEASE_TTL_SECONDS = 9_000_000_000;
