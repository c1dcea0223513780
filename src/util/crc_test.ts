import { strict as assert } from "node:assert";
import { crc32c, crc32Range } from "./crc.ts";

const encoder = new TextEncoder();

Deno.test("crc32c matches the Castagnoli check value and known vectors", () => {
  assert.equal(crc32c(encoder.encode("123456789")), 0xe3069283);
  assert.equal(crc32c(new Uint8Array(0)), 0);
  assert.equal(crc32c(new Uint8Array(32)), 0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
  assert.equal(crc32c(new Uint8Array(32).fill(0xff)), 0x62a8ab43); // RFC 3720 B.4: 32 bytes of 0xff
});

Deno.test("crc32c chains: crc(a ++ b) equals crc(b, crc(a))", () => {
  const a = encoder.encode("hello, ");
  const b = encoder.encode("write-ahead log");
  const joined = new Uint8Array([...a, ...b]);
  assert.equal(crc32c(b, crc32c(a)), crc32c(joined));
});

Deno.test("crc32 (IEEE) matches zlib's check value and known vectors", () => {
  assert.equal(crc32Range(encoder.encode("123456789"), 0, 9, 0), 0xcbf43926);
  assert.equal(crc32Range(new Uint8Array(0), 0, 0, 0), 0);
  assert.equal(crc32Range(new Uint8Array(32), 0, 32, 0), 0x190a55ad);
  const text = encoder.encode("The quick brown fox jumps over the lazy dog");
  assert.equal(crc32Range(text, 0, text.length, 0), 0x414fa339);
});

Deno.test("crc32 chains and works on a range without copying", () => {
  const bytes = encoder.encode("..hello, write-ahead log..");
  const whole = crc32Range(bytes.slice(2, 24), 0, 22, 0);
  assert.equal(crc32Range(bytes, 2, 24, 0), whole);
  assert.equal(crc32Range(bytes, 9, 24, crc32Range(bytes, 2, 9, 0)), whole);
});
