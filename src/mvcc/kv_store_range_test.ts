import assert from "node:assert/strict";
import type { SortOrder, SortTarget } from "../proto/rpc.ts";
import { KvStore } from "./kv_store.ts";
import { allAt, assertEtcdError, keysText, kvText, putOf, rangeOf, storeWith } from "./_testing.ts";

const COMPACTED = "etcdserver: mvcc: required revision has been compacted";
const FUTURE = "etcdserver: mvcc: required revision is a future revision";

Deno.test("range: an empty store is at revision 1 and has nothing", () => {
  const store = new KvStore();
  assert.equal(store.currentRevision, 1);
  assert.deepEqual(store.range(rangeOf("foo")), { revision: 1, kvs: [], count: 0, more: false });
  assert.deepEqual(allAt(store), []);
});

Deno.test("range: single key, [key, end), from-key and all keys", () => {
  const store = storeWith([["a", "1"], ["b", "2"], ["c", "3"], ["d", "4"], ["\u00ff", "x"]]);
  assert.deepEqual(store.range(rangeOf("b")).kvs.map(kvText), ["b=2 c3 m3 v1"]);
  assert.equal(store.range(rangeOf("bb")).count, 0);
  assert.equal(keysText(store.range(rangeOf("b", { rangeEnd: "d" })).kvs), "b,c");
  assert.equal(keysText(store.range(rangeOf("b", { rangeEnd: "\0" })).kvs), "b,c,d,\u00ff");
  assert.equal(keysText(store.range(rangeOf("\0", { rangeEnd: "\0" })).kvs), "a,b,c,d,\u00ff");
  // An end at or before the key holds nothing.
  assert.equal(store.range(rangeOf("c", { rangeEnd: "b" })).count, 0);
  assert.equal(store.range(rangeOf("c", { rangeEnd: "c" })).count, 0);
  // A key that is a proper prefix sorts first; bytes compare unsigned.
  const prefixed = storeWith([["ab", "1"], ["a", "2"], ["a\u0000", "3"]]);
  assert.equal(keysText(prefixed.range(rangeOf("a", { rangeEnd: "b" })).kvs), "a,a\0,ab");
});

Deno.test("range: limit cuts kvs and sets more; count is the whole range", () => {
  const store = storeWith([["p/a", "1"], ["p/b", "2"], ["p/c", "3"]]);
  const cut = store.range(rangeOf("p/", { rangeEnd: "p0", limit: 2 }));
  assert.equal(keysText(cut.kvs), "p/a,p/b");
  assert.equal(cut.more, true);
  assert.equal(cut.count, 3);
  const exact = store.range(rangeOf("p/", { rangeEnd: "p0", limit: 3 }));
  assert.equal(exact.more, false);
  assert.equal(exact.kvs.length, 3);
  const negative = store.range(rangeOf("p/", { rangeEnd: "p0", limit: -1 }));
  assert.equal(negative.kvs.length, 3);
  assert.equal(negative.more, false);
});

Deno.test("range: keys_only drops values, count_only drops kvs (limit ignored)", () => {
  const store = storeWith([["a", "1"], ["b", "2"]]);
  assert.deepEqual(
    store.range(rangeOf("a", { rangeEnd: "c", keysOnly: true })).kvs.map(kvText),
    ["a c2 m2 v1", "b c3 m3 v1"],
  );
  const counted = store.range(rangeOf("a", { rangeEnd: "c", countOnly: true, limit: 1 }));
  assert.deepEqual(counted, { revision: 3, kvs: [], count: 2, more: false });
});

Deno.test("range: min/max mod and create filters prune kvs but not count", () => {
  const store = storeWith([["a", "1"], ["b", "1"], ["c", "1"], ["a", "2"]]);
  // a: c2 m5, b: c3 m3, c: c4 m4
  const r = (fields: Parameters<typeof rangeOf>[1]) =>
    store.range(rangeOf("a", { rangeEnd: "z", ...fields }));
  assert.equal(keysText(r({ minModRevision: 4 }).kvs), "a,c");
  assert.equal(r({ minModRevision: 4 }).count, 3);
  assert.equal(keysText(r({ maxModRevision: 4 }).kvs), "b,c");
  assert.equal(keysText(r({ minCreateRevision: 3 }).kvs), "b,c");
  assert.equal(keysText(r({ maxCreateRevision: 3 }).kvs), "a,b");
  assert.equal(keysText(r({ minModRevision: 3, maxCreateRevision: 3 }).kvs), "a,b");
  // With a filter the limit applies after filtering, and more reports that cut.
  const limited = r({ minModRevision: 3, limit: 1 });
  assert.equal(keysText(limited.kvs), "a");
  assert.equal(limited.more, true);
  assert.equal(limited.count, 3);
  const notCut = r({ minModRevision: 5, limit: 1 });
  assert.equal(keysText(notCut.kvs), "a");
  assert.equal(notCut.more, false);
});

