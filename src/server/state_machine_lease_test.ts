import assert from "node:assert/strict";
import { Packr } from "msgpackr";
import { encodeRequest, type InternalRequest } from "./entry_codec.ts";
import { type ApplyResult, StateMachine } from "./state_machine.ts";
import { deleteRangeRequest, putRequest, rangeRequest, txnRequest } from "../proto/rpc.ts";
import type { LeaseGrantResponse } from "../proto/rpc_lease.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";

const options = { quotaBytes: 1 << 30 };
const member = {
  id: 1n,
  name: "a",
  peerUrls: ["http://127.0.0.1:2380"],
  clientUrls: [],
  isLearner: false,
};

/** An entry's request without its id. */
type Request = InternalRequest extends infer R ? R extends unknown ? Omit<R, "id"> : never : never;

/** A machine that applies requests at consecutive indexes. */
class Applier {
  machine = StateMachine.create([member], options);
  #n = 0;
  apply(request: Request): ApplyResult {
    const index = this.machine.appliedIndex + 1;
    const data = encodeRequest({ ...request, id: `r${++this.#n}` } as InternalRequest);
    return this.machine.applyEntry(index, data).result;
  }
  put(key: string, lease = 0n): ApplyResult {
    return this.apply({
      kind: "put",
      request: putRequest({ key: utf8Encode(key), value: utf8Encode("v"), lease }),
    });
  }
  grant(leaseId: bigint, ttl = 10): ApplyResult {
    return this.apply({ kind: "leaseGrant", leaseId, ttl });
  }
  revoke(leaseId: bigint): ApplyResult {
    return this.apply({ kind: "leaseRevoke", leaseId });
  }
  keys(): string[] {
    const all = rangeRequest({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]) });
    return this.machine.kv.range(all).kvs.map((kv) => utf8Decode(kv.key));
  }
}

const errorOf = (result: ApplyResult) => (result.ok ? "ok" : result.error.message);
const keysOf = (machine: StateMachine, id: bigint) => machine.leases.keys(id).map(utf8Decode);

Deno.test("state machine: grant answers id and TTL at the current revision; errors as etcd", () => {
  const a = new Applier();
  a.put("x");
  const granted = a.grant(0x73d4a20a160cfb14n, 60);
  assert.ok(granted.ok);
  assert.equal(granted.revision, 2); // a grant changes no key
  const response = granted.response as LeaseGrantResponse;
  assert.equal(response.id, 0x73d4a20a160cfb14n);
  assert.equal(response.ttl, 60);
  assert.equal(errorOf(a.grant(0x73d4a20a160cfb14n)), "etcdserver: lease already exists");
  assert.equal(errorOf(a.grant(0n)), "etcdserver: requested lease not found");
  assert.equal(errorOf(a.grant(9n, 9_000_000_001)), "etcdserver: too large lease TTL");
});

Deno.test("state machine: puts need the lease (also in txns) and attach keys; writes detach them", () => {
  const a = new Applier();
  assert.equal(errorOf(a.put("k", 5n)), "etcdserver: requested lease not found");
  const txn = txnRequest({
    success: [{ requestPut: putRequest({ key: utf8Encode("t"), lease: 5n }) }],
  });
  assert.equal(
    errorOf(a.apply({ kind: "txn", request: txn })),
    "etcdserver: requested lease not found",
  );
  a.grant(5n);
  a.grant(6n);
  a.put("k1", 5n);
  a.put("k2", 5n);
  assert.equal(a.apply({ kind: "txn", request: txn }).ok, true);
  assert.deepEqual(keysOf(a.machine, 5n), ["k1", "k2", "t"]);
  a.put("k1", 6n);
  a.put("k2");
  a.apply({
    kind: "deleteRange",
    request: deleteRangeRequest({ key: utf8Encode("t") }),
  });
  assert.deepEqual(keysOf(a.machine, 5n), []);
  assert.deepEqual(keysOf(a.machine, 6n), ["k1"]);
});

Deno.test("state machine: revoke deletes every attached key in one revision with DELETE events", () => {
  const a = new Applier();
  const seen: string[] = [];
  a.grant(5n);
  a.put("b", 5n);
  a.put("a", 5n);
  a.put("other");
  const before = a.machine.kv.currentRevision;
  const revoked = a.revoke(5n);
  assert.ok(revoked.ok);
  assert.equal(revoked.revision, before + 1);
  for (const event of a.machine.kv.eventsBetween(before + 1)) {
    seen.push(`${event.type} ${utf8Decode(event.kv.key)}@${event.kv.modRevision}`);
  }
  assert.deepEqual(seen, [`DELETE a@${before + 1}`, `DELETE b@${before + 1}`]);
  assert.deepEqual(a.keys(), ["other"]);
  assert.equal(a.machine.leases.has(5n), false);
  assert.equal(errorOf(a.revoke(5n)), "etcdserver: requested lease not found");
  a.grant(7n);
  const empty = a.revoke(7n);
  assert.ok(empty.ok);
  assert.equal(empty.revision, before + 1); // no keys: no new revision
});

