import assert from "node:assert/strict";
import { EtcdError } from "./errors.ts";
import { checkValid, JSON_NESTING_MAX, scanValue, valueEnd } from "./json_scan.ts";

const encoder = new TextEncoder();

function bytesOf(text: string): Uint8Array {
  return Uint8Array.from(text, (ch) => ch.charCodeAt(0));
}

function scanError(text: string): string {
  try {
    scanValue(bytesOf(text));
  } catch (error) {
    assert.ok(error instanceof EtcdError);
    assert.equal(error.code, 3);
    return error.message;
  }
  return "no error";
}

function checkError(text: string): string {
  const b = bytesOf(text);
  try {
    checkValid(b, 0, b.length);
  } catch (error) {
    assert.ok(error instanceof EtcdError);
    return error.message;
  }
  return "no error";
}

Deno.test("scanValue: the end of the first value; trailing bytes are not read", () => {
  const cases: [string, number][] = [
    ['{"key":"Zm9v"}', 14],
    ['  {"a":[1,2,{"b":null}]} garbage', 24],
    ['{"key":"Zm9v"}}', 14],
    ["123x", 3],
    ["true false", 4],
    ['"a\\"b" x', 6],
    ["-0.5e+10]", 8],
    ["[]", 2],
  ];
  for (const [text, end] of cases) assert.equal(scanValue(bytesOf(text)), end, text);
});

Deno.test("scanValue: only whitespace is no value", () => {
  assert.equal(scanValue(bytesOf("")), -1);
  assert.equal(scanValue(bytesOf(" \n\t\r ")), -1);
});

// Expected messages taken from etcd 3.4.23 (its gateway's json.Decoder), see
// tests/compat/recorded_inputs.ts.
Deno.test("scanValue: Go's json.Decoder messages", () => {
  const cases: [string, string][] = [
    ['{"key":"Zm9v"', "unexpected EOF"],
    ["{", "unexpected EOF"],
    ['{"key', "unexpected EOF"],
    ["-", "unexpected EOF"],
    ["tru", "unexpected EOF"],
    ['"\\', "unexpected EOF"],
    ["not json", "invalid character 'o' in literal null (expecting 'u')"],
    ['{"key":"Zm9v" "x":1}', `invalid character '"' after object key:value pair`],
    ['{"key" "Zm9v"}', `invalid character '"' after object key`],
    ['{"key":"Zm9v",}', "invalid character '}' looking for beginning of object key string"],
    ["{key:1}", "invalid character 'k' looking for beginning of object key string"],
    ["[1,]", "invalid character ']' looking for beginning of value"],
    ["[1 2]", "invalid character '2' after array element"],
    ['{"key":tru}', "invalid character '}' in literal true (expecting 'e')"],
    ['{"key":f1}', "invalid character '1' in literal false (expecting 'a')"],
    ['{"key":"a\x01"}', "invalid character '\\x01' in string literal"],
    ['{"key":"\t"}', "invalid character '\\t' in string literal"],
    ['{"key":"a\\x"}', "invalid character 'x' in string escape code"],
    ['{"key":"\\u12g4"}', "invalid character 'g' in \\u hexadecimal character escape"],
    ['{"key":-a}', "invalid character 'a' in numeric literal"],
    ['{"key":1.}', "invalid character '}' after decimal point in numeric literal"],
    ['{"key":1e+}', "invalid character '}' in exponent of numeric literal"],
    ['{"key":.5}', "invalid character '.' looking for beginning of value"],
    ['{"key":01}', "invalid character '1' after object key:value pair"],
    ["\xff", "invalid character 'ÿ' looking for beginning of value"],
    ["{\xff}", "invalid character 'ÿ' looking for beginning of object key string"],
    ['{"key":\xc3\xa9}', "invalid character 'Ã' looking for beginning of value"],
    ["\x00", "invalid character '\\x00' looking for beginning of value"],
    ["\xef\xbb\xbf{}", "invalid character 'ï' looking for beginning of value"],
    ["{\"a\":'b'}", "invalid character '\\'' looking for beginning of value"],
  ];
  for (const [text, message] of cases) assert.equal(scanError(text), message, text);
});

