/**
 * etcd 3.4's txn compares (etcdserver/apply.go applyCompare, compareKV):
 * every key of the compare's range must satisfy it; a range without keys
 * compares as a zero KeyValue (version, create, mod and lease 0), except
 * that a VALUE compare on missing keys is always false.
 *
 * @module
 */

import { compareBytes } from "../util/bytes.ts";
import type { Compare } from "../proto/rpc.ts";
import { keyToString, rangeEndString } from "./key_string.ts";
import type { KeyRevision } from "./revision.ts";
import type { StoreState } from "./store_state.ts";

/** Whether every compare holds at the store's current revision (an empty list holds). */
export function applyCompares(state: StoreState, compares: readonly Compare[]): boolean {
  for (const c of compares) {
    if (!applyCompare(state, c)) return false;
  }
  return true;
}

/** Whether one compare holds at the store's current revision. */
export function applyCompare(state: StoreState, c: Compare): boolean {
  let found = false;
  let holds = true;
  const end = rangeEndString(c.rangeEnd);
  state.forEachLive(keyToString(c.key), end, state.currentRevision, (record) => {
    found = true;
    holds = compareRecord(c, record);
    return holds;
  });
  if (found) return holds;
  if (c.target === "VALUE") return false;
  return resultHolds(c, compareTarget(c, 0, 0, 0, 0n));
}

/** Whether `record` satisfies `c`. */
export function compareRecord(c: Compare, record: KeyRevision): boolean {
  if (c.target === "VALUE") return resultHolds(c, compareBytes(record.value, c.value));
  const order = compareTarget(c, record.version, record.createRevision, record.main, record.lease);
  return resultHolds(c, order);
}

/** -1, 0 or 1: the key's field named by the compare's target against the compare's operand. */
function compareTarget(
  c: Compare,
  version: number,
  createRevision: number,
  modRevision: number,
  lease: bigint,
): number {
  switch (c.target) {
    case "VERSION":
      return Math.sign(version - c.version);
    case "CREATE":
      return Math.sign(createRevision - c.createRevision);
    case "MOD":
      return Math.sign(modRevision - c.modRevision);
    case "LEASE":
      return lease < c.lease ? -1 : lease > c.lease ? 1 : 0;
    case "VALUE":
      return 0; // handled by the callers
  }
}

function resultHolds(c: Compare, order: number): boolean {
  switch (c.result) {
    case "EQUAL":
      return order === 0;
    case "NOT_EQUAL":
      return order !== 0;
    case "GREATER":
      return order > 0;
    case "LESS":
      return order < 0;
  }
}
