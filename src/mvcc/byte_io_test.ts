import { strict as assert } from "node:assert";
import { ByteReader, ByteWriter } from "./byte_io.ts";

Deno.test("byte writer: reserved bytes, then writes past a tiny first buffer; finish views what is written", () => {
  const writer = new ByteWriter(null, 3);
  writer.reserve(5);
  writer.varint(300);
  const payload = new Uint8Array(1000).map((_, i) => i & 0xff);
  writer.bytes(payload);
  writer.uint32(0xdeadbeef);
  const first = writer.finish();
  assert.equal(first.length, 5 + 2 + 1000 + 4);
  assert.deepEqual([...first.subarray(0, 5)], [0, 0, 0, 0, 0]);
  const fail = (message: string) => new Error(message);
  const reader = new ByteReader(first, 5, first.length, fail);
  assert.equal(reader.varint(), 300);
  assert.deepEqual([...first.subarray(7, 1007)], [...payload]);
  writer.byte(1); // writing goes on after finish
  assert.equal(writer.finish().length, first.length + 1);
  assert.equal(writer.written, first.length + 1);
});

Deno.test("byte writer: a sink's writer reserves nothing and keeps its own buffer size", () => {
  const sunk = new ByteWriter(() => {});
  assert.throws(() => sunk.reserve(1), /reserve with a sink/);
  assert.throws(() => new ByteWriter(() => {}, 10), /a sink's buffer/);
});
