/**
 * etcd's lessor, in two pure halves: {@linkcode LeaseTable} (the leases and
 * their keys, changed only by applied entries, the same on every member)
 * and {@linkcode LeaseExpiry} (when leases expire, kept by the leader
 * alone); plus how etcd picks lease ids and its minimum TTL.
 *
 * @module
 */

export { type LeaseInfo, type LeaseRecord, LeaseTable } from "./lease_table.ts";
export { LeaseExpiry } from "./expiry.ts";
export { LeaseIdGenerator, minLeaseTtlSeconds } from "./lease_ids.ts";