Deno.test("state machine: leases and their keys survive a snapshot restore", () => {
  const a = new Applier();
  a.grant(5n, 30);
  a.grant(-3n, 40);
  a.put("k1", 5n);
  a.put("k2", -3n);
  a.put("k3");
  const restored = StateMachine.restore(a.machine.snapshot(), a.machine.appliedIndex, options);
  assert.deepEqual(restored.leases.leases(), [{ id: 5n, ttl: 30 }, { id: -3n, ttl: 40 }]);
  assert.deepEqual(keysOf(restored, 5n), ["k1"]);
  assert.deepEqual(keysOf(restored, -3n), ["k2"]);
  // The restored store still checks and follows leases.
  const b = new Applier();
  b.machine = restored;
  assert.equal(errorOf(b.put("k4", 8n)), "etcdserver: requested lease not found");
  b.put("k4", 5n);
  assert.deepEqual(keysOf(restored, 5n), ["k1", "k4"]);
  assert.ok(b.revoke(5n).ok);
  assert.deepEqual(b.keys(), ["k2", "k3"]);
});

Deno.test("state machine: the step-by-step snapshot carries the leases as of its start", () => {
  const a = new Applier();
  a.grant(5n);
  a.put("k", 5n);
  const writer = a.machine.beginSnapshot();
  a.grant(6n);
  while (!writer.step(1024));
  const restored = StateMachine.restore(writer.result(), writer.index, options);
  assert.deepEqual(restored.leases.leases().map((l) => l.id), [5n]);
  assert.deepEqual(keysOf(restored, 5n), ["k"]);
});

Deno.test("state machine: a snapshot made before leases existed restores with none", () => {
  const packr = new Packr(
    { useRecords: false, int64AsType: "bigint" } as ConstructorParameters<typeof Packr>[0],
  );
  const old = packr.pack({
    v: 1,
    applied: 1,
    members: [member],
    removed: [],
    kv: new Uint8Array(0),
  });
  const restored = StateMachine.restore(old, 1, options);
  assert.equal(restored.leases.size, 0);
  const bad = packr.pack({ v: 1, applied: 1, members: [member], removed: [], leases: [[0n, 5]] });
  assert.throws(() => StateMachine.restore(bad, 1, options), /bad lease/);
});

Deno.test("state machine: a grant beyond the backend quota fails with NOSPACE (etcd's quotaLeaseServer)", () => {
  const a = new Applier();
  a.machine = StateMachine.create([member], { quotaBytes: 100 });
  assert.ok(a.put("x").ok);
  const bytes = a.machine.kv.approximateBytes;
  assert.ok(bytes > 100 - 64, `the store holds ${bytes} bytes: a grant's 64 do not fit`);
  assert.equal(errorOf(a.grant(7n)), "etcdserver: mvcc: database space exceeded");
  assert.equal(a.machine.leases.has(7n), false);
  const roomy = new Applier();
  roomy.machine = StateMachine.create([member], { quotaBytes: 4096 });
  assert.ok(roomy.put("x").ok);
  assert.ok(roomy.grant(7n).ok, "a grant that fits");
});

Deno.test("state machine: a large step-by-step snapshot decodes as the one packed at once", () => {
  const a = new Applier();
  a.grant(5n);
  for (let i = 0; i < 8_000; i++) a.put(`key/${i % 900}`, i % 2 === 0 ? 5n : 0n);
  const packr = new Packr(
    { useRecords: false, int64AsType: "bigint" } as ConstructorParameters<typeof Packr>[0],
  );
  const whole = a.machine.snapshot();
  const writer = a.machine.beginSnapshot();
  assert.throws(() => writer.result(), /result before the last step/);
  while (!writer.step(4096));
  const stepped = writer.result();
  assert.ok(stepped.length > 100_000, `${stepped.length} bytes: the kv is a bin 32`);
  const decode = (bytes: Uint8Array) => {
    const { kv, ...rest } = packr.unpack(bytes);
    return { ...rest, kv: Uint8Array.from(kv) };
  };
  assert.deepEqual(decode(stepped), decode(whole));
  const restored = StateMachine.restore(stepped, writer.index, options);
  assert.deepEqual(keysOf(restored, 5n).length, 450);
  assert.equal(restored.kv.currentRevision, a.machine.kv.currentRevision);
});
