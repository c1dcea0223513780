import assert from "node:assert/strict";
import { EtcdError } from "../proto/errors.ts";
import type { Event, KeyValue } from "../proto/rpc.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";
import { LeaseTable } from "./lease_table.ts";

function throwsEtcd(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => e instanceof EtcdError && e.message === message);
}

function kv(key: string, lease = 0n): KeyValue {
  return {
    key: utf8Encode(key),
    createRevision: 2,
    modRevision: 2,
    version: 1,
    value: utf8Encode("v"),
    lease,
  };
}

function put(key: string, lease: bigint, prevLease: bigint | null): Event {
  return {
    type: "PUT",
    kv: kv(key, lease),
    prevKv: prevLease === null ? null : kv(key, prevLease),
  };
}

function del(key: string, prevLease: bigint): Event {
  return { type: "DELETE", kv: kv(key), prevKv: kv(key, prevLease) };
}

const names = (keys: readonly Uint8Array[]) => keys.map(utf8Decode);

Deno.test("lease table: grant keeps id and TTL; etcd's errors for 0, too large, existing", () => {
  const table = new LeaseTable();
  assert.deepEqual(table.grant(5n, 60), { id: 5n, ttl: 60 });
  assert.equal(table.has(5n), true);
  throwsEtcd(() => table.grant(0n, 60), "etcdserver: requested lease not found");
  throwsEtcd(() => table.grant(6n, 9_000_000_001), "etcdserver: too large lease TTL");
  throwsEtcd(() => table.grant(5n, 10), "etcdserver: lease already exists");
  assert.deepEqual(table.grant(6n, 9_000_000_000), { id: 6n, ttl: 9_000_000_000 });
  assert.deepEqual(table.leases().map((l) => l.id), [5n, 6n]);
});

Deno.test("lease table: writes attach and detach keys; revoke returns them sorted", () => {
  const table = new LeaseTable();
  table.grant(1n, 10);
  table.grant(2n, 10);
  table.applyEvents([put("b", 1n, null), put("a", 1n, null), put("c", 2n, null)]);
  assert.deepEqual(names(table.keys(1n)), ["a", "b"]);
  table.applyEvents([put("c", 1n, 2n)]); // moved to lease 1
  assert.deepEqual(names(table.keys(2n)), []);
  table.applyEvents([put("b", 0n, 1n), del("a", 1n)]); // dropped by a put without lease, deleted
  assert.deepEqual(names(table.keys(1n)), ["c"]);
  table.applyEvents([put("z", 1n, null), put("\u00ff", 1n, null)]);
  assert.deepEqual(names(table.revoke(1n)), ["c", "z", "\u00ff"]);
  assert.equal(table.has(1n), false);
  throwsEtcd(() => table.revoke(1n), "etcdserver: requested lease not found");
});

Deno.test("lease table: events for unknown leases change nothing", () => {
  const table = new LeaseTable();
  table.applyEvents([put("a", 9n, 8n), del("a", 9n)]);
  assert.equal(table.size, 0);
  assert.deepEqual(table.keys(9n), []);
});

Deno.test("lease table: records round trip without keys", () => {
  const table = new LeaseTable();
  table.grant(3n, 30);
  table.grant(-4n, 40);
  table.applyEvents([put("k", 3n, null)]);
  const copy = LeaseTable.fromRecords(table.toRecords());
  assert.deepEqual(copy.leases(), [{ id: 3n, ttl: 30 }, { id: -4n, ttl: 40 }]);
  assert.deepEqual(copy.keys(3n), []);
});
