/**
 * The incremental snapshot: a cursor stepped with small budgets while the
 * store takes puts, deletes, txns and compactions must produce exactly the
 * bytes toSnapshot() gave when it began, and the store must answer exactly
 * as a twin store without a cursor (same results, errors, hash, snapshot,
 * approximateBytes) while it is open; its deferred compaction happens when
 * it finishes or is cancelled.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { EtcdError } from "../proto/errors.ts";
import type { RequestOp } from "../proto/rpc.ts";
import { KvStore, type KvStoreOptions } from "./kv_store.ts";
import { compareOf, deleteOf, eventText, kvText, putOf, rangeOf, txnOf } from "./_testing.ts";
import type { SnapshotCursor } from "./snapshot_cursor.ts";

const OPTIONS: KvStoreOptions = { leaseExists: (lease) => lease <= 3n };
const KEYS = ["a", "ab", "abc", "b", "b\0", "c", "d\u00ff", "e", "f", "zz"];

type Op =
  | { kind: "put"; key: string; value: string; lease: bigint; big: boolean }
  | { kind: "delete"; key: string; end: string | null }
  | { kind: "txn"; key: string; other: string; version: number; value: string }
  /** At the compacted revision (-1), between it and the current one (0…10), beyond (11). */
  | { kind: "compact"; at: number }
  | { kind: "step"; budget: number };

const keyArb = fc.oneof(fc.constantFrom(...KEYS), fc.string({ minLength: 1, maxLength: 3 }));

const writeArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constant("put" as const),
      key: keyArb,
      value: fc.string({ maxLength: 6 }),
      lease: fc.constantFrom(0n, 0n, 1n, 3n, 9n),
      big: fc.constant(false),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant("put" as const),
      key: keyArb,
      value: fc.string({ maxLength: 6 }),
      lease: fc.constant(0n),
      big: fc.constant(true),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("delete" as const),
      key: keyArb,
      end: fc.option(fc.constantFrom("", "b", "c", "f", "zzz"), { nil: null }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("txn" as const),
      key: keyArb,
      other: keyArb,
      version: fc.integer({ min: 0, max: 3 }),
      value: fc.string({ maxLength: 4 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant("compact" as const),
      at: fc.integer({ min: -1, max: 11 }),
    }),
  },
);

const stepArb: fc.Arbitrary<Op> = fc.record({
  kind: fc.constant("step" as const),
  budget: fc.oneof(
    { weight: 6, arbitrary: fc.integer({ min: 0, max: 8 }) },
    { weight: 1, arbitrary: fc.integer({ min: 13, max: 400 }) },
  ),
});

const endBytes = (end: string | null) => (end === null ? "" : end === "" ? "\0" : end);

/** Applies a write; returns the outcome (or the error) as text. */
function apply(store: KvStore, op: Op): string {
  try {
    switch (op.kind) {
      case "put": {
        const value = op.big ? op.value.repeat(1 + 40_000 / (op.value.length + 1)) : op.value;
        const r = store.put(putOf(op.key, value, { lease: op.lease }));
        return `put ${r.revision} ${r.events.map(eventText).join(";")}`;
      }
      case "delete": {
        const r = store.deleteRange(deleteOf(op.key, { rangeEnd: endBytes(op.end), prevKv: true }));
        return `delete ${r.revision} ${r.deleted} ${r.prevKvs.map(kvText)} ${r.events.length}`;
      }
      case "txn": {
        const put: RequestOp = { requestPut: putOf(op.key, op.value) };
        const del: RequestOp = { requestDeleteRange: deleteOf(op.other) };
        const read: RequestOp = { requestRange: rangeOf(op.other) };
        const r = store.txn(
          txnOf([compareOf(op.key, { target: "VERSION", version: op.version })], [put, read], [
            del,
            read,
          ]),
        );
        return `txn ${r.revision} ${r.succeeded} ${r.events.map(eventText).join(";")}`;
      }
      case "compact": {
        const low = store.compactRevision;
        const high = store.currentRevision;
        const rev = op.at < 0
          ? low
          : op.at > 10
          ? high + 1
          : low + 1 + Math.floor(op.at * (high - low - 1) / 10);
        return `compact ${store.compact(rev).revision}`;
      }
      case "step":
        throw new Error("not a write");
    }
  } catch (error) {
    if (error instanceof EtcdError) return `error ${error.message}`;
    throw error;
  }
}

