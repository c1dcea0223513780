import assert from "node:assert/strict";
import fc from "fast-check";
import { beforeEnd, keyToString, rangeEndString, stringToKey } from "./key_string.ts";
import { CHUNK_ITEMS_MAX, SortedChunks } from "./sorted_chunks.ts";
import { compareBytes } from "../util/bytes.ts";

interface Item {
  readonly key: string;
}

/** The reference: a sorted array of keys. */
function insertSorted(model: string[], key: string): void {
  let i = 0;
  while (i < model.length && model[i]! < key) i++;
  if (model[i] !== key) model.splice(i, 0, key);
}

function scanned(set: SortedChunks<Item>, from: string, end: string, stopAfter = Infinity) {
  const out: string[] = [];
  set.scan(from, end, (item) => {
    out.push(item.key);
    return out.length < stopAfter;
  });
  return out;
}

/** Keys from a small alphabet with a shared prefix sometimes, so ties and prefixes occur. */
const keyArb = fc.oneof(
  fc.string({ unit: fc.constantFrom("a", "b", "\0", "\u00ff"), minLength: 1, maxLength: 9 }),
  fc.string({ unit: fc.constantFrom("x", "y"), minLength: 0, maxLength: 8 }).map((s) =>
    "/registry/pods/" + s
  ),
);

Deno.test("key strings: order equals unsigned byte order; round trip", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), fc.uint8Array({ maxLength: 12 }), (a, b) => {
      const sa = keyToString(a);
      const sb = keyToString(b);
      assert.deepEqual(stringToKey(sa), a);
      assert.equal(Math.sign(sa < sb ? -1 : sa > sb ? 1 : 0), compareBytes(a, b));
    }),
  );
  const big = new Uint8Array(20_000).map((_, i) => i % 256);
  assert.deepEqual(stringToKey(keyToString(big)), big);
  assert.equal(rangeEndString(new Uint8Array(0)), null);
  assert.equal(rangeEndString(new Uint8Array([0])), "");
  assert.equal(rangeEndString(new Uint8Array([0, 0])), "\0\0");
  assert.equal(beforeEnd("zzz", ""), true);
  assert.equal(beforeEnd("b", "b"), false);
});

Deno.test("sortedChunks: random inserts, removes and scans match a sorted array", () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant("insert" as const), key: keyArb }),
    fc.record({ kind: fc.constant("remove" as const), key: keyArb }),
    fc.record({
      kind: fc.constant("scan" as const),
      key: keyArb,
      end: fc.oneof(keyArb, fc.constant("")),
    }),
  );
  fc.assert(
    fc.property(fc.array(op, { maxLength: 300 }), (ops) => {
      const set = new SortedChunks<Item>();
      const model: string[] = [];
      for (const o of ops) {
        if (o.kind === "insert") {
          if (set.get(o.key) === undefined) set.insert({ key: o.key });
          insertSorted(model, o.key);
        } else if (o.kind === "remove") {
          const removed = set.remove(o.key);
          const i = model.indexOf(o.key);
          assert.equal(removed?.key, i >= 0 ? o.key : undefined);
          if (i >= 0) model.splice(i, 1);
        } else {
          const expected = model.filter((k) => k >= o.key && (o.end === "" || k < o.end));
          assert.deepEqual(scanned(set, o.key, o.end), expected);
        }
        assert.equal(set.size, model.length);
      }
      assert.deepEqual([...set.values()].map((item) => item.key), model);
      for (const key of model) assert.equal(set.get(key)?.key, key);
    }),
    { numRuns: 300 },
  );
});

Deno.test("sortedChunks: splits, merges and removals over many chunks", () => {
  const set = new SortedChunks<Item>();
  const keys: string[] = [];
  let x = 12345;
  for (let i = 0; i < 20_000; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    const key = (i % 3 === 0 ? "/registry/pods/ns/" : "") + x.toString(36);
    if (set.get(key) !== undefined) continue;
    set.insert({ key });
    keys.push(key);
  }
  keys.sort();
  assert.ok(set.chunkCount > 20_000 / CHUNK_ITEMS_MAX);
  assert.deepEqual([...set.values()].map((item) => item.key), keys);
  // Remove two thirds, from both ends and the middle; chunks merge.
  const removed = keys.filter((_, i) => i % 3 !== 1);
  for (const key of removed) assert.equal(set.remove(key)?.key, key);
  const left = keys.filter((_, i) => i % 3 === 1);
  assert.deepEqual([...set.values()].map((item) => item.key), left);
  assert.ok(set.chunkCount <= Math.ceil(left.length / (CHUNK_ITEMS_MAX / 8)));
  assert.deepEqual(scanned(set, left[10]!, left[20]!), left.slice(10, 20));
  assert.deepEqual(scanned(set, "", "", 3), left.slice(0, 3));
  // Sequential appends fill chunks before splitting.
  const appended = new SortedChunks<Item>();
  for (let i = 0; i < 5000; i++) appended.insert({ key: `k${String(i).padStart(6, "0")}` });
  assert.ok(appended.chunkCount <= Math.ceil(5000 / CHUNK_ITEMS_MAX) + 1);
  for (let i = 0; i < 5000; i++) appended.remove(`k${String(i).padStart(6, "0")}`);
  assert.equal(appended.size, 0);
  assert.equal(appended.chunkCount, 0);
});

Deno.test("sortedChunks: retain and fromSorted", () => {
  const items = Array.from({ length: 3000 }, (_, i) => ({ key: `k${String(i).padStart(5, "0")}` }));
  const set = SortedChunks.fromSorted(items);
  assert.equal(set.size, 3000);
  assert.equal(set.get("k01234")?.key, "k01234");
  set.retain((item) => item.key.endsWith("7"));
  assert.equal(set.size, 300);
  assert.deepEqual(
    [...set.values()].map((item) => item.key),
    items.filter((item) => item.key.endsWith("7")).map((item) => item.key),
  );
  set.insert({ key: "k00008" });
  assert.deepEqual(scanned(set, "k00000", "k00020"), ["k00007", "k00008", "k00017"]);
});
