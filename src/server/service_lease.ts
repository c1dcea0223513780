/**
 * The lease half of the server's facade (etcd's Lease service): what the
 * gateway may ask of a member about leases. Errors are
 * {@linkcode EtcdError}s with etcd's messages, as for the rest of the facade.
 *
 * @module
 */

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

/** Options of one request: service.ts's RequestOptions (repeated here so the files do not import each other). */
interface RequestOptions {
  /** Aborted when the client goes away or the request's deadline passes. */
  readonly signal?: AbortSignal;
}

/** etcd's Lease service. */
export interface LeaseService {
  /** Grants a lease (id 0: the server picks one), through Raft. */
  leaseGrant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse>;
  /** Revokes a lease and deletes its keys in one revision, through Raft. */
  leaseRevoke(request: LeaseRevokeRequest, options?: RequestOptions): Promise<LeaseRevokeResponse>;
  /**
   * One message of the keep-alive stream: renews the lease at the leader.
   * The header is taken before the renewal; a lease that does not exist
   * answers TTL 0 (not an error), as etcd's stream does.
   */
  leaseKeepAlive(
    request: LeaseKeepAliveRequest,
    options?: RequestOptions,
  ): Promise<LeaseKeepAliveResponse>;
  /**
   * The lease's remaining TTL as the leader sees it (and its keys when
   * asked); a lease that does not exist answers TTL -1 (not an error).
   */
  leaseTimeToLive(
    request: LeaseTimeToLiveRequest,
    options?: RequestOptions,
  ): Promise<LeaseTimeToLiveResponse>;
  /** The leases this member knows. */
  leaseLeases(options?: RequestOptions): Promise<LeaseLeasesResponse>;
}
