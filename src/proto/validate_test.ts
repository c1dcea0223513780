import assert from "node:assert/strict";
import { utf8Encode } from "../util/bytes.ts";
import { EtcdError } from "./errors.ts";
import {
  type CompactionRequest,
  compare,
  deleteRangeRequest,
  putRequest,
  rangeRequest,
  type RequestOp,
  type TxnRequest,
  txnRequest,
} from "./rpc.ts";
import {
  txnOpsMaxDefault,
  validateCompactionRequest,
  validateDeleteRangeRequest,
  validatePutRequest,
  validateRangeRequest,
  validateTxnRequest,
} from "./validate.ts";

const EMPTY_KEY = "etcdserver: key is not provided";
const DUPLICATE = "etcdserver: duplicate key given in txn request";
const TOO_MANY = "etcdserver: too many operations in txn request";

function fails(fn: () => void, message: string): void {
  assert.throws(fn, (error: unknown) => error instanceof EtcdError && error.message === message);
}

const b = utf8Encode;
const compactionRequestOf = (revision: number): CompactionRequest => ({
  revision,
  physical: false,
});
const put = (key: string): RequestOp => ({ requestPut: putRequest({ key: b(key) }) });
const get = (key: string): RequestOp => ({ requestRange: rangeRequest({ key: b(key) }) });
const del = (key: string, rangeEnd = ""): RequestOp => ({
  requestDeleteRange: deleteRangeRequest({ key: b(key), rangeEnd: b(rangeEnd) }),
});
const txn = (success: RequestOp[], failure: RequestOp[] = [], compares = 0): TxnRequest =>
  txnRequest({
    compare: Array.from({ length: compares }, (_, i) => compare({ key: b(`c${i}`) })),
    success,
    failure,
  });
const nested = (t: TxnRequest): RequestOp => ({ requestTxn: t });
const gets = (n: number, prefix = "k") => Array.from({ length: n }, (_, i) => get(`${prefix}${i}`));

Deno.test("validate: range, put and delete need a key", () => {
  fails(() => validateRangeRequest(rangeRequest({ rangeEnd: b("a") })), EMPTY_KEY);
  fails(() => validateDeleteRangeRequest(deleteRangeRequest({ rangeEnd: b("a") })), EMPTY_KEY);
  fails(() => validatePutRequest(putRequest({ value: b("v") })), EMPTY_KEY);
  validateRangeRequest(rangeRequest({ key: b("a") }));
  validateDeleteRangeRequest(deleteRangeRequest({ key: b("\0") }));
});

Deno.test("validate: put's ignore flags forbid a value or a lease, in that order", () => {
  const key = b("k");
  fails(
    () => validatePutRequest(putRequest({ key, value: b("v"), ignoreValue: true })),
    "etcdserver: value is provided",
  );
  fails(
    () => validatePutRequest(putRequest({ key, lease: 3n, ignoreLease: true })),
    "etcdserver: lease is provided",
  );
  fails(
    () =>
      validatePutRequest(
        putRequest({ key, value: b("v"), ignoreValue: true, lease: 3n, ignoreLease: true }),
      ),
    "etcdserver: value is provided",
  );
  fails(() => validatePutRequest(putRequest({ value: b("v"), ignoreValue: true })), EMPTY_KEY);
  validatePutRequest(putRequest({ key, ignoreValue: true, lease: 3n }));
  validatePutRequest(putRequest({ key, value: b("v"), ignoreLease: true }));
});

Deno.test("validate: txn size limits per list, with the nested budget", () => {
  assert.equal(txnOpsMaxDefault, 128);
  validateTxnRequest(txn(gets(128)), 128);
  fails(() => validateTxnRequest(txn(gets(129))), TOO_MANY);
  fails(() => validateTxnRequest(txn([], gets(129))), TOO_MANY);
  fails(() => validateTxnRequest(txn([], [], 129)), TOO_MANY);
  validateTxnRequest(txn(gets(100), gets(100), 100));
  // A nested txn gets the limit minus its parent's longest list.
  validateTxnRequest(txn([...gets(99), nested(txn(gets(28, "n")))]));
  fails(() => validateTxnRequest(txn([...gets(99), nested(txn(gets(29, "n")))])), TOO_MANY);
  fails(() => validateTxnRequest(txn([nested(txn(gets(3, "n")))], [], 0), 3), TOO_MANY);
  validateTxnRequest(txn([nested(txn(gets(2, "n")))]), 3);
  fails(() => validateTxnRequest(txn(gets(4)), 3), TOO_MANY);
});

