import assert from "node:assert/strict";
import { KvStore } from "./kv_store.ts";
import { revisionOverheadBytes } from "./store_state.ts";
import {
  allAt,
  assertEtcdError,
  b,
  deleteOf,
  eventText,
  kvText,
  putOf,
  rangeOf,
  storeWith,
  txnOf,
} from "./_testing.ts";

Deno.test("put: one revision per put; create, mod and version", () => {
  const store = new KvStore();
  assert.equal(store.put(putOf("k", "v1")).revision, 2);
  assert.equal(store.put(putOf("k", "v2")).revision, 3);
  assert.equal(store.put(putOf("j", "w")).revision, 4);
  assert.equal(store.currentRevision, 4);
  assert.deepEqual(allAt(store), ["j=w c4 m4 v1", "k=v2 c2 m3 v2"]);
});

Deno.test("put: prevKv is the key before the put, null when it did not exist", () => {
  const store = new KvStore();
  assert.equal(store.put(putOf("k", "v1")).prevKv, null);
  const second = store.put(putOf("k", "v2"));
  assert.equal(kvText(second.prevKv!), "k=v1 c2 m2 v1");
});

Deno.test("put: a put after a delete starts a new generation", () => {
  const store = storeWith([["k", "v1"], ["k", "v2"]]);
  store.deleteRange(deleteOf("k"));
  const put = store.put(putOf("k", "v3"));
  assert.equal(put.prevKv, null);
  assert.deepEqual(allAt(store), ["k=v3 c5 m5 v1"]);
});

Deno.test("put: ignore_value keeps the value, ignore_lease the lease; both need the key", () => {
  const leases = new Set([7n, 8n]);
  const store = new KvStore({ leaseExists: (lease) => leases.has(lease) });
  store.put(putOf("k", "v1", { lease: 7n }));
  store.put(putOf("k", "", { ignoreValue: true, lease: 8n }));
  assert.deepEqual(allAt(store), ["k=v1 c2 m3 v2 l8"]);
  store.put(putOf("k", "v2", { ignoreLease: true }));
  assert.deepEqual(allAt(store), ["k=v2 c2 m4 v3 l8"]);
  const before = store.currentRevision;
  assertEtcdError(
    () => store.put(putOf("nope", "", { ignoreValue: true })),
    "etcdserver: key not found",
  );
  assertEtcdError(
    () => store.put(putOf("nope", "", { ignoreLease: true })),
    "etcdserver: key not found",
  );
  assert.equal(store.currentRevision, before);
  assert.equal(store.range(rangeOf("nope")).count, 0);
});

Deno.test("put: a lease must exist, checked before anything else", () => {
  const store = new KvStore();
  assertEtcdError(
    () => store.put(putOf("k", "v", { lease: 5n })),
    "etcdserver: requested lease not found",
  );
  // The lease check comes first even when ignore_value would fail too.
  assertEtcdError(
    () => store.put(putOf("k", "", { lease: 5n, ignoreValue: true })),
    "etcdserver: requested lease not found",
  );
  assert.equal(store.currentRevision, 1);
  assert.equal(store.keyCount, 0);
  const leased = new KvStore({ leaseExists: (lease) => lease === 5n });
  assert.equal(leased.put(putOf("k", "v", { lease: 5n })).revision, 2);
  assert.deepEqual(allAt(leased), ["k=v c2 m2 v1 l5"]);
});

Deno.test("put: events carry the new kv and the key before", () => {
  const store = new KvStore();
  assert.deepEqual(store.put(putOf("k", "v1")).events.map(eventText), ["PUT k=v1 c2 m2 v1"]);
  assert.deepEqual(store.put(putOf("k", "v2")).events.map(eventText), [
    "PUT k=v2 c2 m3 v2 <- k=v1 c2 m2 v1",
  ]);
});

