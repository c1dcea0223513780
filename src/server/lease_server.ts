/**
 * A member's lease handling, as etcd 3.4's server does it:
 * - grant and revoke go through Raft (the lease table is in the state
 *   machine); a grant without id gets one from etcd's id generator, and a
 *   TTL below etcd's minimum (from the election timeout) is raised to it;
 * - only the leader keeps time ({@linkcode LeaseExpiry}): it is promoted
 *   when it applies the first (empty) entry of its term, giving every
 *   lease its full TTL plus an election timeout, so no lease expires early
 *   because of an election; it is demoted when it loses leadership;
 * - every tick the leader revokes expired leases through Raft, at most
 *   etcd's revoke rate and a bounded number at a time;
 * - renewals (keep-alive) and time-to-live questions are answered by the
 *   leader: a follower forwards them over the peer transport, retrying
 *   until the request timeout (etcd forwards them over its peer HTTP API).
 *
 * The clock is injected (a monotonic millisecond clock) so tests can move
 * time; the pure bookkeeping lives in src/lease.
 *
 * @module
 */

import { Errors } from "../proto/errors.ts";
import type { ResponseHeader } from "../proto/rpc.ts";
import {
  type LeaseGrantRequest,
  type LeaseGrantResponse,
  type LeaseKeepAliveRequest,
  type LeaseKeepAliveResponse,
  type LeaseLeasesResponse,
  type LeaseRevokeRequest,
  type LeaseRevokeResponse,
  type LeaseTimeToLiveRequest,
  type LeaseTimeToLiveResponse,
  MAX_LEASE_TTL_SECONDS,
} from "../proto/rpc_lease.ts";
import { LeaseExpiry, LeaseIdGenerator } from "../lease/mod.ts";
import { leaseRevokesInFlightMax, leaseRevokesPerSecondMax } from "../util/limits.ts";
import type { InternalRequest } from "./entry_codec.ts";
import type { Logger } from "./logger.ts";
import type { RequestOptions } from "./service.ts";
import type { ApplyResult, StateMachine } from "./state_machine.ts";

/** A lease request a follower forwards to the leader (sent over the peer transport). */
export type LeaseForward =
  | { readonly op: "leaseRenew"; readonly id: bigint }
  | { readonly op: "leaseTimeToLive"; readonly id: bigint; readonly keys: boolean };

/** The leader's answer to a {@linkcode LeaseForward}. */
export type LeaseForwardReply =
  | {
    readonly ok: true;
    readonly ttl: number;
    readonly grantedTtl: number;
    readonly keys: Uint8Array[];
  }
  | { readonly ok: false; readonly error: "notFound" | "notPrimary" };

/** What the lease handling needs of its member. */
export interface LeaseServerDeps {
  readonly memberId: bigint;
  /** The state machine now (it is replaced when a snapshot is installed). */
  machine(): StateMachine;
  /** The leader this member knows (0n: none). */
  leader(): bigint;
  /** A fresh request id for a proposal. */
  nextRequestId(): string;
  /** Proposes `request` through Raft and resolves once applied (rejects with its error). */
  propose(
    request: InternalRequest,
    options: RequestOptions | undefined,
  ): Promise<Extract<ApplyResult, { ok: true }>>;
  /** This member's response header at `revision`. */
  header(revision: number): ResponseHeader;
  /** Asks `peer` (the leader) a forwarded request; rejects when it cannot be reached in time. */
  askPeer(peer: bigint, request: LeaseForward, timeoutMs: number): Promise<unknown>;
  /** Throws "server stopped" once the member is stopping. */
  checkRunning(): void;
  readonly log: Logger;
}

/** How the lease handling is timed. */
export interface LeaseServerOptions {
  /** A monotonic clock in milliseconds (default performance.now). */
  readonly now?: () => number;
  /** The wall clock in Unix milliseconds, for the id generator (default Date.now). */
  readonly wallNow?: () => number;
  /** etcd's minimum TTL in seconds (see minLeaseTtlSeconds). */
  readonly minTtlSeconds: number;
  /** How much a new leader extends every lease (etcd: the election timeout). */
  readonly extendMs: number;
  /** The interval of {@linkcode LeaseServer.tick} (one heartbeat). */
  readonly tickMs: number;
  /** How long a renewal or time-to-live may wait for a leader (etcd's request timeout). */
  readonly requestTimeoutMs: number;
}