/** Every answer a reader can get: reads at every revision (or their errors), events, counts. */
function answers(store: KvStore): string[] {
  const out = [
    `rev ${store.currentRevision} compact ${store.compactRevision} keys ${store.keyCount}`,
    `bytes ${store.approximateBytes} hash ${store.hash()}`,
  ];
  for (let rev = 0; rev <= store.currentRevision + 1; rev++) {
    try {
      const r = store.range(rangeOf("\0", { rangeEnd: "\0", revision: rev }));
      out.push(`${rev}: ${r.count} ${r.kvs.map(kvText).join(",")}`);
    } catch (error) {
      out.push(`${rev}: ${(error as Error).message}`);
    }
  }
  for (const from of [store.compactRevision - 1, store.compactRevision, store.currentRevision]) {
    try {
      out.push(`events ${from}: ${store.eventsBetween(from).map(eventText).join(";")}`);
    } catch (error) {
      out.push(`events ${from}: ${(error as Error).message}`);
    }
  }
  return out;
}

/** Steps `cursor` to its end with `budget`; returns the number of steps. */
function finish(cursor: SnapshotCursor, budget: number): number {
  let steps = 1;
  while (!cursor.step(budget)) steps++;
  return steps;
}

function twinStores(prefix: readonly Op[]): [KvStore, KvStore] {
  const live = new KvStore(OPTIONS);
  const twin = new KvStore(OPTIONS);
  for (const op of prefix) assert.equal(apply(live, op), apply(twin, op));
  return [live, twin];
}

/**
 * Runs `ops` on `live` (with `cursor` open) and `twin`, stepping the cursor
 * at the step ops, and checks the two agree on everything along the way.
 */
function interleave(
  live: KvStore,
  twin: KvStore,
  cursor: SnapshotCursor,
  ops: readonly Op[],
): boolean {
  let writes = 0;
  let finished = false;
  for (const op of ops) {
    if (op.kind === "step") {
      finished = cursor.step(op.budget);
      assert.equal(live.snapshotting, !finished);
      continue;
    }
    assert.equal(apply(live, op), apply(twin, op));
    if (++writes % 5 === 0) assert.deepEqual(answers(live), answers(twin));
  }
  assert.deepEqual(answers(live), answers(twin));
  assert.deepEqual(live.toSnapshot(), twin.toSnapshot());
  return finished;
}

Deno.test("snapshot cursor: stepped while the store changes, gives toSnapshot() at its start", () => {
  fc.assert(
    fc.property(
      fc.array(writeArb, { minLength: 5, maxLength: 60, size: "large" }),
      fc.array(fc.oneof({ weight: 3, arbitrary: writeArb }, stepArb), {
        minLength: 10,
        maxLength: 80,
        size: "large",
      }),
      fc.integer({ min: 1, max: 200 }),
      (prefix, ops, lastBudget) => {
        const [live, twin] = twinStores(prefix);
        const expected = live.toSnapshot();
        const atR = answers(live);
        const cursor = live.beginSnapshot();
        assert.equal(cursor.revision, live.currentRevision);
        interleave(live, twin, cursor, ops);
        finish(cursor, lastBudget);
        assert.deepEqual(cursor.result(), expected);
        const restored = KvStore.fromSnapshot(cursor.result(), OPTIONS);
        assert.deepEqual(answers(restored), atR);
        // The deferred compaction is done: the held state is the twin's.
        assert.equal(live.snapshotting, false);
        assert.equal(live.heldBytes, twin.heldBytes);
        assert.equal(live.approximateBytes, twin.approximateBytes);
        assert.deepEqual(live.toSnapshot(), twin.toSnapshot());
        assert.deepEqual(answers(live), answers(twin));
        // ... and the store keeps working alike.
        for (const op of ops) {
          if (op.kind !== "step") assert.equal(apply(live, op), apply(twin, op));
        }
        assert.deepEqual(live.toSnapshot(), twin.toSnapshot());
      },
    ),
    { seed: 20240611, numRuns: 300 },
  );
});