Deno.test("scanValue: Go's nesting limit", () => {
  const deep = "[".repeat(JSON_NESTING_MAX) + "]".repeat(JSON_NESTING_MAX);
  assert.equal(scanValue(encoder.encode(deep)), deep.length);
  assert.equal(
    scanError("[".repeat(JSON_NESTING_MAX + 1)),
    "invalid character '[' exceeded max depth",
  );
  const object = '{"x":' + "[".repeat(JSON_NESTING_MAX) + "]".repeat(JSON_NESTING_MAX) + "}";
  assert.equal(scanError(object), "invalid character '[' exceeded max depth");
});

// checkValid is json.Unmarshal's check, which etcd's gateway runs on an
// integer given as a string once its quotes are dropped (etcd 3.4.23).
Deno.test("checkValid: Go's json.Unmarshal messages", () => {
  const cases: [string, string][] = [
    ["1", "no error"],
    [" 1 ", "no error"],
    ["null", "no error"],
    ["", "unexpected end of JSON input"],
    ["  ", "unexpected end of JSON input"],
    ["[1", "unexpected end of JSON input"],
    ["-", "invalid character ' ' in numeric literal"],
    ["1.", "invalid character ' ' after decimal point in numeric literal"],
    ["1e", "invalid character ' ' in exponent of numeric literal"],
    ["tru", "invalid character ' ' in literal true (expecting 'e')"],
    ["1 2", "invalid character '2' after top-level value"],
    ["0x10", "invalid character 'x' after top-level value"],
    ["ten", "invalid character 'e' in literal true (expecting 'r')"],
    ['\\"1\\"', "invalid character '\\\\' looking for beginning of value"],
    ["+1", "invalid character '+' looking for beginning of value"],
  ];
  for (const [text, message] of cases) assert.equal(checkError(text), message, text);
});

Deno.test("valueEnd: skips any valid value", () => {
  const text = '{"a":[1,"]}",{"b":"\\"}"}],"c":-1.5e3,"d":true,"e":null,"f":false}';
  const b = encoder.encode(text);
  assert.equal(valueEnd(b, 0, b.length), b.length);
  assert.equal(valueEnd(b, 5, b.length), text.indexOf(',"c"'));
  assert.equal(valueEnd(b, text.indexOf("-1.5"), b.length), text.indexOf(',"d"'));
  assert.equal(valueEnd(b, text.indexOf("true"), b.length), text.indexOf(',"e"'));
  // Backslash runs before a quote: even = the quote ends the string, odd = escaped.
  const runs = encoder.encode(String.raw`["a\\", "b\"c", "\\\\"] x`);
  assert.equal(valueEnd(runs, 0, runs.length), runs.length - 2);
  assert.equal(valueEnd(runs, 1, runs.length), 6);
  assert.equal(valueEnd(runs, 8, runs.length), 14);
});

Deno.test("scanValue: long strings at any alignment (the word-wise search)", () => {
  for (let offset = 0; offset < 4; offset++) {
    for (const length of [63, 64, 65, 70, 131, 200]) {
      for (let at = 0; at < length; at += 7) {
        for (const special of [0x01, 0x1f, 0x22, 0x5c, 0x7f, 0xff, 0x20, 0x5b]) {
          if (special === 0x5c && at + 1 === length) continue;
          const content = new Uint8Array(length).fill(0x41);
          content[at] = special;
          if (special === 0x5c) content[at + 1] = 0x6e; // \n stays a valid escape
          const text = new Uint8Array(offset + length + 2);
          text[offset] = 0x22;
          text.set(content, offset + 1);
          text[offset + length + 1] = 0x22;
          const b = text.subarray(offset);
          let result: string;
          try {
            result = String(scanValue(b));
          } catch (error) {
            result = (error as Error).message;
          }
          const expected = special < 0x20
            ? `invalid character ${special === 0x01 ? "'\\x01'" : "'\\x1f'"} in string literal`
            : special === 0x22
            ? String(at + 2)
            : String(length + 2);
          assert.equal(result, expected, `offset ${offset} length ${length} at ${at} ${special}`);
        }
      }
    }
  }
});
