import assert from "node:assert/strict";
import { crc32c, crc32Range } from "../util/crc.ts";
import { KvStore } from "./kv_store.ts";
import { MvccSnapshotDecodeError, snapshotFormatVersion } from "./snapshot_codec.ts";
import { allAt, deleteOf, putOf, rangeOf, txnOf } from "./_testing.ts";

/** A store with history, leases, binary and empty values, a txn and a compaction. */
function busyStore(compactAt: number | null): KvStore {
  const store = new KvStore({ leaseExists: () => true });
  store.put(putOf("a", "1"));
  store.put(putOf("b", "", { lease: 0x7fff_ffff_ffff_ffffn }));
  store.put(putOf("a", "2", { lease: -3n }));
  store.deleteRange(deleteOf("b"));
  store.put({ ...putOf("bin"), value: new Uint8Array([0, 255, 1]) });
  store.txn(txnOf([], [
    { requestPut: putOf("c", "x") },
    { requestPut: putOf("b", "again") },
    { requestDeleteRange: deleteOf("a") },
  ]));
  store.put(putOf("a", "3"));
  store.put({ ...putOf(""), key: new Uint8Array(70_000).fill(7), value: new Uint8Array(90_000) });
  if (compactAt !== null) store.compact(compactAt);
  return store;
}

function answersAt(store: KvStore, rev: number): string[] {
  try {
    return allAt(store, rev);
  } catch (error) {
    return [String(error)];
  }
}

Deno.test("snapshot: restore is exact (hash, revisions, every retained revision, later writes)", () => {
  for (const compactAt of [null, 0, 3, 5, 7, 9]) {
    const store = busyStore(compactAt);
    const bytes = store.toSnapshot();
    const restored = KvStore.fromSnapshot(bytes);
    assert.equal(restored.hash(), store.hash(), `compact ${compactAt}`);
    assert.equal(restored.currentRevision, store.currentRevision);
    assert.equal(restored.compactRevision, store.compactRevision);
    assert.equal(restored.keyCount, store.keyCount);
    assert.equal(restored.approximateBytes, store.approximateBytes);
    assert.deepEqual(restored.toSnapshot(), bytes);
    for (let rev = 1; rev <= store.currentRevision; rev++) {
      assert.deepEqual(answersAt(restored, rev), answersAt(store, rev), `rev ${rev}`);
    }
    const from = Math.max(store.compactRevision, 1);
    assert.deepEqual(restored.eventsBetween(from), store.eventsBetween(from));
    // Both go on identically.
    for (const s of [store, restored]) {
      s.put(putOf("a", "4"));
      s.deleteRange(deleteOf("c"));
    }
    assert.equal(restored.hash(), store.hash());
  }
});

Deno.test("snapshot: compact(0) on a fresh store survives the round trip", () => {
  const store = new KvStore();
  store.compact(0);
  const restored = KvStore.fromSnapshot(store.toSnapshot());
  assert.notEqual(restored.hash(), new KvStore().hash());
  assert.throws(() => restored.compact(0), /required revision has been compacted/);
  restored.compact(1);
});

Deno.test("snapshot: hash is the trailer CRC; equal states hash equal, others differ", () => {
  const one = busyStore(null);
  const two = busyStore(null);
  assert.equal(one.hash(), two.hash());
  const bytes = one.toSnapshot();
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  assert.equal(view.getUint32(bytes.length - 4, true), one.hash());
  assert.equal(crc32Range(bytes, 0, bytes.length - 4, 0), one.hash());
  two.put(putOf("a", "3")); // same value, one more revision
  assert.notEqual(one.hash(), two.hash());
  const three = busyStore(null);
  three.compact(2);
  assert.notEqual(one.hash(), three.hash());
  assert.equal(new KvStore().hash(), new KvStore().hash());
});

Deno.test("snapshot: a subarray view decodes like its own buffer", () => {
  const bytes = busyStore(5).toSnapshot();
  const padded = new Uint8Array(bytes.length + 20);
  padded.set(bytes, 7);
  const restored = KvStore.fromSnapshot(padded.subarray(7, 7 + bytes.length));
  assert.equal(restored.hash(), KvStore.fromSnapshot(bytes).hash());
});

function assertDecodeError(bytes: Uint8Array, pattern?: RegExp): void {
  assert.throws(
    () => KvStore.fromSnapshot(bytes),
    (error: unknown) =>
      error instanceof MvccSnapshotDecodeError &&
      (pattern === undefined || pattern.test(error.message)),
  );
}

Deno.test("snapshot: every truncation throws the typed error", () => {
  const bytes = busyStore(3).toSnapshot();
  for (let length = 0; length < bytes.length; length += length < 200 ? 1 : 997) {
    assertDecodeError(bytes.subarray(0, length));
  }
  assertDecodeError(new Uint8Array(0), /truncated/);
});

Deno.test("snapshot: every single bit flip throws the typed error", () => {
  const store = new KvStore();
  store.put(putOf("a", "1"));
  store.put(putOf("b", "2"));
  store.deleteRange(deleteOf("a"));
  const bytes = store.toSnapshot();
  for (let i = 0; i < bytes.length; i++) {
    for (let bit = 0; bit < 8; bit++) {
      const flipped = bytes.slice();
      flipped[i]! ^= 1 << bit;
      assertDecodeError(flipped);
    }
  }
  const big = busyStore(5).toSnapshot();
  for (let i = 0; i < big.length; i += 311) {
    const flipped = big.slice();
    flipped[i]! ^= 0x10;
    assertDecodeError(flipped);
  }
});

