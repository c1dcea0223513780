import assert from "node:assert/strict";
import { KvStore } from "./kv_store.ts";
import {
  allAt,
  assertEtcdError,
  deleteOf,
  eventText,
  putOf,
  rangeOf,
  storeWith,
} from "./_testing.ts";

const COMPACTED = "etcdserver: mvcc: required revision has been compacted";
const FUTURE = "etcdserver: mvcc: required revision is a future revision";

Deno.test("compact: etcd's bounds (0 on a fresh store once, never again at or below)", () => {
  const store = new KvStore();
  assert.equal(store.compactRevision, 0);
  assert.deepEqual(store.compact(0), { revision: 1 }); // etcd starts at compactMainRev -1
  assertEtcdError(() => store.compact(0), COMPACTED);
  assertEtcdError(() => store.compact(-1), COMPACTED);
  assertEtcdError(() => store.compact(2), FUTURE);
  store.compact(1);
  assert.equal(store.compactRevision, 1);
  assertEtcdError(() => store.compact(1), COMPACTED);
  assertEtcdError(() => new KvStore().compact(-1), COMPACTED);
});

Deno.test("compact: does not change the revision; reads below fail, at and above answer", () => {
  const store = storeWith([["a", "1"], ["a", "2"], ["b", "1"], ["a", "3"]]);
  const before = [2, 3, 4, 5].map((rev) => allAt(store, rev));
  assert.deepEqual(store.compact(4), { revision: 5 });
  assert.equal(store.currentRevision, 5);
  assert.equal(store.compactRevision, 4);
  for (const rev of [2, 3]) assertEtcdError(() => allAt(store, rev), COMPACTED);
  assert.deepEqual(allAt(store, 4), before[2]);
  assert.deepEqual(allAt(store, 5), before[3]);
  assert.deepEqual(allAt(store), before[3]);
  assertEtcdError(() => store.compact(3), COMPACTED);
  assertEtcdError(() => store.compact(6), FUTURE);
});

Deno.test("compact: keeps each key's newest record at or before it, drops tombstones", () => {
  const store = storeWith([["a", "1"], ["a", "2"], ["b", "1"]]); // a c2 m3, b c4 m4
  store.deleteRange(deleteOf("b")); // 5
  store.put(putOf("c", "1")); // 6
  store.deleteRange(deleteOf("c")); // 7
  store.put(putOf("c", "2")); // 8
  const bytesBefore = store.approximateBytes;
  store.compact(7);
  assert.deepEqual(allAt(store, 7), ["a=2 c2 m3 v2"]);
  assert.deepEqual(allAt(store, 8), ["a=2 c2 m3 v2", "c=2 c8 m8 v1"]);
  assert.ok(store.approximateBytes < bytesBefore);
  assert.equal(store.keyCount, 2);
  // The state after compaction equals a store built with only what was kept.
  const snapshot = KvStore.fromSnapshot(store.toSnapshot());
  assert.equal(snapshot.hash(), store.hash());
  // Compacting at the current revision keeps the latest of every live key.
  store.compact(8);
  assert.deepEqual(allAt(store), ["a=2 c2 m3 v2", "c=2 c8 m8 v1"]);
});

Deno.test("compact: a key deleted at exactly the compacted revision is gone", () => {
  const store = storeWith([["a", "1"], ["b", "1"]]);
  store.deleteRange(deleteOf("a")); // 4
  store.compact(4);
  assert.deepEqual(allAt(store, 4), ["b=1 c3 m3 v1"]);
  assert.deepEqual(store.eventsBetween(4).map(eventText), []);
});

Deno.test("compact: more writes after compaction keep versions and create revisions", () => {
  const store = storeWith([["a", "1"], ["a", "2"], ["a", "3"]]);
  store.compact(4);
  store.put(putOf("a", "4"));
  assert.deepEqual(allAt(store), ["a=4 c2 m5 v4"]);
  assert.deepEqual(allAt(store, 4), ["a=3 c2 m4 v3"]);
  store.compact(5);
  store.deleteRange(deleteOf("a"));
  store.compact(6);
  assert.equal(store.keyCount, 0);
  assert.equal(store.approximateBytes, 0);
  store.put(putOf("a", "new"));
  assert.deepEqual(allAt(store), ["a=new c7 m7 v1"]);
});

Deno.test("eventsBetween: events in revision order with prevKv from the revision before", () => {
  const store = storeWith([["a", "1"], ["b", "1"], ["a", "2"]]);
  store.deleteRange(deleteOf("a", { rangeEnd: "z" })); // 5: a, b
  assert.deepEqual(store.eventsBetween(2).map(eventText), [
    "PUT a=1 c2 m2 v1",
    "PUT b=1 c3 m3 v1",
    "PUT a=2 c2 m4 v2 <- a=1 c2 m2 v1",
    "DELETE a@5 <- a=2 c2 m4 v2",
    "DELETE b@5 <- b=1 c3 m3 v1",
  ]);
  assert.deepEqual(store.eventsBetween(3, 4).map(eventText), [
    "PUT b=1 c3 m3 v1",
    "PUT a=2 c2 m4 v2 <- a=1 c2 m2 v1",
  ]);
  store.compact(4);
  assertEtcdError(() => store.eventsBetween(3), COMPACTED);
  // At the compacted revision: the kept record, without a prevKv (compacted).
  assert.deepEqual(store.eventsBetween(4).map(eventText), [
    "PUT a=2 c2 m4 v2",
    "DELETE a@5 <- a=2 c2 m4 v2",
    "DELETE b@5 <- b=1 c3 m3 v1",
  ]);
});

Deno.test("compact: a record superseded inside its own txn is dropped at that revision", () => {
  const store = storeWith([["x", "0"]]);
  store.txn({
    compare: [],
    success: [
      { requestTxn: { compare: [], success: [{ requestPut: putOf("a", "1") }], failure: [] } },
      {
        requestTxn: { compare: [], success: [{ requestDeleteRange: deleteOf("a") }], failure: [] },
      },
      { requestPut: putOf("b", "1") },
    ],
    failure: [],
  });
  store.compact(3);
  assert.deepEqual(store.eventsBetween(3).map(eventText), ["PUT b=1 c3 m3 v1"]);
  assert.deepEqual(allAt(store, 3), ["b=1 c3 m3 v1", "x=0 c2 m2 v1"]);
  assert.equal(store.range(rangeOf("a")).count, 0);
  assert.equal(KvStore.fromSnapshot(store.toSnapshot()).hash(), store.hash());
});