Deno.test("validate: txn keys, and an op without a request", () => {
  fails(() => validateTxnRequest(txnRequest({ compare: [compare()] })), EMPTY_KEY);
  fails(() => validateTxnRequest(txn([get("")])), EMPTY_KEY);
  fails(() => validateTxnRequest(txn([], [del("")])), EMPTY_KEY);
  fails(() => validateTxnRequest(txn([nested(txn([put("")]))])), EMPTY_KEY);
  fails(() => validateTxnRequest(txn([{} as RequestOp])), "etcdserver: key not found");
  // Size and key checks come before duplicate checks.
  fails(() => validateTxnRequest(txn([put("a"), put("a"), put("")])), EMPTY_KEY);
});

Deno.test("validate: duplicate keys in one branch", () => {
  const dup = (success: RequestOp[], failure: RequestOp[] = []) =>
    fails(() => validateTxnRequest(txn(success, failure)), DUPLICATE);
  const ok = (success: RequestOp[], failure: RequestOp[] = []) =>
    validateTxnRequest(txn(success, failure));
  dup([put("a"), put("a")]);
  dup([], [put("a"), put("a")]);
  dup([put("b"), del("a", "c")]);
  dup([del("a", "c"), put("b")]);
  dup([put("a"), del("a")]);
  dup([del("a", "a\0"), put("a")]);
  ok([put("a"), del("b")]);
  ok([put("c"), del("a", "c")]); // the end is exclusive
  ok([del("a", "c"), del("b"), del("a", "z")]); // deletes may overlap
  ok([put("a")], [put("a")]); // success and failure are separate branches
  ok([put("a"), get("a"), get("a")]);
  ok([del("c", "a"), put("b")]); // an empty (inverted) range holds nothing
  // A delete to the end of the keyspace ([0]) is the literal interval [key, "\0"): no conflict.
  ok([
    { requestDeleteRange: deleteRangeRequest({ key: b("a"), rangeEnd: new Uint8Array([0]) }) },
    put("b"),
  ]);
});

Deno.test("validate: duplicate keys across nested txns, rule for rule with etcd", () => {
  const dup = (ops: RequestOp[]) => fails(() => validateTxnRequest(txn(ops)), DUPLICATE);
  const ok = (ops: RequestOp[]) => validateTxnRequest(txn(ops));
  dup([put("a"), nested(txn([put("a")]))]);
  dup([put("a"), nested(txn([del("a")]))]);
  dup([del("a", "b"), nested(txn([put("ax")]))]);
  dup([nested(txn([del("a")])), nested(txn([put("a")]))]);
  dup([nested(txn([put("a")])), nested(txn([], [put("a")]))]);
  dup([nested(txn([put("a")])), nested(txn([put("a")], [put("a")]))]);
  dup([nested(txn([put("a"), put("a")]))]);
  ok([nested(txn([put("a")], [put("a")]))]);
  ok([nested(txn([del("a")], [put("a")]))]);
  // etcd checks a nested put against the deletes collected so far only:
  // a later sibling's delete of the same key passes.
  ok([nested(txn([put("a")])), nested(txn([del("a")]))]);
  ok([nested(txn([nested(txn([put("a")]))])), put("b")]);
  dup([nested(txn([nested(txn([put("a")]))])), put("a")]);
});

Deno.test("validate: compaction revisions are checked when applied, not here", () => {
  for (const revision of [0, -1, 5, Number.MAX_SAFE_INTEGER]) {
    validateCompactionRequest(compactionRequestOf(revision));
  }
  assert.throws(() => validateCompactionRequest(compactionRequestOf(Number.NaN)), EtcdError);
  assert.throws(() => validateCompactionRequest(compactionRequestOf(1.5)), EtcdError);
});