/** Re-seals `body` (everything but the trailer) with a valid CRC (format 1's CRC-32C with `crc`). */
function sealed(body: number[], crc = crc32Range): Uint8Array {
  const bytes = new Uint8Array(body.length + 4);
  bytes.set(body);
  new DataView(bytes.buffer).setUint32(body.length, crc(bytes, 0, body.length, 0), true);
  return bytes;
}

Deno.test("snapshot: format 1 (older builds, a CRC-32C trailer) still decodes; each version checks its own CRC", () => {
  const store = busyStore(null);
  const bytes = store.toSnapshot();
  assert.equal(bytes[4], 2);
  const body = [...bytes.subarray(0, bytes.length - 4)];
  body[4] = 1;
  const crc32cOf = (b: Uint8Array, from: number, to: number) => crc32c(b.subarray(from, to));
  const legacy = KvStore.fromSnapshot(sealed(body, crc32cOf));
  assert.equal(legacy.hash(), store.hash());
  assert.deepEqual(allAt(legacy), allAt(store));
  assertDecodeError(sealed(body)); // format 1 sealed with a CRC-32
  body[4] = 2;
  assertDecodeError(sealed(body, crc32cOf)); // format 2 sealed with a CRC-32C
  body[4] = 3;
  assertDecodeError(sealed(body));
});

const MAGIC = [0x65, 0x74, 0x6b, 0x76, snapshotFormatVersion];

Deno.test("snapshot: well-sealed but inconsistent states are refused", () => {
  // current 3, never compacted, 1 key "a" with 2 records: put@2 v1, put@3 v1 (bad version).
  const put = (
    delta: number,
    create: number,
    version: number,
    value: number,
  ) => [0, delta, 0, create, version, 1, value];
  const key = [1, 0x61];
  const good = sealed([...MAGIC, 3, 0, 1, ...key, 2, ...put(2, 2, 1, 9), ...put(1, 2, 2, 8)]);
  assert.deepEqual(allAt(KvStore.fromSnapshot(good)), ["a=\b c2 m3 v2"]);
  const cases: [number[], RegExp][] = [
    [[...MAGIC, 3, 0, 1, ...key, 2, ...put(2, 2, 1, 9), ...put(1, 2, 1, 8)], /out of sequence/],
    [[...MAGIC, 3, 0, 1, ...key, 2, ...put(2, 2, 1, 9), ...put(0, 2, 2, 8)], /out of order/],
    [[...MAGIC, 3, 0, 1, ...key, 1, ...put(3, 3, 1, 9)], /revision 2 has no record/],
    [[...MAGIC, 2, 0, 1, ...key, 2, ...put(2, 2, 1, 9), ...put(1, 2, 2, 8)], /out of range/],
    [[...MAGIC, 3, 0, 1, ...key, 1, 1, 2, 0], /tombstone of a missing key/],
    [[...MAGIC, 3, 0, 1, ...key, 1, ...put(2, 2, 2, 9)], /version 1/],
    [[...MAGIC, 3, 5, 1, ...key, 1, ...put(2, 2, 1, 9)], /compacted revision 4 ahead/],
    [[...MAGIC, 3, 4, 1, ...key, 2, ...put(2, 2, 1, 9), ...put(1, 2, 2, 8)], /before compaction/],
    [
      [...MAGIC, 3, 0, 2, ...key, 1, ...put(2, 2, 1, 9), ...key, 1, ...put(3, 3, 1, 9)],
      /keys out of order/,
    ],
    [[...MAGIC, 3, 0, 1, 0, 1, ...put(2, 2, 1, 9)], /empty key/],
    [[...MAGIC, 3, 0, 1, ...key, 1, 4, 2, 0, 2, 1, 0], /unknown record flags/],
    [[...MAGIC, 3, 0, 1, ...key, 1, 2, 2, 0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0], /lease 0/],
    [[...MAGIC, 3, 0, 1, ...key, 1, ...put(2, 2, 1, 9), 5], /after the last key/],
    [[...MAGIC, 3, 0, 200, ...key, 1, ...put(2, 2, 1, 9)], /keys in/],
    [[...MAGIC, 0x80, 0x00, 0, 0], /not minimal/],
    [[...MAGIC, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], /varint/],
    [[0x65, 0x74, 0x6b, 0x76, 9, 1, 0, 0], /unsupported format version 9/],
    [[0x4d, 0x74, 0x6b, 0x76, 1, 1, 0, 0], /not an etcd-ts mvcc snapshot/],
  ];
  for (const [body, pattern] of cases) {
    try {
      assertDecodeError(sealed(body), pattern);
    } catch (error) {
      throw new Error(`case ${pattern}: ${error}`);
    }
  }
  // Two records at one revision need distinct subs 0..n-1.
  const twoKeys = (subA: number, subB: number) =>
    sealed([...MAGIC, 2, 0, 2, 1, 0x61, 1, 0, 2, subA, 2, 1, 0, 1, 0x62, 1, 0, 2, subB, 2, 1, 0]);
  assert.equal(KvStore.fromSnapshot(twoKeys(1, 0)).range(rangeOf("a", { rangeEnd: "c" })).count, 2);
  assertDecodeError(twoKeys(0, 0), /sub-revisions/);
  assertDecodeError(twoKeys(0, 2), /sub-revisions/);
});
