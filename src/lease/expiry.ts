/**
 * The leader side of etcd's lessor: when each lease expires. Only the
 * primary lessor (the Raft leader's) keeps time; on every other member
 * leases never expire (etcd's `forever`). Expiry is a local decision that
 * the leader turns into a revoke through Raft.
 *
 * Time comes in as milliseconds on the caller's monotonic clock; nothing
 * here reads a clock. The times are not part of the replicated state: a new
 * leader starts every lease afresh ({@linkcode LeaseExpiry.promote}: the full
 * TTL plus an extension, so an election never makes a lease expire early).
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { leaseExpiredRetryMs, leaseRevokesPerSecondMax } from "../util/limits.ts";
import type { LeaseInfo } from "./lease_table.ts";

/** Stale heap items tolerated beyond twice the leases before a rebuild. */
const staleItemsSlack = 64;

interface Due {
  readonly id: bigint;
  /** When the lease is due for a look (stale when its due time changed since). */
  readonly at: number;
}

/** A binary min-heap of due times; items whose time is no longer current are skipped lazily. */
class DueHeap {
  readonly #items: Due[] = [];

  get size(): number {
    return this.#items.length;
  }

  clear(): void {
    this.#items.length = 0;
  }

  /** Keeps only the items `keep` accepts (a rebuild, so stale items never pile up). */
  filter(keep: (item: Due) => boolean): void {
    const kept = this.#items.filter(keep);
    this.clear();
    for (const item of kept) this.push(item);
  }

  push(item: Due): void {
    const items = this.#items;
    items.push(item);
    let i = items.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (items[parent]!.at <= item.at) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  }

  peek(): Due | undefined {
    return this.#items[0];
  }

  pop(): Due | undefined {
    const items = this.#items;
    const top = items[0];
    const last = items.pop();
    if (top === undefined || last === undefined || items.length === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= items.length) break;
      const right = left + 1;
      const child = right < items.length && items[right]!.at < items[left]!.at ? right : left;
      if (items[child]!.at >= last.at) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = last;
    return top;
  }
}

/** When leases expire, as the primary lessor sees it. */
export class LeaseExpiry {
  #primary = false;
  /** Lease id → expiry (ms on the caller's clock); only while primary. */
  readonly #expiry = new Map<bigint, number>();
  /** Lease id → when {@linkcode expired} looks at it next (its expiry, or a retry time). */
  readonly #dueAt = new Map<bigint, number>();
  readonly #due = new DueHeap();

  /** Whether this lessor is primary (the leader's, after promotion). */
  get primary(): boolean {
    return this.#primary;
  }

  /**
   * etcd's Promote: becomes primary and gives every lease its full TTL
   * plus `extendMs` from `nowMs`. With many leases, those that would expire
   * in the same second are spread out so that at most three quarters of
   * the revoke rate fall in any second (etcd's pile-up avoidance).
   */
  promote(leases: readonly LeaseInfo[], nowMs: number, extendMs: number): void {
    this.#primary = true;
    this.#clear();
    for (const lease of leases) this.#set(lease.id, nowMs + extendMs + lease.ttl * 1000);
    if (leases.length < leaseRevokesPerSecondMax) return;
    this.#spread(leases, nowMs, extendMs);
  }

  #spread(leases: readonly LeaseInfo[], nowMs: number, extendMs: number): void {
    const sorted = [...leases].sort((a, b) => this.#expiry.get(a.id)! - this.#expiry.get(b.id)!);
    const targetPerSecond = Math.floor((3 * leaseRevokesPerSecondMax) / 4);
    let baseWindow = this.#expiry.get(sorted[0]!.id)! - nowMs;
    let nextWindow = baseWindow + 1000;
    let expires = 0;
    for (const lease of sorted) {
      const remaining = this.#expiry.get(lease.id)! - nowMs;
      if (remaining > nextWindow) {
        baseWindow = remaining;
        nextWindow = baseWindow + 1000;
        expires = 1;
        continue;
      }
      expires++;
      if (expires <= targetPerSecond) continue;
      // Leases n seconds past the base window are pushed back by one second only.
      const delay = 1000 * (expires / targetPerSecond) - (remaining - baseWindow);
      nextWindow = baseWindow + delay;
      this.#set(lease.id, nowMs + delay + extendMs + lease.ttl * 1000);
    }
  }

  /** etcd's Demote: no longer primary; every lease lives forever here. */
  demote(): void {
    this.#primary = false;
    this.#clear();
  }

  #clear(): void {
    this.#expiry.clear();
    this.#dueAt.clear();
    this.#due.clear();
  }

  /** A lease was granted (applied): while primary, its clock starts now. */
  granted(lease: LeaseInfo, nowMs: number): void {
    if (this.#primary) this.#set(lease.id, nowMs + lease.ttl * 1000);
  }

  /** A lease was revoked (applied): forgotten. */
  forget(id: bigint): void {
    this.#expiry.delete(id);
    this.#dueAt.delete(id);
  }

  /**
   * etcd's Renew on the primary: the lease's clock starts again from
   * `nowMs`. Returns the TTL in seconds. Only while primary.
   */
  renew(lease: LeaseInfo, nowMs: number): number {
    assert(this.#primary, "lease expiry: renew on a lessor that is not primary");
    this.#set(lease.id, nowMs + lease.ttl * 1000);
    return lease.ttl;
  }

  /** The lease's expiry (ms), or Infinity when it has none here (not primary, or unknown). */
  expiryOf(id: bigint): number {
    return this.#expiry.get(id) ?? Infinity;
  }

  /** Milliseconds until the lease expires (negative once past), Infinity without an expiry. */
  remainingMs(id: bigint, nowMs: number): number {
    return this.expiryOf(id) - nowMs;
  }

  /** Whether the lease's expiry has passed. */
  isExpired(id: bigint, nowMs: number): boolean {
    return this.expiryOf(id) <= nowMs;
  }

  /**
   * etcd's findExpiredLeases: up to `max` leases whose expiry has passed,
   * soonest first. Each one returned is looked at again `retryMs` later
   * (it stays expired), in case its revoke does not happen: the leader lost
   * its leadership meanwhile, the proposal failed.
   */
  expired(nowMs: number, max: number, retryMs: number = leaseExpiredRetryMs): bigint[] {
    const out: bigint[] = [];
    while (out.length < max) {
      const top = this.#due.peek();
      if (top === undefined || top.at > nowMs) break;
      this.#due.pop();
      if (this.#dueAt.get(top.id) !== top.at) continue; // renewed, revoked or retried since
      out.push(top.id);
      this.#schedule(top.id, nowMs + retryMs);
    }
    return out;
  }

  /** Heap items held (current and stale), for tests of the bound. */
  get dueItems(): number {
    return this.#due.size;
  }

  #set(id: bigint, at: number): void {
    this.#expiry.set(id, at);
    this.#schedule(id, at);
  }

  #schedule(id: bigint, at: number): void {
    this.#dueAt.set(id, at);
    this.#due.push({ id, at });
    // Renewals leave stale items behind: rebuild before they outnumber the live ones.
    if (this.#due.size > 2 * this.#dueAt.size + staleItemsSlack) {
      this.#due.filter((item) => this.#dueAt.get(item.id) === item.at);
    }
  }
}
