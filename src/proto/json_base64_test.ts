import assert from "node:assert/strict";
import fc from "fast-check";
import { EtcdError } from "./errors.ts";
import { decodeBase64, encodeBase64 } from "./json_base64.ts";

const encoder = new TextEncoder();

function decode(text: string): string {
  try {
    return new TextDecoder().decode(decodeBase64(encoder.encode(text)));
  } catch (error) {
    assert.ok(error instanceof EtcdError);
    assert.equal(error.code, 3);
    return "ERR " + error.message;
  }
}

Deno.test("decodeBase64: standard padded base64, newlines skipped", () => {
  assert.equal(decode("Zm9v"), "foo");
  assert.equal(decode("YmFy"), "bar");
  assert.equal(decode("Zm9vYg=="), "foob");
  assert.equal(decode("Zm9vYmE="), "fooba");
  assert.equal(decode(""), "");
  assert.equal(decode("Zm9v\n"), "foo");
  assert.equal(decode("Zm9v\r\nYmFy"), "foobar");
  assert.equal(decode("Zm=\n="), "f");
  assert.equal(decode("Zm==\n"), "f");
  assert.equal(decode("Zh=="), "f"); // trailing bits are not checked (not strict)
});

// Positions taken from etcd 3.4.23 (tests/compat/recorded_inputs.ts).
Deno.test("decodeBase64: Go's errors and positions", () => {
  const cases: [string, number][] = [
    ["!!!", 0],
    ["Pj4-Pw==", 3],
    ["dXJsc2FmZQ", 8],
    ["Zm9", 0],
    ["Zm", 0],
    ["Z", 0],
    ["Zm9v=", 4],
    ["Zm9v==", 4],
    ["Zm=", 3],
    ["Z===", 1],
    ["Zm9vYg", 4],
    ["Zm9vYg=", 7],
    ["Zm=\n", 4],
    ["Zm==x", 4],
    ["Zm==Zm==", 4],
    ["=Zm9", 0],
    ["Zm9vYmFyYmF6YmF6!", 16],
    ["Zm9vYmFyYmF6Yg-=", 14],
    ["Zm9vYmFyYmF6Yg=!", 14],
    ["  ", 0],
    ["Zm9vé", 4],
  ];
  for (const [text, at] of cases) {
    assert.equal(decode(text), `ERR illegal base64 data at input byte ${at}`, text);
  }
});

Deno.test("base64: round trip of any bytes, also split by newlines", () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 300 }), fc.nat(80), (bytes, every) => {
      const text = encodeBase64(bytes);
      assert.equal(text, btoa(String.fromCharCode(...bytes)));
      assert.deepEqual(decodeBase64(encoder.encode(text)), bytes);
      if (every > 0) {
        const wrapped = text.replace(new RegExp(`(.{${every}})`, "g"), "$1\n");
        assert.deepEqual(decodeBase64(encoder.encode(wrapped)), bytes);
      }
    }),
    { seed: 20261123, numRuns: 300 },
  );
});

Deno.test("decodeBase64: a range of a larger buffer", () => {
  const b = encoder.encode('{"key":"Zm9v"}');
  assert.deepEqual(decodeBase64(b, 8, 12), encoder.encode("foo"));
  assert.throws(() => decodeBase64(b, 8, 11), /input byte 0/);
});