Deno.test("range: reads at an old revision see the state then", () => {
  const store = storeWith([["k", "v1"], ["k", "v2"], ["j", "x"]]);
  store.deleteRange({
    key: new TextEncoder().encode("k"),
    rangeEnd: new Uint8Array(0),
    prevKv: false,
  });
  store.put(putOf("k", "v3"));
  assert.equal(store.currentRevision, 6);
  assert.deepEqual(allAt(store, 1), []);
  assert.deepEqual(allAt(store, 2), ["k=v1 c2 m2 v1"]);
  assert.deepEqual(allAt(store, 3), ["k=v2 c2 m3 v2"]);
  assert.deepEqual(allAt(store, 4), ["j=x c4 m4 v1", "k=v2 c2 m3 v2"]);
  assert.deepEqual(allAt(store, 5), ["j=x c4 m4 v1"]);
  assert.deepEqual(allAt(store, 6), ["j=x c4 m4 v1", "k=v3 c6 m6 v1"]);
  // The response revision is the current one even for an old read.
  assert.equal(store.range(rangeOf("k", { revision: 2 })).revision, 6);
});

Deno.test("range: future revisions fail; negative ones read the current revision", () => {
  const store = storeWith([["k", "v1"]]);
  assertEtcdError(() => store.range(rangeOf("k", { revision: 3 })), FUTURE);
  assert.equal(store.range(rangeOf("k", { revision: -5 })).count, 1);
  store.compact(2);
  assert.equal(store.range(rangeOf("k", { revision: -5 })).count, 1);
});

Deno.test("range: below the compacted revision fails; at it still reads", () => {
  const store = storeWith([["k", "v1"], ["k", "v2"], ["k", "v3"]]);
  store.compact(3);
  assertEtcdError(() => store.range(rangeOf("k", { revision: 2 })), COMPACTED);
  assert.deepEqual(store.range(rangeOf("k", { revision: 3 })).kvs.map(kvText), ["k=v2 c2 m3 v2"]);
  assertEtcdError(() => store.range(rangeOf("k", { revision: 9 })), FUTURE);
});

/** Keys with distinct orders by key, version, create, mod and value. */
function sortStore(): KvStore {
  // Puts: b(c2), a(c3), c(c4), a(v2), a(v3), b(v2) → a: c3 m6 v3 "x"; b: c2 m7 v2 "z"; c: c4 m4 v1 "y"
  return storeWith([["b", "q"], ["a", "r"], ["c", "y"], ["a", "s"], ["a", "x"], ["b", "z"]]);
}

Deno.test("range: every sort order and target", () => {
  const store = sortStore();
  const sorted = (sortOrder: SortOrder, sortTarget: SortTarget, limit = 0) =>
    keysText(store.range(rangeOf("a", { rangeEnd: "z", sortOrder, sortTarget, limit })).kvs);
  const expected: [SortOrder, SortTarget, string][] = [
    ["NONE", "KEY", "a,b,c"],
    ["ASCEND", "KEY", "a,b,c"],
    ["DESCEND", "KEY", "c,b,a"],
    ["ASCEND", "VERSION", "c,b,a"],
    ["DESCEND", "VERSION", "a,b,c"],
    ["NONE", "VERSION", "c,b,a"],
    ["ASCEND", "CREATE", "b,a,c"],
    ["DESCEND", "CREATE", "c,a,b"],
    ["NONE", "CREATE", "b,a,c"],
    ["ASCEND", "MOD", "c,a,b"],
    ["DESCEND", "MOD", "b,a,c"],
    ["NONE", "MOD", "c,a,b"],
    ["ASCEND", "VALUE", "a,c,b"],
    ["DESCEND", "VALUE", "b,c,a"],
    ["NONE", "VALUE", "a,c,b"],
  ];
  for (const [order, target, keys] of expected) {
    assert.equal(sorted(order, target), keys, `${order} ${target}`);
  }
  // With a sort order, everything is fetched, sorted, then cut.
  assert.equal(sorted("DESCEND", "KEY", 2), "c,b");
  assert.equal(sorted("ASCEND", "VERSION", 1), "c");
  const more = store.range(rangeOf("a", { rangeEnd: "z", sortOrder: "DESCEND", limit: 2 }));
  assert.equal(more.more, true);
  assert.equal(more.count, 3);
});

