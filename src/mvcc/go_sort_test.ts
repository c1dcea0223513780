import assert from "node:assert/strict";
import fc from "fast-check";
import { goSort } from "./go_sort.ts";

interface Item {
  readonly rank: number;
  readonly id: number;
}

const less = (a: Item, b: Item) => a.rank < b.rank;

Deno.test("goSort: sorts, keeps every element, for many shapes of input", () => {
  const input = fc.oneof(
    fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 300 }),
    fc.array(fc.integer(), { maxLength: 300 }),
    fc.integer({ min: 0, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => n - i)),
    fc.integer({ min: 0, max: 400 }).map((n) => Array.from({ length: n }, (_, i) => i % 7)),
  );
  fc.assert(
    fc.property(input, (ranks) => {
      const items = ranks.map((rank, id) => ({ rank, id }));
      goSort(items, less);
      for (let i = 1; i < items.length; i++) assert.ok(items[i - 1]!.rank <= items[i]!.rank);
      assert.deepEqual(items.map((item) => item.id).sort((a, b) => a - b), ranks.map((_, i) => i));
    }),
  );
});

Deno.test("goSort: up to 12 elements it is an insertion sort (stable)", () => {
  fc.assert(
    fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 12 }), (ranks) => {
      const items = ranks.map((rank, id) => ({ rank, id }));
      goSort(items, less);
      const stable = ranks.map((rank, id) => ({ rank, id })).sort((a, b) => a.rank - b.rank);
      assert.deepEqual(items, stable);
    }),
  );
});

Deno.test("goSort: ties beyond 12 elements follow pdqsort, not stability", () => {
  // 13 equal elements then one smaller: the order Go 1.19+ leaves them in.
  const items = Array.from(
    { length: 40 },
    (_, id) => ({ rank: id === 4 || id === 16 || id === 32 ? 2 : 1, id }),
  );
  goSort(items, less);
  assert.deepEqual(
    items.map((item) => item.id + 1).join(" "),
    "21 35 3 4 40 6 19 8 9 10 11 12 13 14 15 16 39 1 7 2 18 22 23 24 25 26 27 28 29 30 31 32 38 34 20 36 37 33 17 5",
  );
});
