import assert from "node:assert/strict";
import { SeededPrng } from "./prng.ts";

function draws(seed: number, count: number): number[] {
  const prng = new SeededPrng(seed);
  return Array.from({ length: count }, () => prng.nextUint32());
}

Deno.test("SeededPrng gives the same sequence for the same seed", () => {
  assert.deepEqual(draws(42, 100), draws(42, 100));
  assert.deepEqual(draws(0, 100), draws(0, 100));
});

Deno.test("SeededPrng gives different sequences for different seeds", () => {
  // Seeds are folded to 32 bits, so only seeds in [0, 2 ** 32) are distinct by contract.
  const seeds = [0, 1, 2, 3, 42, 300, 2 ** 31 - 1, 2 ** 31, 2 ** 32 - 1];
  const seen = new Set<string>();
  for (const seed of seeds) seen.add(draws(seed, 8).join(","));
  assert.equal(seen.size, seeds.length);
  for (let seed = 0; seed < 1000; seed++) seen.add(draws(seed, 2).join(","));
  assert.ok(seen.size >= 1000);
});

Deno.test("SeededPrng.nextUint32() stays in the unsigned 32-bit range", () => {
  const prng = new SeededPrng(7);
  for (let i = 0; i < 10_000; i++) {
    const value = prng.nextUint32();
    assert.ok(Number.isInteger(value) && value >= 0 && value < 2 ** 32, `${value}`);
  }
});

Deno.test("SeededPrng.nextInt() stays in bounds", () => {
  const prng = new SeededPrng(3);
  for (const max of [1, 2, 3, 10, 1000, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER]) {
    for (let i = 0; i < 1000; i++) {
      const value = prng.nextInt(max);
      assert.ok(Number.isSafeInteger(value) && value >= 0 && value < max, `${value} < ${max}`);
    }
  }
  assert.equal(prng.nextInt(1), 0);
});

Deno.test("SeededPrng.nextInt(10) is roughly uniform over 100k draws", () => {
  const prng = new SeededPrng(12345);
  const counts = new Array<number>(10).fill(0);
  const total = 100_000;
  for (let i = 0; i < total; i++) {
    const value = prng.nextInt(10);
    counts[value] = counts[value]! + 1;
  }
  const expected = total / 10;
  for (const [digit, count] of counts.entries()) {
    assert.ok(
      Math.abs(count - expected) <= expected * 0.05,
      `digit ${digit} drawn ${count} times, expected ${expected} ± 5%`,
    );
  }
});

Deno.test("SeededPrng.nextInt() rejects non-positive and non-integer bounds", () => {
  const prng = new SeededPrng(1);
  for (const bad of [0, -1, -10, 0.5, 1.5, Number.NaN, Infinity, 2 ** 53]) {
    assert.throws(() => prng.nextInt(bad), RangeError, `nextInt(${bad})`);
  }
});

Deno.test("SeededPrng.nextFloat() stays in [0, 1)", () => {
  const prng = new SeededPrng(99);
  for (let i = 0; i < 10_000; i++) {
    const value = prng.nextFloat();
    assert.ok(value >= 0 && value < 1, `${value}`);
  }
});

Deno.test("SeededPrng.fork() is deterministic and independent of the parent", () => {
  const a = new SeededPrng(5).fork();
  const b = new SeededPrng(5).fork();
  assert.deepEqual(
    Array.from({ length: 20 }, () => a.nextUint32()),
    Array.from({ length: 20 }, () => b.nextUint32()),
  );
  const parent = new SeededPrng(5);
  const child = parent.fork();
  assert.notDeepEqual(
    Array.from({ length: 20 }, () => parent.nextUint32()),
    Array.from({ length: 20 }, () => child.nextUint32()),
  );
});