Deno.test("snapshot cursor: cancelled midway, the deferred compaction happens and nothing differs", () => {
  fc.assert(
    fc.property(
      fc.array(writeArb, { minLength: 5, maxLength: 60, size: "large" }),
      fc.array(fc.oneof({ weight: 3, arbitrary: writeArb }, stepArb), {
        minLength: 10,
        maxLength: 60,
        size: "large",
      }),
      (prefix, ops) => {
        const [live, twin] = twinStores(prefix);
        const cursor = live.beginSnapshot();
        const finished = interleave(live, twin, cursor, ops);
        cursor.cancel();
        assert.equal(live.snapshotting, false);
        assert.equal(live.heldBytes, twin.heldBytes);
        assert.deepEqual(live.toSnapshot(), twin.toSnapshot());
        if (finished) assert.equal(cursor.step(10), true);
        else assert.throws(() => cursor.step(10), /cancelled/);
        const next = live.beginSnapshot();
        finish(next, 64);
        assert.deepEqual(next.result(), twin.toSnapshot());
      },
    ),
    { seed: 7, numRuns: 150 },
  );
});

function historyStore(): KvStore {
  const store = new KvStore(OPTIONS);
  for (let i = 0; i < 50; i++) {
    store.put(putOf(`k${i % 10}`, `value ${i}`.repeat(5), { lease: BigInt(i % 3) }));
    if (i % 7 === 3) store.deleteRange(deleteOf(`k${(i + 1) % 10}`));
  }
  return store;
}

Deno.test("snapshot cursor: any budget, run at once, equals toSnapshot()", () => {
  for (const store of [new KvStore(), historyStore()]) {
    for (const budget of [0, 1, 7, 100, 1 << 20, Infinity]) {
      const expected = store.toSnapshot();
      const cursor = store.beginSnapshot();
      finish(cursor, budget);
      assert.deepEqual(cursor.result(), expected);
      assert.deepEqual(cursor.result(), store.toSnapshot());
    }
    store.compact(store.currentRevision);
  }
});

Deno.test("snapshot cursor: a step stops near its budget", () => {
  const store = historyStore();
  const total = store.toSnapshot().length;
  const budget = 256;
  const steps = finish(store.beginSnapshot(), budget);
  const recordMax = 64; // "value 49" × 5 plus the record's fields and a key header
  assert.ok(steps <= Math.ceil(total / budget) + 1, `${steps} steps`);
  assert.ok(steps >= Math.floor(total / (budget + recordMax)), `${steps} steps`);
});

Deno.test("snapshot cursor: one at a time; result only when finished; cancel after finish", () => {
  const store = historyStore();
  const cursor = store.beginSnapshot();
  assert.throws(() => store.beginSnapshot(), /one snapshot cursor at a time/);
  assert.throws(() => cursor.result(), /unfinished/);
  assert.equal(cursor.step(10), false);
  finish(cursor, 10);
  assert.equal(cursor.step(10), true);
  cursor.cancel(); // no-op once finished
  assert.ok(cursor.result().length > 0);
  const again = store.beginSnapshot();
  again.cancel();
  again.cancel();
  store.beginSnapshot().cancel();
});

