/**
 * Request checks done before a request goes through Raft, as etcd 3.4's
 * `api/v3rpc/key.go` does them (checkRangeRequest, checkPutRequest,
 * checkDeleteRequest, checkTxnRequest, checkIntervals), with the same
 * errors in the same order.
 *
 * @module
 */

import { Errors, invalidArgument } from "./errors.ts";
import type {
  CompactionRequest,
  DeleteRangeRequest,
  PutRequest,
  RangeRequest,
  RequestOp,
  TxnRequest,
} from "./rpc.ts";

export { txnOpsMaxDefault } from "../util/limits.ts";
import { txnOpsMaxDefault } from "../util/limits.ts";

/** etcd's checkRangeRequest: the key is required. */
export function validateRangeRequest(r: RangeRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
}

/**
 * etcd's checkPutRequest: the key is required; ignore_value forbids a
 * value, ignore_lease a lease (checked in that order).
 */
export function validatePutRequest(r: PutRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
  if (r.ignoreValue && r.value.length !== 0) throw Errors.valueProvided();
  if (r.ignoreLease && r.lease !== 0n) throw Errors.leaseProvided();
}

/** etcd's checkDeleteRequest: the key is required. */
export function validateDeleteRangeRequest(r: DeleteRangeRequest): void {
  if (r.key.length === 0) throw Errors.emptyKey();
}

/**
 * etcd's Txn checks: checkTxnRequest (sizes, empty keys, each op), then
 * checkIntervals on the success and the failure branch (no key put twice,
 * no key both put and deleted, nested txns included).
 *
 * Sizes: the longest of compare / success / failure must not exceed
 * `maxTxnOps`; a nested txn is held to `maxTxnOps` minus its parent's
 * longest list (as etcd does). An op without a request fails with
 * keyNotFound, as etcd's does.
 */
export function validateTxnRequest(r: TxnRequest, maxTxnOps: number = txnOpsMaxDefault): void {
  checkTxnRequest(r, maxTxnOps);
  checkIntervals(r.success);
  checkIntervals(r.failure);
}

/**
 * Compaction requests pass etcd's gRPC layer unchecked (a revision at or
 * below the last compaction, or ahead of the store, fails when applied).
 * Only a revision that no int64 could carry is refused here.
 */
export function validateCompactionRequest(r: CompactionRequest): void {
  if (!Number.isSafeInteger(r.revision)) {
    throw invalidArgument(`invalid compaction revision ${r.revision}`);
  }
}

function checkTxnRequest(r: TxnRequest, maxTxnOps: number): void {
  const opc = Math.max(r.compare.length, r.success.length, r.failure.length);
  if (opc > maxTxnOps) throw Errors.tooManyOps();
  for (const c of r.compare) {
    if (c.key.length === 0) throw Errors.emptyKey();
  }
  for (const op of r.success) checkRequestOp(op, maxTxnOps - opc);
  for (const op of r.failure) checkRequestOp(op, maxTxnOps - opc);
}

function checkRequestOp(op: RequestOp, maxTxnOps: number): void {
  if ("requestRange" in op) return validateRangeRequest(op.requestRange);
  if ("requestPut" in op) return validatePutRequest(op.requestPut);
  if ("requestDeleteRange" in op) return validateDeleteRangeRequest(op.requestDeleteRange);
  if ("requestTxn" in op) return checkTxnRequest(op.requestTxn, maxTxnOps);
  throw Errors.keyNotFound(); // an empty RequestOp
}

/** A deleted range `[begin, end)` of binary strings. */
interface DeletedRange {
  readonly begin: string;
  readonly end: string;
}

/** The keys one branch puts and the ranges it deletes, nested txns included. */
interface BranchWrites {
  readonly puts: Set<string>;
  readonly dels: DeletedRange[];
}

/**
 * etcd's checkIntervals, rule for rule. The deletes of this level are
 * collected first; then each nested txn's puts (its success and failure
 * branches may put the same key, as only one runs) must not repeat a put
 * or fall in a delete collected so far, and its deletes join the list;
 * then this level's puts face the same test. Some consequences of etcd's
 * order are kept on purpose: a nested txn's put followed by a later
 * sibling's delete of the same key passes, and a delete with range end
 * `[0]` (to the end of the keyspace) is the literal interval `[key, "\0")`,
 * which holds no key, so it never conflicts.
 */
function checkIntervals(ops: readonly RequestOp[]): BranchWrites {
  const dels: DeletedRange[] = [];
  for (const op of ops) {
    if (!("requestDeleteRange" in op)) continue;
    const begin = binary(op.requestDeleteRange.key);
    const rangeEnd = op.requestDeleteRange.rangeEnd;
    dels.push({ begin, end: rangeEnd.length !== 0 ? binary(rangeEnd) : begin + "\0" });
  }
  const puts = new Set<string>();
  for (const op of ops) {
    if (!("requestTxn" in op)) continue;
    const then = checkIntervals(op.requestTxn.success);
    const otherwise = checkIntervals(op.requestTxn.failure);
    for (const key of then.puts) {
      if (puts.has(key) || deleted(dels, key)) throw Errors.duplicateKey();
      puts.add(key);
    }
    for (const key of otherwise.puts) {
      if (puts.has(key) && !then.puts.has(key)) throw Errors.duplicateKey();
      if (deleted(dels, key)) throw Errors.duplicateKey();
      puts.add(key);
    }
    dels.push(...then.dels, ...otherwise.dels);
  }
  for (const op of ops) {
    if (!("requestPut" in op)) continue;
    const key = binary(op.requestPut.key);
    if (puts.has(key) || deleted(dels, key)) throw Errors.duplicateKey();
    puts.add(key);
  }
  return { puts, dels };
}

/** Whether `key` lies in one of the deleted ranges. */
function deleted(dels: readonly DeletedRange[], key: string): boolean {
  for (const range of dels) {
    if (key >= range.begin && key < range.end) return true;
  }
  return false;
}

/** A key's bytes as a binary string (one code unit per byte), whose order is byte order. */
function binary(bytes: Uint8Array): string {
  let out = "";
  for (let i = 0; i < bytes.length; i += 8192) {
    out += String.fromCharCode.apply(null, bytes.subarray(i, i + 8192) as unknown as number[]);
  }
  return out;
}
