// Expected parses and messages are etcdctl 3.4.23's (each case was run
// through `etcdctl txn` against etcd 3.4.23).
import assert from "node:assert/strict";
import { utf8Encode } from "../util/bytes.ts";
import { argify, goTrimSpace, parseCompare, scanCompare } from "./txn_grammar.ts";

Deno.test("argify: quoting as etcdctl's regexp and Sscanf", () => {
  assert.deepEqual(argify('put k1 "a b"'), ["put", "k1", "a b"]);
  assert.deepEqual(argify('put k1 "x\\ty"'), ["put", "k1", "x\ty"]);
  assert.deepEqual(argify('put k1 abc"def"'), ["put", "k1", 'abc"def"']);
  assert.deepEqual(argify('put k1 "unterminated'), ["put", "k1", "unterminated"]);
  assert.deepEqual(argify("put k1 --lease=12 v"), ["put", "k1", "--lease=12", "v"]);
  assert.deepEqual(argify("put k '"), ["put", "k"]);
});

Deno.test("argify: single quotes keep etcdctl's slicing bug", () => {
  assert.deepEqual(argify("put k1 'hello'"), ["put", "k1", "h"]);
  assert.deepEqual(argify("put k1 'a'"), ["put", "k1", "a"]);
  assert.deepEqual(argify("a b c d 'hello'"), ["a", "b", "c", "d", "hel"]);
  assert.deepEqual(argify("put k1 ''"), ["put", "k1", "'"]);
  assert.throws(() => argify("put k1 'a' x y"), {
    name: "CtlExit",
    message: "panic: runtime error: slice bounds out of range [:4] with length 3",
  });
  assert.throws(() => argify("'x'"), { message: /slice bounds out of range \[1:0\]/ });
});

Deno.test("argify: a bad escape is `Error: invalid syntax` (exit 3)", () => {
  assert.throws(() => argify('put k1 "x\\qy"'), (e: unknown) => {
    const exit = e as { code: number; stderr: string };
    return exit.code === 3 && exit.stderr === "Error: invalid syntax\n";
  });
});

Deno.test('scanCompare: how far Sscanf("%q) %s %q") gets', () => {
  const scan = (s: string) => {
    const r = scanCompare(s);
    return [r.n, new TextDecoder().decode(r.key), r.op, new TextDecoder().decode(r.val)];
  };
  assert.deepEqual(scan('"foo") = "bar"'), [3, "foo", "=", "bar"]);
  assert.deepEqual(scan('"foo")   !=    "bar"  trailing'), [3, "foo", "!=", "bar"]);
  assert.deepEqual(scan("`foo`) = `b\\ar`"), [3, "foo", "=", "b\\ar"]);
  assert.deepEqual(scan('"foo") = bar'), [2, "foo", "=", ""]);
  assert.deepEqual(scan('"foo" ) = "bar"'), [1, "foo", "", ""]);
  assert.deepEqual(scan('"foo")= "bar"'), [1, "foo", "", ""]);
  assert.deepEqual(scan('"foo") ='), [2, "foo", "=", ""]);
  assert.deepEqual(scan('"foo")'), [1, "foo", "", ""]);
  assert.deepEqual(scan('foo) = "0"'), [0, "", "", ""]);
  assert.deepEqual(scan('"fo\\qo") = "0"'), [0, "", "", ""]);
});

Deno.test("parseCompare: targets and operators", () => {
  const c = parseCompare('value("mykey") = "myvalue2"');
  assert.equal(c.target, "VALUE");
  assert.equal(c.result, "EQUAL");
  assert.deepEqual(c.key, utf8Encode("mykey"));
  assert.deepEqual(c.value, utf8Encode("myvalue2"));
  assert.equal(parseCompare('version("k") > "0"').target, "VERSION");
  assert.equal(parseCompare('ver("k") != "3"').version, 3);
  assert.equal(parseCompare('create("k") < "+7"').createRevision, 7);
  assert.equal(parseCompare('c("k") = "7"').result, "EQUAL");
  assert.equal(parseCompare('mod("k") > "0"').target, "MOD");
  assert.equal(parseCompare('m("k") < "100"').modRevision, 100);
  assert.equal(parseCompare('val("k") != "x"').result, "NOT_EQUAL");
  assert.equal(parseCompare('lease("k") = "73d4a20a160cfb14"').lease, 8346474173627693844n);
});

Deno.test("parseCompare: etcdctl's messages (exit 3) and panics (exit 2)", () => {
  const cases: [string, number, string][] = [
    [
      'value("foo") = bar',
      3,
      'Error: malformed comparison: value("foo") = bar; got value("foo") = ""',
    ],
    [
      'value("foo" ) = "bar"',
      3,
      'Error: malformed comparison: value("foo" ) = "bar"; got value("foo")  ""',
    ],
    ['value(foo) = "0"', 3, 'Error: malformed comparison: value(foo) = "0"; got value("")  ""'],
    ['value "foo" = "0"', 3, 'Error: malformed comparison: value "foo" = "0"'],
    [
      'bogus("foo") = "0"',
      3,
      'Error: malformed comparison: bogus("foo") = "0" (unknown target bogus)',
    ],
    ['ver("foo") = "x"', 3, 'Error: invalid txn compare request: ver("foo") = "x"'],
    ['mod("foo") = "1x"', 3, 'Error: invalid txn compare request: mod("foo") = "1x"'],
    ['value("foo") ~ "x"', 2, "panic: Unknown result op"],
  ];
  for (const [line, code, stderr] of cases) {
    assert.throws(() => parseCompare(line), (e: unknown) => {
      const exit = e as { code: number; stderr: string };
      assert.equal(exit.stderr, stderr + "\n", line);
      assert.equal(exit.code, code, line);
      return true;
    });
  }
});

Deno.test("goTrimSpace trims Go's white space", () => {
  assert.equal(goTrimSpace(" \t\u0085 a b \u00a0\r\n"), "a b");
  assert.equal(goTrimSpace("\ufeffa"), "\ufeffa");
});
