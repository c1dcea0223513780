/**
 * etcd 3.4's Txn (etcdserver/apply.go): all compares, nested txns'
 * included, are evaluated first against the state before the txn
 * (compareToPath), so a nested compare does not see the writes of earlier
 * ops; then the ops on the chosen path are checked against that same state
 * (puts first, for writing txns: ignore_value/ignore_lease need the key,
 * a lease must exist; then range revisions), and only then applied, in
 * order, in one write txn sharing one revision.
 *
 * @module
 */

import { Errors } from "../proto/errors.ts";
import type { RequestOp, ResponseOp, TxnRequest } from "../proto/rpc.ts";
import { emptyHeader } from "../proto/rpc.ts";
import { applyCompares } from "./compare.ts";
import { keyToString } from "./key_string.ts";
import { applyRange } from "./range.ts";
import type { StoreState } from "./store_state.ts";
import { applyDeleteRange, applyPut } from "./write_ops.ts";
import type { WriteTxn } from "./write_txn.ts";

/** The branch each txn on the executed path takes (etcd's txnPath, as a tree). */
export interface TxnPath {
  readonly succeeded: boolean;
  /** One path per nested txn of the chosen branch, in order. */
  readonly nested: readonly TxnPath[];
}

/** The branches `rt` and its nested txns take at the store's current state. */
export function compareToPath(state: StoreState, rt: TxnRequest): TxnPath {
  const succeeded = applyCompares(state, rt.compare);
  const nested: TxnPath[] = [];
  for (const op of succeeded ? rt.success : rt.failure) {
    if ("requestTxn" in op) nested.push(compareToPath(state, op.requestTxn));
  }
  return { succeeded, nested };
}

/** Whether every op of both branches is a range (etcd's isTxnReadonly; nested txns count as writes). */
export function isTxnReadOnly(rt: TxnRequest): boolean {
  return rt.success.every(isRange) && rt.failure.every(isRange);
}

function isRange(op: RequestOp): boolean {
  return "requestRange" in op;
}

/** Calls `check` on every non-txn op of the executed path, depth first, in order. */
export function forEachPathOp(
  rt: TxnRequest,
  path: TxnPath,
  check: (op: RequestOp) => void,
): void {
  let n = 0;
  for (const op of path.succeeded ? rt.success : rt.failure) {
    if ("requestTxn" in op) forEachPathOp(op.requestTxn, path.nested[n++]!, check);
    else check(op);
  }
}

/** etcd's checkRequestPut against the state before the txn. */
export function checkPutOp(
  state: StoreState,
  leaseExists: (lease: bigint) => boolean,
  op: RequestOp,
): void {
  if (!("requestPut" in op)) return;
  const p = op.requestPut;
  if (p.ignoreValue || p.ignoreLease) {
    const index = state.keyIndex(keyToString(p.key));
    if (index === undefined || !index.live) throw Errors.keyNotFound();
  }
  if (p.lease !== 0n && !leaseExists(p.lease)) throw Errors.leaseNotFound();
}

/**
 * etcd's checkRequestRange against the state before the txn. Note that a
 * negative revision fails as compacted here, while a plain range reads it
 * as the current revision (as etcd 3.4 does).
 */
export function checkRangeOp(state: StoreState, op: RequestOp): void {
  if (!("requestRange" in op)) {
    if (!("requestPut" in op) && !("requestDeleteRange" in op)) throw Errors.keyNotFound();
    return;
  }
  const rev = op.requestRange.revision;
  if (rev === 0) return;
  if (rev > state.currentRevision) throw Errors.futureRev();
  if (rev < state.compactRevision) throw Errors.compacted();
}

/** Applies the ops of the executed path in `w`; the responses of the chosen branch. */
export function applyTxn(w: WriteTxn, rt: TxnRequest, path: TxnPath): ResponseOp[] {
  let n = 0;
  return (path.succeeded ? rt.success : rt.failure).map((op): ResponseOp => {
    if ("requestRange" in op) return { responseRange: applyRange(w, op.requestRange) };
    if ("requestPut" in op) return { responsePut: applyPut(w, op.requestPut) };
    if ("requestDeleteRange" in op) {
      return { responseDeleteRange: applyDeleteRange(w, op.requestDeleteRange) };
    }
    if (!("requestTxn" in op)) throw Errors.keyNotFound();
    const nested = path.nested[n++]!;
    const responses = applyTxn(w, op.requestTxn, nested);
    return { responseTxn: { header: emptyHeader(), succeeded: nested.succeeded, responses } };
  });
}