Deno.test("deleteRange: deletes, bumps once, reports prevKvs only when asked", () => {
  const store = storeWith([["a", "1"], ["b", "2"], ["c", "3"]]);
  const plain = store.deleteRange(deleteOf("a"));
  assert.deepEqual({ ...plain, events: plain.events.map(eventText) }, {
    revision: 5,
    deleted: 1,
    prevKvs: [],
    events: ["DELETE a@5 <- a=1 c2 m2 v1"],
  });
  const ranged = store.deleteRange(deleteOf("a", { rangeEnd: "\0", prevKv: true }));
  assert.equal(ranged.revision, 6);
  assert.equal(ranged.deleted, 2);
  assert.deepEqual(ranged.prevKvs.map(kvText), ["b=2 c3 m3 v1", "c=3 c4 m4 v1"]);
  assert.deepEqual(ranged.events.map(eventText), [
    "DELETE b@6 <- b=2 c3 m3 v1",
    "DELETE c@6 <- c=3 c4 m4 v1",
  ]);
  assert.deepEqual(allAt(store), []);
  assert.deepEqual(allAt(store, 5), ["b=2 c3 m3 v1", "c=3 c4 m4 v1"]);
});

Deno.test("deleteRange: deleting nothing leaves the revision alone", () => {
  const store = storeWith([["a", "1"]]);
  const nothing = store.deleteRange(deleteOf("z", { prevKv: true }));
  assert.deepEqual(nothing, { revision: 2, deleted: 0, prevKvs: [], events: [] });
  assert.equal(store.deleteRange(deleteOf("b", { rangeEnd: "z" })).revision, 2);
  assert.equal(store.currentRevision, 2);
  store.deleteRange(deleteOf("a"));
  assert.equal(store.deleteRange(deleteOf("a")).revision, 3);
  assert.equal(store.currentRevision, 3);
});

Deno.test("delete events: kv has only the key and the deleting revision", () => {
  const store = storeWith([["k", "v"]]);
  const [event] = store.deleteRange(deleteOf("k")).events;
  assert.deepEqual(event!.kv, {
    key: b("k"),
    createRevision: 0,
    modRevision: 3,
    version: 0,
    value: new Uint8Array(0),
    lease: 0n,
  });
  assert.equal(event!.type, "DELETE");
});

Deno.test("keyCount and approximateBytes follow writes", () => {
  const store = new KvStore();
  assert.equal(store.keyCount, 0);
  assert.equal(store.approximateBytes, 0);
  store.put(putOf("ab", "xyz"));
  assert.equal(store.keyCount, 1);
  assert.equal(store.approximateBytes, 2 + 3 + revisionOverheadBytes);
  store.put(putOf("ab", "x"));
  assert.equal(store.keyCount, 1);
  assert.equal(store.approximateBytes, 2 * (2 + revisionOverheadBytes) + 4);
  store.deleteRange(deleteOf("ab"));
  assert.equal(store.keyCount, 0);
  assert.equal(store.approximateBytes, 3 * (2 + revisionOverheadBytes) + 4);
  store.compact(store.currentRevision);
  assert.equal(store.approximateBytes, 0);
});

Deno.test("a value viewing a larger buffer is copied; others are kept by reference", () => {
  const store = new KvStore();
  const buffer = new Uint8Array([1, 2, 3, 4, 5, 6]);
  store.put({ ...putOf("view"), value: buffer.subarray(1, 3) });
  buffer[1] = 99;
  assert.deepEqual(store.range(rangeOf("view")).kvs[0]!.value, new Uint8Array([2, 3]));
  const own = new Uint8Array([7]);
  store.put({ ...putOf("own"), value: own });
  assert.equal(store.range(rangeOf("own")).kvs[0]!.value, own);
});

Deno.test("onWrite: every change is told once with its revision and events; nothing else is", () => {
  const told: string[] = [];
  const store = new KvStore({
    onWrite: (revision, events) => told.push(`${revision}: ${events.map(eventText).join(", ")}`),
  });
  store.put(putOf("a", "1"));
  store.put(putOf("b", "2"));
  store.deleteRange(deleteOf("zzz")); // deletes nothing: no revision, nothing told
  store.txn(txnOf([], [{ requestPut: putOf("a", "3") }, { requestDeleteRange: deleteOf("b") }]));
  assert.throws(() => store.put(putOf("c", "4", { ignoreValue: true }))); // refused: nothing told
  store.deleteRange(deleteOf("a"));
  assert.deepEqual(told.map((line) => line.split(":")[0]), ["2", "3", "4", "5"]);
  assert.equal(told.length, 4);
  assert.match(told[2]!, /^4: PUT a=3 .*, DELETE b/);
  assert.match(told[3]!, /^5: DELETE a/);
});
