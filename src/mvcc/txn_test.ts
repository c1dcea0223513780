import assert from "node:assert/strict";
import type { Compare, RequestOp, ResponseOp, TxnRequest } from "../proto/rpc.ts";
import { emptyHeader } from "../proto/rpc.ts";
import { KvStore } from "./kv_store.ts";
import {
  allAt,
  assertEtcdError,
  compareOf,
  deleteOf,
  eventText,
  kvText,
  putOf,
  rangeOf,
  storeWith,
  txnOf,
} from "./_testing.ts";

const range = (key: string, fields: Parameters<typeof rangeOf>[1] = {}): RequestOp => ({
  requestRange: rangeOf(key, fields),
});
const put = (key: string, value: string, fields: Parameters<typeof putOf>[2] = {}): RequestOp => ({
  requestPut: putOf(key, value, fields),
});
const del = (key: string, fields: Parameters<typeof deleteOf>[1] = {}): RequestOp => ({
  requestDeleteRange: deleteOf(key, fields),
});
const nested = (t: TxnRequest): RequestOp => ({ requestTxn: t });

/** One line per response: kind, header revision, and what it holds. */
function responsesText(responses: readonly ResponseOp[]): string[] {
  return responses.map((response) => {
    if ("responseRange" in response) {
      const r = response.responseRange;
      return `range@${r.header.revision} ${r.kvs.map(kvText).join("|")} count=${r.count}`;
    }
    if ("responsePut" in response) {
      const r = response.responsePut;
      return `put@${r.header.revision}${r.prevKv === null ? "" : ` prev ${kvText(r.prevKv)}`}`;
    }
    if ("responseDeleteRange" in response) {
      const r = response.responseDeleteRange;
      return `delete@${r.header.revision} ${r.deleted}`;
    }
    const r = response.responseTxn;
    return `txn ${r.succeeded} [${responsesText(r.responses).join("; ")}]`;
  });
}

function holds(store: KvStore, c: Compare): boolean {
  return store.txn(txnOf([c], [])).succeeded;
}

Deno.test("txn: an empty txn succeeds and changes nothing", () => {
  const store = storeWith([["a", "1"]]);
  assert.deepEqual(store.txn(txnOf([], [])), {
    revision: 2,
    succeeded: true,
    responses: [],
    events: [],
  });
});

Deno.test("txn: success branch; headers carry the revision each op saw", () => {
  const store = storeWith([["foo", "bar"]]);
  const result = store.txn(txnOf(
    [compareOf("foo", { target: "VALUE", value: "bar" })],
    [range("foo"), put("foo", "new", { prevKv: true }), range("foo")],
    [range("foo")],
  ));
  assert.equal(result.succeeded, true);
  assert.equal(result.revision, 3);
  assert.deepEqual(responsesText(result.responses), [
    "range@2 foo=bar c2 m2 v1 count=1",
    "put@3 prev foo=bar c2 m2 v1",
    "range@3 foo=new c2 m3 v2 count=1",
  ]);
  const header = "responseRange" in result.responses[0]!
    ? result.responses[0].responseRange.header
    : null;
  assert.deepEqual(header, { ...emptyHeader(), revision: 2 });
});

Deno.test("txn: failure branch", () => {
  const store = storeWith([["foo", "baz"]]);
  const result = store.txn(txnOf(
    [compareOf("foo", { target: "VALUE", value: "bar" })],
    [put("foo", "x")],
    [range("foo")],
  ));
  assert.equal(result.succeeded, false);
  assert.equal(result.revision, 2);
  assert.deepEqual(responsesText(result.responses), ["range@2 foo=baz c2 m2 v1 count=1"]);
});

Deno.test("txn: all writes share one revision with sub-revisions in order", () => {
  const store = storeWith([["a", "1"], ["b", "2"]]);
  const result = store.txn(
    txnOf([], [put("c", "3"), del("a"), put("b", "4"), range("a", { rangeEnd: "z" })]),
  );
  assert.equal(result.revision, 4);
  assert.equal(store.currentRevision, 4);
  assert.deepEqual(result.events.map(eventText), [
    "PUT c=3 c4 m4 v1",
    "DELETE a@4 <- a=1 c2 m2 v1",
    "PUT b=4 c3 m4 v2 <- b=2 c3 m3 v1",
  ]);
  assert.deepEqual(
    responsesText(result.responses).at(-1),
    "range@4 b=4 c3 m4 v2|c=3 c4 m4 v1 count=2",
  );
  assert.deepEqual(allAt(store, 3), ["a=1 c2 m2 v1", "b=2 c3 m3 v1"]);
});

