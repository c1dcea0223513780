import assert from "node:assert/strict";
import { bytesEqual, compareBytes, hex, prefixEnd, utf8Decode, utf8Encode } from "./bytes.ts";

function b(...values: number[]): Uint8Array {
  return new Uint8Array(values);
}

Deno.test("bytesEqual() compares length and content", () => {
  assert.equal(bytesEqual(b(), b()), true);
  assert.equal(bytesEqual(b(1, 2, 3), b(1, 2, 3)), true);
  assert.equal(bytesEqual(b(1, 2, 3), b(1, 2, 4)), false);
  assert.equal(bytesEqual(b(1, 2), b(1, 2, 3)), false);
});

Deno.test("compareBytes() orders lexicographically as unsigned bytes", () => {
  const cases: [Uint8Array, Uint8Array, -1 | 0 | 1][] = [
    [b(), b(), 0],
    [b(), b(0), -1],
    [b(0), b(), 1],
    [b(1, 2), b(1, 2), 0],
    [b(1, 2), b(1, 3), -1],
    [b(1, 3), b(1, 2), 1],
    [b(1, 2), b(1, 2, 0), -1],
    [b(0x7f), b(0x80), -1],
    [b(0xff), b(0x00, 0xff), 1],
  ];
  for (const [x, y, want] of cases) {
    assert.equal(compareBytes(x, y), want, `compareBytes(${hex(x)}, ${hex(y)})`);
  }
});

Deno.test("compareBytes() sorts keys like strings of latin-1 code units", () => {
  const keys = ["b", "a", "ab", "", "a\u00ff", "b\u0000"].map((s) =>
    Uint8Array.from(s, (c) => c.charCodeAt(0))
  );
  const sorted = [...keys].sort(compareBytes).map((k) => String.fromCharCode(...k));
  assert.deepEqual(sorted, ["", "a", "ab", "a\u00ff", "b", "b\u0000"]);
});

Deno.test("prefixEnd() follows etcd's getPrefix", () => {
  const cases: [Uint8Array, Uint8Array][] = [
    [utf8Encode("foo"), utf8Encode("fop")],
    [b(1, 2, 3), b(1, 2, 4)],
    [b(1, 0xff), b(2)],
    [b(1, 0xfe, 0xff, 0xff), b(1, 0xff)],
    [b(0xff), b(0)],
    [b(0xff, 0xff), b(0)],
    [b(), b(0)],
    [b(0), b(1)],
  ];
  for (const [key, want] of cases) {
    assert.deepEqual(prefixEnd(key), want, `prefixEnd(${hex(key)})`);
  }
});

Deno.test("prefixEnd() does not modify its argument", () => {
  const key = b(1, 2, 0xff);
  prefixEnd(key);
  assert.deepEqual(key, b(1, 2, 0xff));
});

Deno.test("utf8Encode() and utf8Decode() round-trip", () => {
  for (const text of ["", "foo", "ключ", "键/値", "\u{1f511}"]) {
    assert.equal(utf8Decode(utf8Encode(text)), text);
  }
  assert.deepEqual(utf8Encode("é"), b(0xc3, 0xa9));
});

Deno.test("hex() prints two lower-case digits per byte", () => {
  assert.equal(hex(b()), "");
  assert.equal(hex(b(0, 1, 0x0f, 0x10, 0xab, 0xff)), "00010f10abff");
});
