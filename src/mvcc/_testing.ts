/**
 * Helpers for the mvcc tests: request builders taking strings, and short
 * text forms of results that make expectations one line each.
 *
 * @module
 */

import { EtcdError } from "../proto/errors.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";
import type { Event, KeyValue, RequestOp } from "../proto/rpc.ts";
import {
  type Compare,
  compare,
  type DeleteRangeRequest,
  deleteRangeRequest,
  type PutRequest,
  putRequest,
  type RangeRequest,
  rangeRequest,
  type TxnRequest,
  txnRequest,
} from "../proto/rpc.ts";
import { KvStore, type KvStoreOptions } from "./kv_store.ts";

/** Throws unless `fn` throws etcd's error with `message` (no node:assert in the pure zone). */
export function assertEtcdError(fn: () => unknown, message: string): void {
  try {
    fn();
  } catch (error) {
    if (error instanceof EtcdError && error.message === message) return;
    throw new Error(`expected the error "${message}", got: ${String(error)}`);
  }
  throw new Error(`expected the error "${message}", nothing was thrown`);
}

/** UTF-8 bytes of `text`. */
export function b(text: string): Uint8Array {
  return utf8Encode(text);
}

type Fields<T> = { [K in keyof T]?: T[K] extends Uint8Array ? Uint8Array | string : T[K] };

const BYTE_FIELDS = new Set(["key", "rangeEnd", "value"]);

function bytesOf<T extends object>(fields: Fields<T>): Partial<T> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(fields)) {
    out[name] = typeof value === "string" && BYTE_FIELDS.has(name) ? utf8Encode(value) : value;
  }
  return out as Partial<T>;
}

/** A RangeRequest; byte fields may be strings. */
export function rangeOf(key: string, fields: Fields<RangeRequest> = {}): RangeRequest {
  return rangeRequest(bytesOf<RangeRequest>({ key, ...fields }));
}

/** A PutRequest; byte fields may be strings. */
export function putOf(key: string, value = "", fields: Fields<PutRequest> = {}): PutRequest {
  return putRequest(bytesOf<PutRequest>({ key, value, ...fields }));
}

/** A DeleteRangeRequest; byte fields may be strings. */
export function deleteOf(key: string, fields: Fields<DeleteRangeRequest> = {}): DeleteRangeRequest {
  return deleteRangeRequest(bytesOf<DeleteRangeRequest>({ key, ...fields }));
}

/** A Compare; byte fields may be strings. */
export function compareOf(key: string, fields: Fields<Compare> = {}): Compare {
  return compare(bytesOf<Compare>({ key, ...fields }));
}

/** A TxnRequest. */
export function txnOf(
  compares: Compare[],
  success: RequestOp[],
  failure: RequestOp[] = [],
): TxnRequest {
  return txnRequest({ compare: compares, success, failure });
}

/** `key=value c<create> m<mod> v<version>` (and ` l<lease>` when leased). */
export function kvText(kv: KeyValue): string {
  const lease = kv.lease === 0n ? "" : ` l${kv.lease}`;
  const value = kv.value.length === 0 ? "" : `=${utf8Decode(kv.value)}`;
  return `${
    utf8Decode(kv.key)
  }${value} c${kv.createRevision} m${kv.modRevision} v${kv.version}${lease}`;
}

/** The keys of `kvs`, comma-separated. */
export function keysText(kvs: readonly KeyValue[]): string {
  return kvs.map((kv) => utf8Decode(kv.key)).join(",");
}

/** `PUT kv [<- prev]` or `DELETE key@rev [<- prev]`. */
export function eventText(event: Event): string {
  const prev = event.prevKv === null ? "" : ` <- ${kvText(event.prevKv)}`;
  if (event.type === "PUT") return `PUT ${kvText(event.kv)}${prev}`;
  return `DELETE ${utf8Decode(event.kv.key)}@${event.kv.modRevision}${prev}`;
}

/** A store after putting each `[key, value]` in turn (revisions 2, 3, …). */
export function storeWith(
  pairs: readonly (readonly [string, string])[],
  options: KvStoreOptions = {},
): KvStore {
  const store = new KvStore(options);
  for (const [key, value] of pairs) store.put(putOf(key, value));
  return store;
}

/** The text of every key at `revision` (0 = current), in key order. */
export function allAt(store: KvStore, revision = 0): string[] {
  return store.range(rangeOf("\0", { rangeEnd: "\0", revision })).kvs.map(kvText);
}