Deno.test("txn: a delete of nothing gets the begin revision until something changed", () => {
  const store = storeWith([["foo", "a"]]);
  const only = store.txn(txnOf([], [del("nope")]));
  assert.equal(only.revision, 2);
  assert.deepEqual(responsesText(only.responses), ["delete@2 0"]);
  assert.equal(store.currentRevision, 2);
  const mixed = store.txn(txnOf([], [del("nope"), put("x", "1"), del("nope2")]));
  assert.deepEqual(responsesText(mixed.responses), ["delete@2 0", "put@3", "delete@3 0"]);
  assert.equal(mixed.revision, 3);
});

Deno.test("txn: read-only txns read at the current revision", () => {
  const store = storeWith([["a", "1"], ["a", "2"]]);
  const result = store.txn(txnOf([], [range("a"), range("a", { revision: 2 })]));
  assert.equal(result.revision, 3);
  assert.deepEqual(responsesText(result.responses), [
    "range@3 a=2 c2 m3 v2 count=1",
    "range@3 a=1 c2 m2 v1 count=1",
  ]);
});

Deno.test("txn: compares on a missing key see zeros; a VALUE compare always fails", () => {
  const store = storeWith([["there", "v"]]);
  for (const target of ["VERSION", "CREATE", "MOD", "LEASE"] as const) {
    assert.equal(holds(store, compareOf("nokey", { target, result: "EQUAL" })), true, target);
    assert.equal(holds(store, compareOf("nokey", { target, result: "NOT_EQUAL" })), false, target);
  }
  assert.equal(
    holds(store, compareOf("nokey", { target: "MOD", result: "LESS", modRevision: 1 })),
    true,
  );
  assert.equal(holds(store, compareOf("nokey", { target: "VERSION", result: "GREATER" })), false);
  for (const result of ["EQUAL", "NOT_EQUAL", "GREATER", "LESS"] as const) {
    assert.equal(holds(store, compareOf("nokey", { target: "VALUE", result, value: "x" })), false);
    assert.equal(holds(store, compareOf("nokey", { target: "VALUE", result })), false);
  }
});

Deno.test("txn: each target and result on an existing key", () => {
  const store = new KvStore({ leaseExists: () => true });
  store.put(putOf("k", "m"));
  store.put(putOf("k", "m", { lease: 9n })); // k: c2 m3 v2 l9 value m
  const cases: [Partial<Compare>, boolean][] = [
    [{ target: "VERSION", result: "EQUAL", version: 2 }, true],
    [{ target: "VERSION", result: "GREATER", version: 1 }, true],
    [{ target: "VERSION", result: "LESS", version: 2 }, false],
    [{ target: "CREATE", result: "EQUAL", createRevision: 2 }, true],
    [{ target: "CREATE", result: "NOT_EQUAL", createRevision: 2 }, false],
    [{ target: "MOD", result: "EQUAL", modRevision: 3 }, true],
    [{ target: "MOD", result: "LESS", modRevision: 4 }, true],
    [{ target: "LEASE", result: "EQUAL", lease: 9n }, true],
    [{ target: "LEASE", result: "GREATER", lease: 8n }, true],
    [{ target: "LEASE", result: "LESS", lease: 8n }, false],
  ];
  for (const [fields, expected] of cases) {
    assert.equal(
      holds(store, { ...compareOf("k"), ...fields }),
      expected,
      JSON.stringify(fields, (_, v) => typeof v === "bigint" ? `${v}` : v),
    );
  }
  const value = (result: Compare["result"], text: string) =>
    holds(store, compareOf("k", { target: "VALUE", result, value: text }));
  assert.equal(value("EQUAL", "m"), true);
  assert.equal(value("LESS", "n"), true);
  assert.equal(value("LESS", "m"), false);
  assert.equal(value("GREATER", "l"), true);
  assert.equal(value("GREATER", "m0"), false);
  assert.equal(value("NOT_EQUAL", "m"), false);
});

