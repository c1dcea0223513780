/**
 * One stored change of one key: etcd's (main, sub) revision with the key's
 * value at that revision. A put stores the whole `KeyValue`; a delete stores
 * a tombstone (version 0), which closes the key's current generation.
 *
 * Records are immutable and shared by the key's index and the revision log.
 *
 * @module
 */

import type { Event, KeyValue } from "../proto/rpc.ts";
import { stringToKey } from "./key_string.ts";

/** A (main, sub) revision: one main revision per write, one sub per change in it. */
export interface Revision {
  readonly main: number;
  readonly sub: number;
}

/** One change of one key, as stored. */
export interface KeyRevision extends Revision {
  /** The key as a binary string (see key_string.ts). */
  readonly key: string;
  /** 0 for a tombstone. */
  readonly createRevision: number;
  /** 0 for a tombstone; 1 on creation, +1 per put. */
  readonly version: number;
  readonly value: Uint8Array;
  readonly lease: bigint;
}

const EMPTY_BYTES = new Uint8Array(0);

/** A put record. Copies `value` when it is a view into a larger buffer (so it never pins it). */
export function putRevision(
  key: string,
  main: number,
  sub: number,
  createRevision: number,
  version: number,
  value: Uint8Array,
  lease: bigint,
): KeyRevision {
  const owned = value.byteLength === value.buffer.byteLength ? value : value.slice();
  return { key, main, sub, createRevision, version, value: owned, lease };
}

/** A tombstone record (the key deleted at (main, sub)). */
export function tombstone(key: string, main: number, sub: number): KeyRevision {
  return { key, main, sub, createRevision: 0, version: 0, value: EMPTY_BYTES, lease: 0n };
}

/** Whether `record` is a tombstone. */
export function isTombstone(record: KeyRevision): boolean {
  return record.version === 0;
}

/** -1, 0 or 1 as `a` is before, equal to or after `b` in (main, sub) order. */
export function compareRevisions(a: Revision, b: Revision): -1 | 0 | 1 {
  if (a.main !== b.main) return a.main < b.main ? -1 : 1;
  if (a.sub !== b.sub) return a.sub < b.sub ? -1 : 1;
  return 0;
}

/**
 * The `KeyValue` of a put record. `keyBytes` may pass the key's bytes when
 * the caller has them; `keysOnly` leaves the value empty.
 */
export function toKeyValue(
  record: KeyRevision,
  keyBytes: Uint8Array | null = null,
  keysOnly = false,
): KeyValue {
  return {
    key: keyBytes ?? stringToKey(record.key),
    createRevision: record.createRevision,
    modRevision: record.main,
    version: record.version,
    value: keysOnly ? EMPTY_BYTES : record.value,
    lease: record.lease,
  };
}

/**
 * The watch event of `record`: PUT with the full kv, or DELETE whose kv has
 * only the key and the deleting revision. `previous` is the key's value
 * before the write (etcd's watch reads it at modRevision - 1).
 */
export function toEvent(
  record: KeyRevision,
  previous: KeyRevision | undefined,
  keyBytes: Uint8Array | null = null,
): Event {
  const prevKv = previous === undefined ? null : toKeyValue(previous, keyBytes);
  if (!isTombstone(record)) {
    return { type: "PUT", kv: toKeyValue(record, keyBytes), prevKv };
  }
  const kv: KeyValue = {
    key: keyBytes ?? stringToKey(record.key),
    createRevision: 0,
    modRevision: record.main,
    version: 0,
    value: EMPTY_BYTES,
    lease: 0n,
  };
  return { type: "DELETE", kv, prevKv };
}