/** Pause between attempts to reach a leader that is not ready. */
const RETRY_MS = 50;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** A lease's answer as the leader sees it, or why there is none. */
type Lookup = LeaseForwardReply;

/** The lease calls of one member and its leader-side bookkeeping. */
export class LeaseServer {
  readonly #deps: LeaseServerDeps;
  readonly #options: LeaseServerOptions;
  readonly #now: () => number;
  readonly #expiry = new LeaseExpiry();
  readonly #ids: LeaseIdGenerator;
  /** Callers waiting for a lease to be revoked (or for this member to stop leading). */
  readonly #gone = new Map<bigint, Set<() => void>>();
  #leading = false;
  #revokesInFlight = 0;
  /** Fractional revokes owed to the rate limit (ticks shorter than a second). */
  #revokeBudget = 0;

  constructor(deps: LeaseServerDeps, options: LeaseServerOptions) {
    this.#deps = deps;
    this.#options = options;
    this.#now = options.now ?? (() => performance.now());
    this.#ids = new LeaseIdGenerator(deps.memberId, (options.wallNow ?? Date.now)());
  }

  /** Whether this member keeps the leases' time (it leads and has been promoted). */
  get primary(): boolean {
    return this.#expiry.primary;
  }

  // ---- the Ready loop's news ------------------------------------------------------

  /** Leadership changed: a member that no longer leads stops keeping time. */
  onLeadership(leading: boolean): void {
    this.#leading = leading;
    if (!leading && this.#expiry.primary) {
      this.#expiry.demote();
      this.#wakeAll();
    }
  }