Deno.test("txn: a range compare must hold for every key; an empty range compares as zeros", () => {
  const store = storeWith([["u1", "v"], ["u2", "v"], ["u1", "v"], ["w", "z"]]);
  // u1 v2, u2 v1
  const versions = (result: Compare["result"], version: number, end = "v") =>
    holds(store, compareOf("u", { rangeEnd: end, target: "VERSION", result, version }));
  assert.equal(versions("GREATER", 0), true);
  assert.equal(versions("GREATER", 1), false);
  assert.equal(versions("LESS", 3), true);
  assert.equal(versions("EQUAL", 0, "u"), true); // an empty range [u, u)
  assert.equal(
    holds(
      store,
      compareOf("x", { rangeEnd: "y", target: "VALUE", result: "NOT_EQUAL", value: "a" }),
    ),
    false,
  );
  assert.equal(
    holds(
      store,
      compareOf("x", { rangeEnd: "y", target: "CREATE", result: "LESS", createRevision: 1 }),
    ),
    true,
  );
  assert.equal(
    holds(store, compareOf("u", { rangeEnd: "\0", target: "MOD", result: "LESS", modRevision: 6 })),
    true,
  );
  assert.equal(
    holds(store, compareOf("u", { rangeEnd: "\0", target: "VALUE", result: "EQUAL", value: "v" })),
    false,
  );
  assert.equal(
    holds(store, compareOf("u", { rangeEnd: "v", target: "VALUE", result: "EQUAL", value: "v" })),
    true,
  );
});

Deno.test("txn: all compares must hold", () => {
  const store = storeWith([["a", "1"]]);
  const yes = compareOf("a", { target: "VALUE", value: "1" });
  const no = compareOf("a", { target: "VALUE", value: "2" });
  assert.equal(store.txn(txnOf([yes, yes], [])).succeeded, true);
  assert.equal(store.txn(txnOf([yes, no], [])).succeeded, false);
});

Deno.test("txn: nested txns see the state before the outer txn and share its revision", () => {
  const store = storeWith([["foo", "old"]]);
  const inner = txnOf(
    [compareOf("foo", { target: "VALUE", value: "NEW" })],
    [put("bar", "yes")],
    [put("bar", "no"), range("foo")],
  );
  const result = store.txn(txnOf([], [put("foo", "NEW"), nested(inner)]));
  assert.equal(result.revision, 3);
  assert.deepEqual(responsesText(result.responses), [
    "put@3",
    "txn false [put@3; range@3 foo=NEW c2 m3 v2 count=1]",
  ]);
  const nestedResponse = result.responses[1]!;
  assert.ok("responseTxn" in nestedResponse);
  assert.deepEqual(nestedResponse.responseTxn.header, emptyHeader());
  assert.deepEqual(allAt(store), ["bar=no c3 m3 v1", "foo=NEW c2 m3 v2"]);
  assert.deepEqual(result.events.map(eventText), [
    "PUT foo=NEW c2 m3 v2 <- foo=old c2 m2 v1",
    "PUT bar=no c3 m3 v1",
  ]);
});

Deno.test("txn: deeper nesting follows each txn's own branch", () => {
  const store = storeWith([["a", "1"]]);
  const t3 = txnOf([compareOf("a", { target: "VERSION", version: 1 })], [put("c", "3")], [
    put("c", "x"),
  ]);
  const t2 = txnOf([compareOf("zz", { target: "VERSION", version: 5 })], [put("b", "x")], [
    nested(t3),
    put("b", "2"),
  ]);
  const result = store.txn(txnOf([], [nested(t2), range("a", { rangeEnd: "z" })]));
  assert.deepEqual(responsesText(result.responses), [
    "txn false [txn true [put@3]; put@3]",
    "range@3 a=1 c2 m2 v1|b=2 c3 m3 v1|c=3 c3 m3 v1 count=3",
  ]);
});

Deno.test("txn: errors abort the whole txn, leaving nothing changed", () => {
  const store = storeWith([["a", "1"]]);
  const hash = store.hash();
  assertEtcdError(
    () => store.txn(txnOf([], [put("b", "2"), range("a", { revision: 99 })])),
    "etcdserver: mvcc: required revision is a future revision",
  );
  assertEtcdError(
    () => store.txn(txnOf([], [put("b", "2"), put("c", "", { ignoreValue: true })])),
    "etcdserver: key not found",
  );
  assertEtcdError(
    () => store.txn(txnOf([], [put("b", "2", { lease: 3n })])),
    "etcdserver: requested lease not found",
  );
  assertEtcdError(
    () => store.txn(txnOf([], [nested(txnOf([], [put("b", "2", { lease: 3n })]))])),
    "etcdserver: requested lease not found",
  );
  assert.equal(store.hash(), hash);
  assert.equal(store.currentRevision, 2);
  assert.equal(store.keyCount, 1);
});

