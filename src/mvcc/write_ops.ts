/**
 * etcd 3.4's Put and DeleteRange inside a write txn (etcdserver/apply.go,
 * the `txn != nil` path): ignore_value and ignore_lease take the key's
 * current value or lease and need the key to exist; prev_kv reads the key
 * as the txn sees it. Lease existence is checked by the caller, before the
 * txn starts. Each response's header carries only the revision etcd puts
 * there (the write's revision; for a delete of nothing before any change,
 * the txn's begin revision).
 *
 * @module
 */

import { Errors } from "../proto/errors.ts";
import type {
  DeleteRangeRequest,
  DeleteRangeResponse,
  PutRequest,
  PutResponse,
} from "../proto/rpc.ts";
import { emptyHeader } from "../proto/rpc.ts";
import { keyToString, rangeEndString } from "./key_string.ts";
import { toKeyValue } from "./revision.ts";
import type { WriteTxn } from "./write_txn.ts";

/** Applies a put inside `w`. Throws keyNotFound for ignore_value/ignore_lease on a missing key. */
export function applyPut(w: WriteTxn, p: PutRequest): PutResponse {
  const key = keyToString(p.key);
  const previous = p.prevKv ? w.live(key) : undefined;
  const prevKv = previous !== undefined ? toKeyValue(previous, p.key) : null;
  const revision = writePut(w, p, key);
  return { header: { ...emptyHeader(), revision }, prevKv };
}

/** The put of `p` (whose key is `key` as a binary string) inside `w`; returns its revision. */
export function writePut(w: WriteTxn, p: PutRequest, key: string = keyToString(p.key)): number {
  let value = p.value;
  let lease = p.lease;
  if (p.ignoreValue || p.ignoreLease) {
    const previous = w.live(key);
    if (previous === undefined) throw Errors.keyNotFound();
    if (p.ignoreValue) value = previous.value;
    if (p.ignoreLease) lease = previous.lease;
  }
  return w.put(key, p.key, value, lease);
}

/** Applies a delete-range inside `w`; prev_kvs only when asked. */
export function applyDeleteRange(w: WriteTxn, dr: DeleteRangeRequest): DeleteRangeResponse {
  const outcome = w.deleteRange(keyToString(dr.key), rangeEndString(dr.rangeEnd));
  const prevKvs = dr.prevKv ? outcome.previous.map((record) => toKeyValue(record)) : [];
  return {
    header: { ...emptyHeader(), revision: outcome.revision },
    deleted: outcome.deleted,
    prevKvs,
  };
}