  /**
   * An empty entry was applied: the first entry of a leader's term. If
   * this member leads, every earlier entry is applied now: it is promoted.
   */
  onEmptyEntry(): void {
    if (!this.#leading) return;
    const leases = this.#deps.machine().leases.leases();
    this.#expiry.promote(leases, this.#now(), this.#options.extendMs);
  }

  /** A request was applied: grants start their clock at the leader, revokes end it. */
  onApplied(request: InternalRequest, result: ApplyResult): void {
    if (!result.ok) return;
    if (request.kind === "leaseGrant") {
      const lease = this.#deps.machine().leases.get(request.leaseId);
      if (lease !== undefined) this.#expiry.granted(lease, this.#now());
    } else if (request.kind === "leaseRevoke") {
      this.#expiry.forget(request.leaseId);
      this.#wake(request.leaseId);
    }
  }

  /** Called every heartbeat: the leader revokes the leases that expired. */
  tick(): void {
    if (!this.#expiry.primary) return;
    const perTick = (leaseRevokesPerSecondMax * this.#options.tickMs) / 1000;
    this.#revokeBudget = Math.min(this.#revokeBudget + perTick, leaseRevokesPerSecondMax);
    const room = Math.min(
      Math.floor(this.#revokeBudget),
      leaseRevokesInFlightMax - this.#revokesInFlight,
    );
    if (room <= 0) return;
    const expired = this.#expiry.expired(this.#now(), room);
    this.#revokeBudget -= expired.length;
    for (const id of expired) this.#revokeExpired(id);
  }

  #revokeExpired(id: bigint): void {
    this.#revokesInFlight++;
    const request: InternalRequest = {
      kind: "leaseRevoke",
      id: this.#deps.nextRequestId(),
      leaseId: id,
    };
    this.#deps.propose(request, undefined).then(
      () => {},
      (error) =>
        this.#deps.log.warn("failed to revoke lease", {
          "lease-id": id.toString(16),
          error: error instanceof Error ? error.message : String(error),
        }),
    ).finally(() => this.#revokesInFlight--);
  }

  /** The member stops: nobody waits for a revoke any more. */
  stop(): void {
    this.#wakeAll();
  }

  // ---- the calls ------------------------------------------------------------------

  /** etcd's LeaseGrant: an id when none is given, the TTL raised to the minimum, through Raft. */
  async grant(request: LeaseGrantRequest, options?: RequestOptions): Promise<LeaseGrantResponse> {
    let leaseId = request.id;
    while (leaseId === 0n) leaseId = this.#ids.next();
    // A TTL over the maximum is refused at apply, before the minimum is applied (as etcd).
    const ttl = request.ttl > MAX_LEASE_TTL_SECONDS
      ? request.ttl
      : Math.max(request.ttl, this.#options.minTtlSeconds);
    const applied = await this.#deps.propose(
      { kind: "leaseGrant", id: this.#deps.nextRequestId(), leaseId, ttl },
      options,
    );
    return {
      ...(applied.response as LeaseGrantResponse),
      header: this.#deps.header(applied.revision),
    };
  }

  /** etcd's LeaseRevoke, through Raft. */
  async revoke(
    request: LeaseRevokeRequest,
    options?: RequestOptions,
  ): Promise<LeaseRevokeResponse> {
    const applied = await this.#deps.propose(
      { kind: "leaseRevoke", id: this.#deps.nextRequestId(), leaseId: request.id },
      options,
    );
    return { header: this.#deps.header(applied.revision) };
  }

  /** One keep-alive: the header is taken first; a lease that does not exist answers TTL 0. */
  async keepAlive(request: LeaseKeepAliveRequest): Promise<LeaseKeepAliveResponse> {
    this.#deps.checkRunning();
    const header = this.#deps.header(this.#deps.machine().kv.currentRevision);
    const answer = await this.#atLeader({ op: "leaseRenew", id: request.id });
    return { header, id: request.id, ttl: answer.ok ? answer.ttl : 0 };
  }

  /** etcd's LeaseTimeToLive: a lease that does not exist answers TTL -1. */
  async timeToLive(request: LeaseTimeToLiveRequest): Promise<LeaseTimeToLiveResponse> {
    this.#deps.checkRunning();
    const answer = await this.#atLeader({
      op: "leaseTimeToLive",
      id: request.id,
      keys: request.keys,
    });
    const header = this.#deps.header(this.#deps.machine().kv.currentRevision);
    if (!answer.ok) return { header, id: request.id, ttl: -1, grantedTtl: 0, keys: [] };
    return {
      header,
      id: request.id,
      ttl: answer.ttl,
      grantedTtl: answer.grantedTtl,
      keys: answer.keys,
    };
  }

  /** etcd's LeaseLeases: the leases this member knows, soonest expiry first at the leader. */
  leases(): Promise<LeaseLeasesResponse> {
    const machine = this.#deps.machine();
    const leases = machine.leases.leases()
      .map((lease, order) => ({ id: lease.id, at: this.#expiry.expiryOf(lease.id), order }))
      .sort((a, b) => (a.at === b.at ? a.order - b.order : a.at < b.at ? -1 : 1))
      .map(({ id }) => ({ id }));
    return Promise.resolve({ header: this.#deps.header(machine.kv.currentRevision), leases });
  }

  /** A follower's forwarded request, answered here if this member is the primary lessor. */
  async answerForward(request: LeaseForward): Promise<LeaseForwardReply> {
    if (!this.#expiry.primary) return { ok: false, error: "notPrimary" };
    return await this.#lookup(request, this.#now() + this.#options.requestTimeoutMs);
  }

  // ---- at the leader --------------------------------------------------------------

  /**
   * etcd's LeaseRenew / LeaseTimeToLive: answered by this member when it is
   * the primary lessor, else by the leader over the peer transport; retried
   * (no leader yet, a leader not yet promoted, a lost connection) until the
   * request timeout, which fails with "request timed out".
   */
  async #atLeader(request: LeaseForward): Promise<LeaseForwardReply> {
    const deadline = this.#now() + this.#options.requestTimeoutMs;
    for (;;) {
      this.#deps.checkRunning();
      const left = deadline - this.#now();
      if (left <= 0) throw Errors.timeout();
      const leader = this.#deps.leader();
      let answer: LeaseForwardReply | null = null;
      if (leader === this.#deps.memberId) {
        if (this.#expiry.primary) answer = await this.#lookup(request, deadline);
      } else if (leader !== 0n) {
        answer = await this.#ask(leader, request, left);
      }
      if (answer !== null && !(!answer.ok && answer.error === "notPrimary")) return answer;
      await sleep(Math.min(RETRY_MS, Math.max(1, left)));
    }
  }

  async #ask(
    leader: bigint,
    request: LeaseForward,
    timeoutMs: number,
  ): Promise<LeaseForwardReply | null> {
    try {
      return checkReply(await this.#deps.askPeer(leader, request, timeoutMs));
    } catch (error) {
      this.#deps.log.debug("failed to forward a lease request to the leader", {
        "leader-id": leader.toString(16),
        error: error instanceof Error ? error.message : String(error),
      });
      return null;
    }
  }

  /** The primary's answer; an expired lease not yet revoked is waited for (then it is gone). */
  async #lookup(request: LeaseForward, deadline: number): Promise<Lookup> {
    const now = this.#now();
    const lease = this.#deps.machine().leases.get(request.id);
    if (lease === undefined) return { ok: false, error: "notFound" };
    if (request.op === "leaseRenew") {
      if (this.#expiry.isExpired(request.id, now)) {
        return await this.#afterRevoke(request.id, deadline);
      }
      const ttl = this.#expiry.renew(lease, now);
      return { ok: true, ttl, grantedTtl: lease.ttl, keys: [] };
    }
    // Go's int64(Remaining().Seconds()): truncated toward zero.
    const ttl = Math.trunc(this.#expiry.remainingMs(request.id, now) / 1000) || 0;
    const keys = request.keys ? this.#deps.machine().leases.keys(request.id) : [];
    return { ok: true, ttl, grantedTtl: lease.ttl, keys };
  }

  /**
   * etcd's Renew of an expired lease: waits until its revoke is applied
   * (then "not found"), or until this member stops leading ("not primary":
   * the caller asks the new leader), or the deadline.
   */
  async #afterRevoke(id: bigint, deadline: number): Promise<Lookup> {
    await new Promise<void>((resolve) => {
      const waiters = this.#gone.get(id) ?? new Set();
      const done = () => {
        clearTimeout(timer);
        waiters.delete(done);
        if (waiters.size === 0 && this.#gone.get(id) === waiters) this.#gone.delete(id);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, deadline - this.#now()));
      waiters.add(done);
      this.#gone.set(id, waiters);
    });
    if (!this.#expiry.primary) return { ok: false, error: "notPrimary" };
    if (this.#deps.machine().leases.has(id)) throw Errors.timeout();
    return { ok: false, error: "notFound" };
  }

  #wake(id: bigint): void {
    const waiters = this.#gone.get(id);
    if (waiters === undefined) return;
    for (const done of [...waiters]) done();
  }

  #wakeAll(): void {
    for (const id of [...this.#gone.keys()]) this.#wake(id);
  }
}

/** A forwarded request's answer as it came over the wire, checked. */
function checkReply(value: unknown): LeaseForwardReply {
  const reply = value as Record<string, unknown> | null;
  if (typeof reply !== "object" || reply === null) throw new Error("malformed lease reply");
  if (reply.ok === false && (reply.error === "notFound" || reply.error === "notPrimary")) {
    return { ok: false, error: reply.error };
  }
  const keys = Array.isArray(reply.keys) ? reply.keys : [];
  if (
    reply.ok !== true || typeof reply.ttl !== "number" || typeof reply.grantedTtl !== "number" ||
    !keys.every((key) => key instanceof Uint8Array)
  ) {
    throw new Error("malformed lease reply");
  }
  const plain = keys.map((key: Uint8Array) =>
    new Uint8Array(key.buffer, key.byteOffset, key.byteLength)
  );
  return { ok: true, ttl: reply.ttl, grantedTtl: reply.grantedTtl, keys: plain };
}

/** Whether `value` is a lease request forwarded by a follower. */
export function isLeaseForward(value: unknown): value is LeaseForward {
  const request = value as Record<string, unknown> | null;
  if (typeof request !== "object" || request === null || typeof request.id !== "bigint") {
    return false;
  }
  if (request.op === "leaseRenew") return true;
  return request.op === "leaseTimeToLive" && typeof request.keys === "boolean";
}
