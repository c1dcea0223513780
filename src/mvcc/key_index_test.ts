import assert from "node:assert/strict";
import { AssertionError } from "../util/assert.ts";
import { KeyIndex } from "./key_index.ts";
import { type KeyRevision, putRevision, tombstone } from "./revision.ts";

const put = (main: number, version: number, create: number, sub = 0): KeyRevision =>
  putRevision("k", main, sub, create, version, new Uint8Array([main]), 0n);
const dead = (main: number, sub = 0): KeyRevision => tombstone("k", main, sub);

/** k: put@2, put@4, tomb@6, put@8, put@9 (two generations, the last open). */
function history(): KeyIndex {
  const index = new KeyIndex(put(2, 1, 2));
  for (const record of [put(4, 2, 2), dead(6), put(8, 1, 8), put(9, 2, 8)]) index.append(record);
  return index;
}

const mains = (index: KeyIndex) => index.records.map((record) => record.main);

Deno.test("keyIndex: at() finds the newest record at or before a revision", () => {
  const index = history();
  const at = (rev: number) => index.at(rev)?.main ?? null;
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map(at), [
    null,
    2,
    2,
    4,
    4,
    null,
    null,
    8,
    9,
    9,
  ]);
  assert.deepEqual(index.generations().map((g) => g.map((r) => r.main)), [[2, 4, 6], [8, 9]]);
  assert.equal(index.live, true);
});

Deno.test("keyIndex: compact keeps the newest record at or before the revision", () => {
  const cases: [number, number[]][] = [
    [1, [2, 4, 6, 8, 9]],
    [2, [2, 4, 6, 8, 9]],
    [3, [2, 4, 6, 8, 9]],
    [4, [4, 6, 8, 9]],
    [5, [4, 6, 8, 9]],
    [6, [8, 9]], // the tombstone itself goes
    [7, [8, 9]],
    [8, [8, 9]],
    [9, [9]],
    [20, [9]],
  ];
  for (const [rev, kept] of cases) {
    const index = history();
    const dropped = index.compact(rev);
    assert.deepEqual(mains(index), kept, `compact ${rev}`);
    assert.equal(dropped.length + kept.length, 5);
    assert.equal(index.empty, false);
  }
});

Deno.test("keyIndex: compacting past a final tombstone empties the index", () => {
  const index = new KeyIndex(put(2, 1, 2));
  index.append(dead(3));
  assert.deepEqual(index.compact(2).map((r) => r.main), []);
  assert.equal(index.compact(3).length, 2);
  assert.equal(index.empty, true);
  assert.equal(index.length, 0);
  const single = new KeyIndex(put(2, 1, 2));
  single.append(dead(3));
  assert.equal(single.compact(10).length, 2);
  assert.equal(single.empty, true);
});

Deno.test("keyIndex: pop undoes appends down to empty", () => {
  const index = history();
  assert.equal(index.pop().main, 9);
  assert.equal(index.pop().main, 8);
  assert.equal(index.live, false);
  assert.deepEqual(mains(index), [2, 4, 6]);
  index.pop();
  index.pop();
  index.pop();
  assert.equal(index.empty, true);
});

Deno.test("keyIndex: appends must grow and follow the generation rules", () => {
  const index = new KeyIndex(put(5, 1, 5));
  assert.throws(() => index.append(put(5, 2, 5)), AssertionError);
  assert.throws(() => index.append(put(4, 2, 5)), AssertionError);
  index.append(put(5, 2, 5, 1)); // same main, later sub: allowed
  index.append(dead(6));
  assert.throws(() => index.append(dead(7)), AssertionError);
  assert.throws(() => new KeyIndex(dead(2)), AssertionError);
});