Deno.test("txn: checks follow etcd's order, only on the executed path", () => {
  const store = storeWith([["a", "1"]]);
  // Put checks come before range checks (a future range before a bad put).
  assertEtcdError(
    () =>
      store.txn(txnOf([], [range("a", { revision: 99 }), put("nope", "", { ignoreValue: true })])),
    "etcdserver: key not found",
  );
  // Within one put: ignore_value before the lease.
  assertEtcdError(
    () => store.txn(txnOf([], [put("nope", "", { ignoreValue: true, lease: 5n })])),
    "etcdserver: key not found",
  );
  // The branch not taken is not checked.
  const result = store.txn(
    txnOf([], [range("a")], [range("a", { revision: 99 }), put("x", "", { lease: 5n })]),
  );
  assert.equal(result.succeeded, true);
});

Deno.test("txn: range revisions are checked against the store before the txn", () => {
  const store = storeWith([["a", "1"]]);
  // Revision 3 only exists inside the txn: etcd refuses it.
  assertEtcdError(
    () => store.txn(txnOf([], [put("a", "2"), range("a", { revision: 3 })])),
    "etcdserver: mvcc: required revision is a future revision",
  );
  // A negative revision in a txn fails as compacted (a plain range reads it as current).
  assertEtcdError(
    () => store.txn(txnOf([], [range("a", { revision: -5 })])),
    "etcdserver: mvcc: required revision has been compacted",
  );
  assert.equal(store.txn(txnOf([], [range("a", { revision: -1 })])).succeeded, true);
  store.put(putOf("a", "2"));
  store.compact(3);
  assertEtcdError(
    () => store.txn(txnOf([], [range("a", { revision: 2 })])),
    "etcdserver: mvcc: required revision has been compacted",
  );
  assert.deepEqual(
    responsesText(store.txn(txnOf([], [range("a", { revision: 3 })])).responses),
    ["range@3 a=2 c2 m3 v2 count=1"],
  );
});

Deno.test("txn: a failure while applying rolls back every change", () => {
  // Passes the checks (a exists before the txn) but fails while applying.
  const store = storeWith([["a", "1"], ["b", "2"]]);
  const hash = store.hash();
  assertEtcdError(
    () => store.txn(txnOf([], [put("c", "3"), del("a"), put("a", "", { ignoreValue: true })])),
    "etcdserver: key not found",
  );
  assert.equal(store.hash(), hash);
  assert.equal(store.currentRevision, 3);
  assert.equal(store.keyCount, 2);
  assert.deepEqual(allAt(store), ["a=1 c2 m2 v1", "b=2 c3 m3 v1"]);
  assert.equal(store.put(putOf("c", "3")).revision, 4);
});

Deno.test("txn: an op without a request fails with key not found", () => {
  const store = storeWith([["a", "1"]]);
  assertEtcdError(
    () => store.txn(txnOf([], [{} as RequestOp])),
    "etcdserver: key not found",
  );
});

Deno.test("txn: a key put and deleted in one txn (etcd accepts it from sibling txns)", () => {
  const store = storeWith([["a", "0"]]);
  const result = store.txn(txnOf([], [
    nested(txnOf([], [put("a", "1")])),
    nested(txnOf([], [del("a")])),
    nested(txnOf([], [put("b", "1")])),
  ]));
  assert.equal(result.revision, 3);
  assert.deepEqual(allAt(store), ["b=1 c3 m3 v1"]);
  // Watch-style prevKv: the key at the revision before the txn.
  assert.deepEqual(result.events.map(eventText), [
    "PUT a=1 c2 m3 v2 <- a=0 c2 m2 v1",
    "DELETE a@3 <- a=0 c2 m2 v1",
    "PUT b=1 c3 m3 v1",
  ]);
  // A delete then a put of one key: the put starts a new generation.
  const again = store.txn(txnOf([], [del("a", { rangeEnd: "\0" }), put("b", "2")]));
  assert.deepEqual(responsesText(again.responses), ["delete@4 1", "put@4"]);
  assert.deepEqual(allAt(store), ["b=2 c4 m4 v1"]);
  assert.deepEqual(allAt(store, 3), ["b=1 c3 m3 v1"]);
});
