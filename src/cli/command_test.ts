// Expected behaviour is spf13/cobra's as etcdctl 3.4.23 shows it (prefix
// matching on, suggestions within Levenshtein distance 2 or by prefix).
import assert from "node:assert/strict";
import { type Command, findCommand, suggestionsFor, useLine } from "./command.ts";
import type { FlagSpec } from "./flags.ts";

const run = () => Promise.resolve();
const GLOBAL: FlagSpec[] = [
  { name: "endpoints", type: "stringSlice", defValue: "[127.0.0.1:2379]", usage: "" },
  { name: "hex", type: "bool", defValue: "false", usage: "" },
  { name: "write-out", shorthand: "w", type: "string", defValue: "simple", usage: "" },
];
const ROOT: Command<null> = {
  name: "etcdctl",
  use: "etcdctl",
  short: "",
  persistentFlags: GLOBAL,
  subcommands: [
    { name: "get", use: "get [options] <key> [range_end]", short: "", run },
    { name: "del", use: "del", short: "", run },
    { name: "txn", use: "txn", short: "", run },
    {
      name: "endpoint",
      use: "endpoint <subcommand>",
      short: "",
      subcommands: [{ name: "status", use: "status", short: "", run }, {
        name: "health",
        use: "health",
        short: "",
        run,
      }],
    },
    { name: "elect", use: "elect", short: "", run },
  ],
};

function find(...args: string[]): [string, string[]] {
  const found = findCommand(ROOT, args);
  return [found.path.map((c) => c.name).join(" "), found.args];
}

Deno.test("command: finds subcommands among flags and their values", () => {
  assert.deepEqual(find("get", "foo"), ["etcdctl get", ["foo"]]);
  assert.deepEqual(find("--endpoints", "x", "get", "foo"), ["etcdctl get", [
    "--endpoints",
    "x",
    "foo",
  ]]);
  assert.deepEqual(find("-w", "json", "endpoint", "status"), ["etcdctl endpoint status", [
    "-w",
    "json",
  ]]);
  assert.deepEqual(find("--hex", "get", "foo"), ["etcdctl get", ["--hex", "foo"]]);
  // An unknown flag is taken to have a value, as cobra does: `get` is eaten.
  assert.deepEqual(find("--bogus", "get", "x"), ["etcdctl", ["--bogus", "get", "x"]]);
  assert.deepEqual(find("get", "get"), ["etcdctl get", ["get"]]);
});

Deno.test("command: prefix matching when unique", () => {
  assert.deepEqual(find("ge", "foo"), ["etcdctl get", ["foo"]]);
  assert.deepEqual(find("endpoint", "stat"), ["etcdctl endpoint status", []]);
  assert.deepEqual(find("e", "x"), ["etcdctl", ["e", "x"]]); // elect or endpoint
});

Deno.test("command: suggestions in declaration order", () => {
  assert.equal(suggestionsFor(ROOT, "x"), "\n\nDid you mean this?\n\ttxn\n");
  assert.equal(
    suggestionsFor(ROOT, "e"),
    "\n\nDid you mean this?\n\tget\n\tdel\n\tendpoint\n\telect\n",
  );
  assert.equal(suggestionsFor(ROOT, "foo"), "");
});

Deno.test("command: use line", () => {
  const found = findCommand(ROOT, ["get"]);
  assert.equal(useLine(found.path), "etcdctl get [options] <key> [range_end] [flags]");
});
