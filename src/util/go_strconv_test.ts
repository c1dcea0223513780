// Expected strings are what Go 1.19 (the toolchain of etcd and etcdctl
// 3.4.23) prints; the quoted keys and values match etcdctl 3.4.23's
// `-w fields` output, and the accepted/refused numbers were checked against
// etcd 3.4.23's flag parsing (`etcd --election-timeout=1 --heartbeat-interval=V`
// reveals how V was read).
import assert from "node:assert/strict";
import { AssertionError } from "./assert.ts";
import {
  decodeRune,
  goQuote,
  goQuoteRune,
  GoSyntaxError,
  goUnquote,
  isGoPrint,
  NumError,
  parseGoBool,
  parseGoInt,
  parseGoUint,
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

Deno.test("goQuote: Go's %q for the characters etcd's messages meet", () => {
  assert.equal(goQuote('a"b\\c\n\t\x01é'), '"a\\"b\\\\c\\n\\t\\x01é"');
});

Deno.test("goQuoteRune quotes one rune as %q does for a byte", () => {
  assert.equal(goQuoteRune(0x70), "'p'");
  assert.equal(goQuoteRune(0x27), "'\\''");
  assert.equal(goQuoteRune(0x22), "'\"'");
});

Deno.test("isGoPrint follows unicode.IsPrint", () => {
  for (const cp of [0x20, 0x41, 0x7e, 0xa1, 0xe9, 0x1f600]) {
    assert.equal(isGoPrint(cp), true, `${cp}`);
  }
  for (const cp of [0x1f, 0x7f, 0x85, 0xa0, 0xad, 0x2028]) {
    assert.equal(isGoPrint(cp), false, `${cp}`);
  }
});

Deno.test("decodeRune follows utf8.DecodeRune", () => {
  assert.deepEqual(decodeRune(bytes(0x41), 0), [0x41, 1]);
  assert.deepEqual(decodeRune(bytes(0x00, 0xc3, 0xa9), 1), [0xe9, 2]);
  assert.deepEqual(decodeRune(bytes(0xf0, 0x9f, 0x98, 0x80), 0), [0x1f600, 4]);
  assert.deepEqual(decodeRune(bytes(0xc0, 0x80), 0), [-1, 1]); // overlong
  assert.deepEqual(decodeRune(bytes(0xe2, 0x82), 0), [-1, 1]); // truncated
  assert.deepEqual(decodeRune(bytes(0xed, 0xa0, 0x80), 0), [-1, 1]); // surrogate
  assert.deepEqual(decodeRune(bytes(0x80), 0), [-1, 1]);
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
  assert.throws(() => goUnquote('"a\nb"'), { message: "invalid syntax" });
});

Deno.test("parseGoUint: Go's strconv.ParseUint(s, 0, 64)", () => {
  const ok: [string, bigint][] = [
    ["0x10", 16n],
    ["0X1f", 31n],
    ["0x_1f", 31n],
    ["0_1", 1n],
    ["1_000", 1000n],
    ["0o17", 15n],
    ["017", 15n],
    ["0B11", 3n],
    ["0", 0n],
    ["18446744073709551615", 18446744073709551615n],
  ];
  for (const [text, value] of ok) assert.equal(parseGoUint(text), value, text);
  for (const text of ["0x", "_1", "1__0", "+5", "08", "1_", "", "-1", "1.5", " 1", "abc"]) {
    assert.throws(
      () => parseGoUint(text),
      (e) => e instanceof NumError && e.reason === "syntax",
      text,
    );
  }
  assert.throws(
    () => parseGoUint("18446744073709551616"),
    (e) => e instanceof NumError && e.reason === "range",
  );
  assert.throws(() => parseGoUint("4294967296", 0, 32), /value out of range/);
  assert.equal(parseGoUint("4294967295", 0, 32), 4294967295n);
  assert.equal(
    new NumError("ParseUint", "-1", "syntax").message,
    'strconv.ParseUint: parsing "-1": invalid syntax',
  );
});

Deno.test("parseGoUint: an explicit base takes no prefix and no underscores", () => {
  assert.equal(parseGoUint("ff", 16), 255n);
  assert.equal(parseGoUint("zz", 36), 1295n);
  assert.throws(() => parseGoUint("0x10", 16), { message: /invalid syntax/ });
  assert.throws(() => parseGoUint("1_0", 10), { message: /invalid syntax/ });
  assert.throws(() => parseGoUint("\u0130", 36), { message: /invalid syntax/ });
  assert.throws(() => parseGoUint("1", 1), AssertionError);
  assert.throws(() => parseGoUint("1", 0, 65), AssertionError);
});

Deno.test("parseGoInt: Go's strconv.ParseInt(s, 0, 64)", () => {
  assert.equal(parseGoInt("-0x10"), -16n);
  assert.equal(parseGoInt("+5"), 5n);
  assert.equal(parseGoInt("-9223372036854775808"), -(1n << 63n));
  assert.throws(
    () => parseGoInt("9223372036854775808"),
    (e) => e instanceof NumError && e.reason === "range",
  );
  assert.throws(() => parseGoInt("-"), (e) => e instanceof NumError && e.reason === "syntax");
  assert.throws(() => parseGoInt("1.5"), (e) => e instanceof NumError && e.reason === "syntax");
});

Deno.test("parseGoInt follows strconv.ParseInt, messages included", () => {
  assert.equal(parseGoInt("42", 10), 42n);
  assert.equal(parseGoInt("-5", 10), -5n);
  assert.equal(parseGoInt("+7", 10), 7n);
  assert.equal(parseGoInt("0x10", 0), 16n);
  assert.equal(parseGoInt("010", 0), 8n);
  assert.equal(parseGoInt("0b101", 0), 5n);
  assert.equal(parseGoInt("1_000", 0), 1000n);
  assert.equal(parseGoInt("73d4a20a160cfb14", 16), 8346474173627693844n);
  assert.equal(parseGoInt("-8000000000000000", 16), -(1n << 63n));
  assert.throws(() => parseGoInt("abc", 10), {
    message: 'strconv.ParseInt: parsing "abc": invalid syntax',
  });
  assert.throws(() => parseGoInt("1_000", 10), { message: /invalid syntax/ });
  assert.throws(() => parseGoInt("_1", 0), { message: /invalid syntax/ });
  assert.throws(() => parseGoInt("", 10), {
    message: 'strconv.ParseInt: parsing "": invalid syntax',
  });
  assert.throws(() => parseGoInt("99999999999999999999", 0), {
    message: 'strconv.ParseInt: parsing "99999999999999999999": value out of range',
  });
  assert.throws(() => parseGoInt("9223372036854775808", 10), { message: /value out of range/ });
  assert.throws(() => parseGoInt("0x", 0), { message: /invalid syntax/ });
});

Deno.test("parseGoInt: the sign is kept in the message; bit sizes below 64", () => {
  assert.throws(() => parseGoInt("-x", 10), {
    message: 'strconv.ParseInt: parsing "-x": invalid syntax',
  });
  assert.equal(parseGoInt("-2147483648", 10, 32), -(1n << 31n));
  assert.throws(() => parseGoInt("2147483648", 10, 32), { message: /value out of range/ });
  // Go stops at the first digit out of range, before a later bad character.
  assert.throws(() => parseGoInt("99999999999x", 10, 32), { message: /value out of range/ });
  const err = new NumError("ParseInt", "x", "range");
  assert.deepEqual([err.name, err.func, err.num, err.reason], [
    "NumError",
    "ParseInt",
    "x",
    "range",
  ]);
});

Deno.test("parseGoBool accepts Go's spellings only, with Go's message", () => {
  for (const t of ["1", "t", "T", "TRUE", "true", "True"]) assert.equal(parseGoBool(t), true);
  for (const f of ["0", "f", "F", "FALSE", "false", "False"]) assert.equal(parseGoBool(f), false);
  for (const bad of ["yes", "on", "", "tRUE", "2"]) assert.throws(() => parseGoBool(bad), NumError);
  assert.throws(() => parseGoBool("maybe"), {
    message: 'strconv.ParseBool: parsing "maybe": invalid syntax',
  });
});