Deno.test("range: sort order NONE with another target sorts only the limit + 1 first keys", () => {
  // As etcd 3.4: the limit is pushed down, then those keys are sorted ascending.
  const store = storeWith([["u1", "v"], ["u2", "v"], ["u3", "v"], ["u1", "v"], ["u2", "v"], [
    "u3",
    "v",
  ], ["u4", "v"]]);
  const r = (sortOrder: SortOrder, limit: number) =>
    keysText(
      store.range(rangeOf("u", { rangeEnd: "v", sortTarget: "VERSION", sortOrder, limit })).kvs,
    );
  assert.equal(r("NONE", 2), "u1,u2");
  assert.equal(r("ASCEND", 2), "u4,u1");
  assert.equal(r("NONE", 3), "u4,u1,u2");
});

Deno.test("range: ties keep key order in both directions", () => {
  const store = storeWith([["a", "v"], ["b", "v"], ["c", "v"], ["b", "v"]]);
  const r = (sortOrder: SortOrder) =>
    keysText(store.range(rangeOf("a", { rangeEnd: "z", sortTarget: "VERSION", sortOrder })).kvs);
  assert.equal(r("ASCEND"), "a,c,b");
  assert.equal(r("DESCEND"), "b,a,c");
});

Deno.test("range: binary keys and values, and long keys", () => {
  const store = new KvStore();
  const key = new Uint8Array([0, 255, 128, 1]);
  const long = new Uint8Array(100_000).fill(0x61);
  store.put({
    key,
    value: new Uint8Array([9, 0]),
    lease: 0n,
    prevKv: false,
    ignoreValue: false,
    ignoreLease: false,
  });
  store.put({
    key: long,
    value: long,
    lease: 0n,
    prevKv: false,
    ignoreValue: false,
    ignoreLease: false,
  });
  const all = store.range(rangeOf("\0", { rangeEnd: "\0" })).kvs;
  assert.equal(all.length, 2);
  assert.deepEqual(all[0]!.key, key);
  assert.deepEqual(all[0]!.value, new Uint8Array([9, 0]));
  assert.deepEqual(all[1]!.key, long);
  const one = store.range({ ...rangeOf(""), key: long }).kvs;
  assert.equal(one[0]!.value.length, 100_000);
});

Deno.test("range: ties come back in etcd 3.4's (Go pdqsort) order, recorded from etcd 3.4.23", () => {
  // 40 keys s/01..s/40, value v(i % 3) (s/08 and s/09 empty), then s/05, s/17, s/33 put again.
  const store = new KvStore();
  const name = (i: number) => `s/${String(i).padStart(2, "0")}`;
  for (let i = 1; i <= 40; i++) store.put(putOf(name(i), i === 8 || i === 9 ? "" : `v${i % 3}`));
  for (const i of [5, 17, 33]) store.put(putOf(name(i), `v${i % 3}`));
  const recorded: [SortOrder, SortTarget, string][] = [
    [
      "ASCEND",
      "VERSION",
      "21 35 03 04 40 06 19 08 09 10 11 12 13 14 15 16 39 01 07 02 18 22 23 24 25 26 27 28 29 30 31 32 38 34 20 36 37 33 17 05",
    ],
    [
      "DESCEND",
      "VERSION",
      "05 33 17 21 39 06 22 08 09 10 11 12 13 14 15 16 03 18 19 20 01 07 04 25 24 26 27 28 29 30 31 32 02 34 35 36 37 38 23 40",
    ],
    [
      "ASCEND",
      "VALUE",
      "08 09 30 36 33 06 15 03 39 27 24 12 21 18 31 28 40 37 19 04 13 22 34 01 25 07 10 16 29 26 11 32 05 23 35 20 14 38 02 17",
    ],
    [
      "DESCEND",
      "VALUE",
      "14 02 38 35 05 32 29 26 23 20 11 17 31 28 40 16 37 04 19 10 34 22 13 01 25 07 06 21 15 30 24 39 33 27 18 36 12 03 09 08",
    ],
    [
      "DESCEND",
      "MOD",
      "33 17 05 40 39 38 37 36 35 34 32 31 30 29 28 27 26 25 24 23 22 21 20 19 18 16 15 14 13 12 11 10 09 08 07 06 04 03 02 01",
    ],
  ];
  for (const [sortOrder, sortTarget, expected] of recorded) {
    const kvs = store.range(rangeOf("s/", { rangeEnd: "s0", sortOrder, sortTarget })).kvs;
    assert.equal(
      keysText(kvs).replaceAll("s/", "").replaceAll(",", " "),
      expected,
      `${sortOrder} ${sortTarget}`,
    );
  }
});
