/**
 * How etcd picks a lease id when the client leaves it 0 (etcd 3.4's
 * `pkg/idutil` generator, used by `LeaseGrant`): the member id's low 16
 * bits, then 40 bits of the start time in milliseconds and an 8-bit
 * counter, incremented per id; the sign bit is cleared (ids are positive
 * int64) and 0 is never returned. Ids from one member are unique while it
 * runs; members differ in the high bits.
 *
 * @module
 */

const MASK_48 = (1n << 48n) - 1n;
const MASK_40 = (1n << 40n) - 1n;
const POSITIVE_63 = (1n << 63n) - 1n;

/** etcd's idutil.Generator, masked to a positive int64 as LeaseGrant does. */
export class LeaseIdGenerator {
  readonly #prefix: bigint;
  #suffix: bigint;

  /** For the member `memberId`, started at `nowMs` (wall clock, Unix milliseconds). */
  constructor(memberId: bigint, nowMs: number) {
    this.#prefix = (memberId & 0xffffn) << 48n;
    this.#suffix = (BigInt(Math.floor(nowMs)) & MASK_40) << 8n;
  }

  /** The next id: positive, never 0. */
  next(): bigint {
    for (;;) {
      this.#suffix = (this.#suffix + 1n) & MASK_48;
      const id = (this.#prefix | this.#suffix) & POSITIVE_63;
      if (id !== 0n) return id;
    }
  }
}

/**
 * etcd's minimum lease TTL in seconds: `ceil(((3 × electionTicks) / 2) ×
 * heartbeat)` with Go's integer division of the ticks (2 s for the default
 * 100 ms heartbeat and 10-tick election). A grant asking less gets this.
 */
export function minLeaseTtlSeconds(electionTicks: number, heartbeatMs: number): number {
  return Math.ceil((Math.floor((3 * electionTicks) / 2) * heartbeatMs) / 1000);
}
