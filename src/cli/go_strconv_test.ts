// Expected strings are what Go 1.19 (etcdctl 3.4.23's toolchain) prints; the
// quoted keys and values match etcdctl 3.4.23's `-w fields` output.
import assert from "node:assert/strict";
import {
  goParseBool,
  goParseInt,
  goQuote,
  goQuoteRune,
  GoSyntaxError,
  goUnquote,
} from "./go_strconv.ts";

const bytes = (...b: number[]) => new Uint8Array(b);

Deno.test("goQuote escapes as Go's strconv.Quote", () => {
  assert.equal(goQuote("foo"), '"foo"');
  assert.equal(goQuote('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goQuote("\t\n\r\x07\x08\x0c\x0b"), '"\\t\\n\\r\\a\\b\\f\\v"');
  assert.equal(goQuote("\x00\x1f\x7f"), '"\\x00\\x1f\\x7f"');
  assert.equal(goQuote(bytes(0xff, 0x01)), '"\\xff\\x01"');
  // From `etcdctl get uni -w fields`: é and the emoji raw, U+2028 escaped.
  assert.equal(goQuote("h\u00e9 \u2028 \u{1f600}"), '"h\u00e9 \\u2028 \u{1f600}"');
  assert.equal(goQuote("\u00a0\u00ad"), '"\\u00a0\\u00ad"');
  assert.equal(goQuote(bytes(0xed, 0xa0, 0x80)), '"\\xed\\xa0\\x80"'); // a surrogate is invalid
  assert.equal(goQuote("\u{e0001}"), '"\\U000e0001"');
});

Deno.test("goQuoteRune quotes one rune as %q does for a byte", () => {
  assert.equal(goQuoteRune(0x70), "'p'");
  assert.equal(goQuoteRune(0x27), "'\\''");
});

Deno.test("goUnquote reads Go string literals", () => {
  const text = (s: string) => new TextDecoder().decode(goUnquote(s));
  assert.equal(text('"a b"'), "a b");
  assert.equal(text('"x\\ty"'), "x\ty");
  assert.equal(text('"\\u00e9\\x41\\101"'), "\u00e9AA");
  assert.deepEqual(goUnquote('"\\xff"'), bytes(0xff));
  assert.equal(text("`raw\\n`"), "raw\\n");
  for (const bad of ['"x\\qy"', '"a"b"', '"\\\'"', '"\\400"', '"\\ud800"', '"abc', "'a'"]) {
    assert.throws(() => goUnquote(bad), GoSyntaxError, bad);
  }
});

Deno.test("goParseInt follows strconv.ParseInt, messages included", () => {
  assert.equal(goParseInt("42", 10), 42n);
  assert.equal(goParseInt("-5", 10), -5n);
  assert.equal(goParseInt("+7", 10), 7n);
  assert.equal(goParseInt("0x10", 0), 16n);
  assert.equal(goParseInt("010", 0), 8n);
  assert.equal(goParseInt("0b101", 0), 5n);
  assert.equal(goParseInt("1_000", 0), 1000n);
  assert.equal(goParseInt("73d4a20a160cfb14", 16), 8346474173627693844n);
  assert.equal(goParseInt("-8000000000000000", 16), -(1n << 63n));
  assert.throws(() => goParseInt("abc", 10), {
    message: 'strconv.ParseInt: parsing "abc": invalid syntax',
  });
  assert.throws(() => goParseInt("1_000", 10), { message: /invalid syntax/ });
  assert.throws(() => goParseInt("_1", 0), { message: /invalid syntax/ });
  assert.throws(() => goParseInt("", 10), {
    message: 'strconv.ParseInt: parsing "": invalid syntax',
  });
  assert.throws(() => goParseInt("99999999999999999999", 0), {
    message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range',
  });
  assert.throws(() => goParseInt("9223372036854775808", 10), { message: /value out of range/ });
  assert.throws(() => goParseInt("0x", 0), { message: /invalid syntax/ });
});

Deno.test("goParseBool accepts Go's spellings only", () => {
  for (const t of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(goParseBool(t), true);
  for (const f of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(goParseBool(f), false);
  assert.throws(() => goParseBool("maybe"), {
    message: 'strconv.ParseBool: parsing "maybe": invalid syntax',
  });
});
