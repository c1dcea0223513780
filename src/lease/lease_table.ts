/**
 * The apply side of etcd's lessor: the leases that exist (id and granted
 * TTL) and the keys attached to each. Every member holds the same table,
 * changed only by applied entries (grant, revoke) and by the key-value
 * store's writes (a put with a lease attaches its key, a put that drops or
 * changes the lease or a delete detaches it), so it is deterministic and
 * knows nothing of time: expiry is the leader's business (expiry.ts).
 *
 * Keys are kept by their bytes and returned in unsigned byte order (etcd's
 * revoke deletes them sorted; its lists are in map order, any order).
 *
 * @module
 */

import { assert } from "../util/assert.ts";
import { Errors } from "../proto/errors.ts";
import type { Event } from "../proto/rpc.ts";
import { MAX_LEASE_TTL_SECONDS } from "../proto/rpc_lease.ts";

/** A lease as every member knows it. */
export interface LeaseInfo {
  readonly id: bigint;
  /** The TTL it was granted with, in seconds (already raised to the minimum). */
  readonly ttl: number;
}

/** A lease in a snapshot: `[id, ttl]` (attached keys come back from the store). */
export type LeaseRecord = readonly [id: bigint, ttl: number];

interface Entry {
  readonly info: LeaseInfo;
  /** Binary string of the key → the key's bytes. */
  readonly keys: Map<string, Uint8Array>;
}

/** The binary string of `bytes` (one code unit per byte; sorts as unsigned bytes). */
function keyString(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}

function sortedKeys(keys: Map<string, Uint8Array>): Uint8Array[] {
  return [...keys.keys()].sort().map((key) => keys.get(key)!);
}

/** The leases and their keys. */
export class LeaseTable {
  /** In grant order. */
  readonly #leases = new Map<bigint, Entry>();

  /** A table holding `records` (from a snapshot), with no keys attached yet. */
  static fromRecords(records: readonly LeaseRecord[]): LeaseTable {
    const table = new LeaseTable();
    for (const [id, ttl] of records) {
      assert(id !== 0n && Number.isSafeInteger(ttl), `lease table: bad record ${id} ${ttl}`);
      table.#leases.set(id, { info: { id, ttl }, keys: new Map() });
    }
    return table;
  }

  /** The leases as snapshot records, in grant order. */
  toRecords(): LeaseRecord[] {
    return [...this.#leases.values()].map(({ info }) => [info.id, info.ttl] as const);
  }

  /** How many leases exist. */
  get size(): number {
    return this.#leases.size;
  }

  /**
   * etcd's Grant at apply: id 0 is "lease not found", a TTL above
   * MaxLeaseTTL "too large lease TTL", an existing id "lease already
   * exists". `ttl` is the TTL to keep (the proposer raised it to the minimum).
   */
  grant(id: bigint, ttl: number): LeaseInfo {
    if (id === 0n) throw Errors.leaseNotFound();
    if (ttl > MAX_LEASE_TTL_SECONDS) throw Errors.leaseTtlTooLarge();
    if (this.#leases.has(id)) throw Errors.leaseExist();
    assert(Number.isSafeInteger(ttl), `lease table: ttl ${ttl}`);
    const info: LeaseInfo = { id, ttl };
    this.#leases.set(id, { info, keys: new Map() });
    return info;
  }

  /**
   * Removes the lease and returns its keys in byte order (the caller
   * deletes them in one write). Throws "requested lease not found".
   */
  revoke(id: bigint): Uint8Array[] {
    const entry = this.#leases.get(id);
    if (entry === undefined) throw Errors.leaseNotFound();
    this.#leases.delete(id);
    return sortedKeys(entry.keys);
  }

  /** Whether the lease exists. */
  has(id: bigint): boolean {
    return this.#leases.has(id);
  }

  /** The lease, if it exists. */
  get(id: bigint): LeaseInfo | undefined {
    return this.#leases.get(id)?.info;
  }

  /** Every lease, in grant order. */
  leases(): LeaseInfo[] {
    return [...this.#leases.values()].map((entry) => entry.info);
  }

  /** The keys attached to the lease, in byte order (empty when it does not exist). */
  keys(id: bigint): Uint8Array[] {
    const entry = this.#leases.get(id);
    return entry === undefined ? [] : sortedKeys(entry.keys);
  }

  /** Attaches `key` to the lease; nothing when the lease does not exist. */
  attach(id: bigint, key: Uint8Array): void {
    this.#leases.get(id)?.keys.set(keyString(key), key);
  }

  /** Detaches `key` from the lease; nothing when either is unknown. */
  detach(id: bigint, key: Uint8Array): void {
    this.#leases.get(id)?.keys.delete(keyString(key));
  }

  /**
   * Follows one write of the key-value store: each event's key leaves the
   * lease it had before (prevKv) and joins the lease of a PUT's new value.
   */
  applyEvents(events: readonly Event[]): void {
    for (const event of events) {
      const before = event.prevKv?.lease ?? 0n;
      const after = event.type === "PUT" ? event.kv.lease : 0n;
      if (before === after) continue;
      if (before !== 0n) this.detach(before, event.kv.key);
      if (after !== 0n) this.attach(after, event.kv.key);
    }
  }
}