Deno.test("snapshot cursor: compaction is deferred until the cursor ends, reads fail at once", () => {
  for (const end of ["finish", "cancel"] as const) {
    const store = historyStore();
    const twin = historyStore();
    const expected = store.toSnapshot();
    const cursor = store.beginSnapshot();
    const rev = store.currentRevision;
    cursor.step(100);
    store.put(putOf("k1", "after"));
    twin.put(putOf("k1", "after"));
    store.compact(rev);
    twin.compact(rev);
    const heldBefore = store.heldBytes;
    assert.ok(heldBefore > store.approximateBytes, "history is held");
    assert.equal(store.approximateBytes, twin.approximateBytes);
    assert.throws(() => store.range(rangeOf("k1", { revision: rev - 1 })), /compacted/);
    assert.throws(() => store.eventsBetween(rev - 1), /compacted/);
    assert.throws(() => store.compact(rev), /compacted/);
    assert.equal(store.hash(), twin.hash());
    assert.deepEqual(store.toSnapshot(), twin.toSnapshot());
    store.compact(rev + 1); // a second deferred compaction
    twin.compact(rev + 1);
    assert.equal(store.approximateBytes, twin.approximateBytes);
    assert.equal(store.hash(), twin.hash());
    if (end === "finish") {
      finish(cursor, 100);
      assert.deepEqual(cursor.result(), expected);
    } else {
      cursor.cancel();
    }
    assert.ok(store.heldBytes < heldBefore, `${end}: the held history dropped`);
    assert.equal(store.heldBytes, twin.heldBytes);
    assert.deepEqual(store.toSnapshot(), twin.toSnapshot());
    assert.deepEqual(answers(store), answers(twin));
  }
});

Deno.test("snapshot cursor: skips keys, generations and tombstones made after its revision", () => {
  const store = new KvStore();
  store.put(putOf("b", "1")); // 2
  store.put(putOf("d", "1")); // 3
  store.deleteRange(deleteOf("d")); // 4
  const expected = store.toSnapshot();
  const atR = answers(store);
  const cursor = store.beginSnapshot();
  cursor.step(1); // inside the header / first key
  store.put(putOf("a", "new")); // a key before the cursor's place
  store.put(putOf("c", "new")); // a key after it
  store.put(putOf("d", "again")); // a new generation of a deleted key
  store.deleteRange(deleteOf("b")); // a tombstone of a key already (partly) written
  store.put(putOf("b", "again"));
  store.txn(txnOf([], [{ requestPut: putOf("e", "x") }, { requestDeleteRange: deleteOf("e") }]));
  store.compact(store.currentRevision);
  finish(cursor, 1);
  assert.deepEqual(cursor.result(), expected);
  assert.deepEqual(answers(KvStore.fromSnapshot(cursor.result())), atR);
});

/** Whether two byte arrays are equal (without a diff of hundreds of KB on failure). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((byte, i) => byte === b[i]);
}

Deno.test("snapshot cursor: a large store in small steps gives toSnapshot() after the headroom asked for, in place", () => {
  const store = new KvStore(OPTIONS);
  const value = "v".repeat(700);
  for (let i = 0; i < 2_000; i++) store.put(putOf(`key/${i % 700}`, `${i}:${value}`));
  const expected = store.toSnapshot();
  assert.ok(expected.length > 10 * 64 * 1024, `${expected.length} bytes`);
  const cursor = store.beginSnapshot(7);
  assert.equal(cursor.headroomBytes, 7);
  assert.ok(finish(cursor, 32 * 1024) > 10);
  const result = cursor.result();
  assert.equal(result.length, 7 + expected.length);
  assert.deepEqual([...result.subarray(0, 7)], [0, 0, 0, 0, 0, 0, 0]);
  assert.ok(sameBytes(result.subarray(7), expected));
  assert.equal(cursor.result(), result, "the same bytes every time, never copied");
  // Written in place: the result views the buffer the cursor sized from the
  // state's estimate up front (no growth, no final copy).
  assert.ok(result.buffer.byteLength >= result.length);
  assert.ok(result.buffer.byteLength < 2 * result.length, `${result.buffer.byteLength} bytes`);
});
