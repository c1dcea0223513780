// The help texts in testdata/help/ were printed by etcdctl 3.4.23
// (`etcdctl <command> --help`); ctl must print them byte for byte.
import assert from "node:assert/strict";
import { ctl } from "./_ctl_io.ts";

const HELP_DIR = new URL("./testdata/help/", import.meta.url);

async function expected(name: string): Promise<string> {
  return await Deno.readTextFile(new URL(`${name}.txt`, HELP_DIR));
}

const COMMANDS = [
  "root",
  "get",
  "put",
  "del",
  "txn",
  "compaction",
  "endpoint",
  "endpoint health",
  "endpoint status",
  "member",
  "member list",
  "member add",
  "member remove",
  "member update",
  "member promote",
  "version",
  "lease",
  "alarm",
  "auth",
  "check",
  "snapshot",
  "user",
  "role",
  "completion",
];

for (const command of COMMANDS) {
  Deno.test(`help: etcdctl ${command === "root" ? "" : command + " "}--help`, async () => {
    const args = command === "root" ? [] : command.split(" ");
    const run = await ctl([...args, "--help"]);
    assert.equal(run.stdout, await expected(command.replaceAll(" ", "_")));
    assert.equal(run.stderr, "");
    assert.equal(run.code, 0);
  });
}

Deno.test("help: `help get`, `-h`, no arguments, a group without subcommand", async () => {
  assert.equal((await ctl(["help", "get"])).stdout, await expected("get"));
  assert.equal((await ctl(["get", "-h"])).stdout, await expected("get"));
  assert.equal((await ctl([])).stdout, await expected("root"));
  assert.equal((await ctl(["endpoint"])).stdout, await expected("endpoint"));
  assert.equal((await ctl(["endpoint", "nosuch"])).stdout, await expected("endpoint"));
});

Deno.test("help: an unknown help topic prints the root usage without -h", async () => {
  const run = await ctl(["help", "foo"]);
  assert.equal(run.stderr, "Unknown help topic [`foo`]\n");
  const root = await expected("root");
  assert.equal(run.stdout, root.replace("  -h, --help[=false]\t\t\t\thelp for etcdctl\n", ""));
  assert.equal(run.code, 0);
});
