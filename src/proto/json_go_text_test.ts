import assert from "node:assert/strict";
import { goJsonString, goQuoteBytes, quoteChar } from "./json_go_text.ts";

const encoder = new TextEncoder();

Deno.test("quoteChar: a byte as Go's json scanner quotes it", () => {
  assert.equal(quoteChar(0x78), "'x'");
  assert.equal(quoteChar(0x27), "'\\''");
  assert.equal(quoteChar(0x22), `'"'`);
  assert.equal(quoteChar(0x5c), "'\\\\'");
  assert.equal(quoteChar(0x00), "'\\x00'");
  assert.equal(quoteChar(0x01), "'\\x01'");
  assert.equal(quoteChar(0x09), "'\\t'");
  assert.equal(quoteChar(0x0a), "'\\n'");
  assert.equal(quoteChar(0x7f), "'\\x7f'");
  assert.equal(quoteChar(0x80), "'\\u0080'");
  assert.equal(quoteChar(0xa0), "'\\u00a0'");
  assert.equal(quoteChar(0xad), "'\\u00ad'");
  assert.equal(quoteChar(0xc3), "'Ã'");
  assert.equal(quoteChar(0xff), "'ÿ'");
});

Deno.test("goQuoteBytes: fmt's %q of raw bytes", () => {
  const quote = (bytes: Uint8Array) => goQuoteBytes(bytes, 0, bytes.length);
  assert.equal(quote(encoder.encode("SIDEWAYS")), '"SIDEWAYS"');
  assert.equal(quote(encoder.encode('a\\"b')), '"a\\\\\\"b"');
  assert.equal(quote(encoder.encode("\\u00e9")), '"\\\\u00e9"');
  assert.equal(quote(encoder.encode("é")), '"é"');
  assert.equal(quote(new Uint8Array([0xff, 0x41])), '"\\xffA"');
  assert.equal(quote(new Uint8Array([0xed, 0xa0, 0x80])), '"\\xed\\xa0\\x80"');
  assert.equal(quote(encoder.encode("\n\x07\u00a0\u{1f600}")), '"\\n\\a\\u00a0😀"');
  assert.equal(quote(encoder.encode("\u200b")), '"\\u200b"');
});

Deno.test("goJsonString: json.Marshal's escaping", () => {
  assert.equal(goJsonString("plain"), '"plain"');
  assert.equal(goJsonString('q"b\\'), '"q\\"b\\\\"');
  assert.equal(goJsonString("<&>"), '"\\u003c\\u0026\\u003e"');
  assert.equal(goJsonString("\n\r\t\b\f\x01\x7f"), '"\\n\\r\\t\\u0008\\u000c\\u0001\x7f"');
  assert.equal(goJsonString("\u2028\u2029"), '"\\u2028\\u2029"');
  assert.equal(goJsonString("é😀"), '"é😀"');
  assert.equal(goJsonString("a\ud800b\udc00"), '"a\\ufffdb\\ufffd"');
});
