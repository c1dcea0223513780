import { strict as assert } from "node:assert";
import { crc32c } from "./crc32c.ts";

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
