// Expected behaviour and messages are spf13/pflag's as etcdctl 3.4.23 shows
// them (checked by running etcdctl 3.4.23 with the same arguments).
import assert from "node:assert/strict";
import { type FlagSpec, FlagValues, parseFlags } from "./flags.ts";

const SPECS: FlagSpec[] = [
  { name: "prefix", type: "bool", defValue: "false", usage: "" },
  { name: "limit", type: "int64", defValue: "0", usage: "" },
  { name: "write-out", shorthand: "w", type: "string", defValue: "simple", usage: "" },
  { name: "interactive", shorthand: "i", type: "bool", defValue: "false", usage: "" },
  { name: "endpoints", type: "stringSlice", defValue: "[127.0.0.1:2379]", usage: "" },
  { name: "dial-timeout", type: "duration", defValue: "2s", usage: "" },
];

function parse(...argv: string[]): { flags: FlagValues; args: string[] } {
  const flags = new FlagValues(SPECS);
  return { flags, args: parseFlags(flags, argv) };
}

Deno.test("flags: defaults", () => {
  const { flags } = parse();
  assert.equal(flags.bool("prefix"), false);
  assert.equal(flags.int("limit"), 0n);
  assert.equal(flags.string("write-out"), "simple");
  assert.deepEqual(flags.strings("endpoints"), ["127.0.0.1:2379"]);
  assert.equal(flags.durationNs("dial-timeout"), 2_000_000_000n);
  assert.equal(flags.changed("prefix"), false);
});

Deno.test("flags: every value syntax pflag accepts, flags among arguments", () => {
  const { flags, args } = parse("a", "--prefix", "b", "--limit=0x10", "-w", "json", "c");
  assert.deepEqual(args, ["a", "b", "c"]);
  assert.equal(flags.bool("prefix"), true);
  assert.equal(flags.int("limit"), 16n);
  assert.equal(flags.string("write-out"), "json");
  assert.equal(parse("-wjson").flags.string("write-out"), "json");
  assert.equal(parse("-w=json").flags.string("write-out"), "json");
  assert.equal(parse("--limit", "5").flags.int("limit"), 5n);
  assert.equal(parse("--prefix=false").flags.bool("prefix"), false);
  const combined = parse("-iw", "fields");
  assert.equal(combined.flags.bool("interactive"), true);
  assert.equal(combined.flags.string("write-out"), "fields");
});

Deno.test("flags: a bool flag does not take the next argument; -- ends flags", () => {
  assert.deepEqual(parse("--prefix", "false").args, ["false"]);
  assert.deepEqual(parse("--", "--prefix", "-w").args, ["--prefix", "-w"]);
  assert.deepEqual(parse("-", "x").args, ["-", "x"]);
  assert.equal(parse("--limit", "-5").flags.int("limit"), -5n);
});

Deno.test("flags: string slices replace the default, then append", () => {
  const { flags } = parse("--endpoints=a,b", "--endpoints", "c");
  assert.deepEqual(flags.strings("endpoints"), ["a", "b", "c"]);
  assert.deepEqual(parse('--endpoints="x,y",z').flags.strings("endpoints"), ["x,y", "z"]);
  assert.deepEqual(parse("--endpoints=").flags.strings("endpoints"), []);
});

Deno.test("flags: pflag's error messages", () => {
  const cases: [string[], string][] = [
    [["--bogus"], "unknown flag: --bogus"],
    [["-x"], "unknown shorthand flag: 'x' in -x"],
    [["-prefix"], "unknown shorthand flag: 'p' in -prefix"],
    [["--limit"], "flag needs an argument: --limit"],
    [["-w"], "flag needs an argument: 'w' in -w"],
    [["-iw"], "flag needs an argument: 'w' in -w"],
    [["--=x"], "bad flag syntax: --=x"],
    [["---x"], "bad flag syntax: ---x"],
    [
      ["--limit=abc"],
      'invalid argument "abc" for "--limit" flag: strconv.ParseInt: parsing "abc": invalid syntax',
    ],
    [
      ["--prefix=maybe"],
      'invalid argument "maybe" for "--prefix" flag: strconv.ParseBool: parsing "maybe": invalid syntax',
    ],
    [
      ["--dial-timeout=abc"],
      'invalid argument "abc" for "--dial-timeout" flag: time: invalid duration "abc"',
    ],
  ];
  for (const [argv, message] of cases) {
    assert.throws(() => parse(...argv), { name: "FlagError", message }, argv.join(" "));
  }
});
