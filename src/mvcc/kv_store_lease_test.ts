import assert from "node:assert/strict";
import type { Event } from "../proto/rpc.ts";
import { utf8Decode } from "../util/bytes.ts";
import { KvStore } from "./kv_store.ts";
import { allAt, b, eventText, putOf } from "./_testing.ts";

Deno.test("deleteKeys: every key in one revision, DELETE events in the given order", () => {
  const writes: [number, string[]][] = [];
  const store = new KvStore({
    leaseExists: () => true,
    onWrite: (revision, events) => writes.push([revision, events.map(eventText)]),
  });
  store.put(putOf("a", "1", { lease: 5n }));
  store.put(putOf("c", "3", { lease: 5n }));
  store.put(putOf("b", "2"));
  writes.length = 0;
  const result = store.deleteKeys([b("c"), b("missing"), b("a"), b("c")]);
  assert.equal(result.revision, 5);
  assert.equal(result.deleted, 2);
  assert.deepEqual(result.prevKvs.map((kv) => utf8Decode(kv.key)), ["c", "a"]);
  assert.deepEqual(writes, [[5, [
    "DELETE c@5 <- c=3 c3 m3 v1 l5",
    "DELETE a@5 <- a=1 c2 m2 v1 l5",
  ]]]);
  assert.deepEqual(allAt(store), ["b=2 c4 m4 v1"]);
});

Deno.test("deleteKeys: nothing to delete leaves the revision and tells no observer", () => {
  let told = 0;
  const store = new KvStore({ onWrite: () => told++ });
  store.put(putOf("a", "1"));
  told = 0;
  const result = store.deleteKeys([b("x"), b("y")]);
  assert.equal(result.revision, 2);
  assert.equal(result.deleted, 0);
  assert.deepEqual(result.events as Event[], []);
  assert.equal(told, 0);
  assert.deepEqual(store.deleteKeys([]).revision, 2);
});

Deno.test("forEachLeasedKey: the live keys with a lease, in key order", () => {
  const store = new KvStore({ leaseExists: () => true });
  store.put(putOf("z", "1", { lease: 9n }));
  store.put(putOf("a", "1", { lease: 7n }));
  store.put(putOf("m", "1"));
  store.put(putOf("d", "1", { lease: 7n }));
  store.deleteKeys([b("d")]);
  store.put(putOf("z", "2")); // the lease dropped by a put without one
  store.put(putOf("q", "1", { lease: 9n }));
  const seen: string[] = [];
  store.forEachLeasedKey((key, lease) => seen.push(`${utf8Decode(key)}:${lease}`));
  assert.deepEqual(seen, ["a:7", "q:9"]);
});

Deno.test("forEachLeasedKey: a store restored from a snapshot keeps the leases of its keys", () => {
  const store = new KvStore({ leaseExists: () => true });
  store.put(putOf("k", "v", { lease: 3n }));
  const restored = KvStore.fromSnapshot(store.toSnapshot());
  const seen: bigint[] = [];
  restored.forEachLeasedKey((_key, lease) => seen.push(lease));
  assert.deepEqual(seen, [3n]);
});
