import { strict as assert } from "node:assert";
import { crc32Range } from "../util/crc.ts";
import { SeededPrng } from "../util/prng.ts";
import { nativeCrc32Range } from "./native_crc32.ts";

Deno.test("native crc32 gives the portable crc32's values on ranges, chained", () => {
  const prng = new SeededPrng(7);
  const bytes = new Uint8Array(4099);
  for (let i = 0; i < bytes.length; i++) bytes[i] = prng.nextInt(256);
  for (let round = 0; round < 200; round++) {
    const from = prng.nextInt(bytes.length);
    const to = from + prng.nextInt(bytes.length - from + 1);
    const previous = prng.nextInt(2 ** 31) * 2 + prng.nextInt(2);
    assert.equal(
      nativeCrc32Range(bytes, from, to, previous),
      crc32Range(bytes, from, to, previous),
      `range [${from}, ${to}) from ${previous}`,
    );
  }
  assert.equal(nativeCrc32Range(bytes, 0, bytes.length, 0), crc32Range(bytes, 0, bytes.length, 0));
});
