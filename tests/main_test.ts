/**
 * End-to-end tests of `main.ts`'s dispatch: each case spawns
 * `deno run -A main.ts …` and checks stdout, stderr and the exit code.
 */

import assert from "node:assert/strict";
import { API_VERSION, VERSION } from "../src/util/version.ts";

const mainPath = new URL("../main.ts", import.meta.url).pathname;

interface RunResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

async function runMainTs(...args: string[]): Promise<RunResult> {
  const command = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", mainPath, ...args],
    stdin: "null",
    stdout: "piped",
    stderr: "piped",
    env: { NO_COLOR: "1" },
  });
  const output = await command.output();
  const decoder = new TextDecoder();
  return {
    code: output.code,
    stdout: decoder.decode(output.stdout),
    stderr: decoder.decode(output.stderr),
  };
}

const expectedVersion = [
  `etcd-ts Version: ${VERSION}`,
  `API version: ${API_VERSION}`,
  `Deno Version: ${Deno.version.deno}`,
  `OS/Arch: ${Deno.build.os}/${Deno.build.arch}`,
  "",
].join("\n");

for (const flag of ["version", "--version"]) {
  Deno.test(`main.ts ${flag} prints the version on stdout`, async () => {
    const result = await runMainTs(flag);
    assert.equal(result.code, 0);
    assert.equal(result.stdout, expectedVersion);
    assert.equal(result.stderr, "");
  });
}

for (const flag of ["help", "--help", "-h"]) {
  Deno.test(`main.ts ${flag} prints usage on stdout and exits 0`, async () => {
    const result = await runMainTs(flag);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /^Usage:$/m);
    assert.match(result.stdout, /etcd-ts <command>/);
    for (const command of ["serve", "ctl", "version", "help"]) {
      assert.match(result.stdout, new RegExp(`^  ${command} `, "m"));
    }
    assert.equal(result.stderr, "");
  });
}

Deno.test("main.ts without a command prints usage on stderr and exits 2", async () => {
  const result = await runMainTs();
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.match(result.stderr, /^Usage:$/m);
});

Deno.test("main.ts with an unknown command reports it and exits 2", async () => {
  const result = await runMainTs("frobnicate", "--x");
  assert.equal(result.code, 2);
  assert.equal(result.stdout, "");
  assert.ok(
    result.stderr.startsWith('Error: unknown command "frobnicate" for "etcd-ts"\n'),
    result.stderr,
  );
  assert.match(result.stderr, /^Usage:$/m);
});

Deno.test("main.ts serve --version and --help answer without starting a member", async () => {
  const version = await runMainTs("serve", "--version");
  assert.equal(version.code, 0);
  assert.equal(version.stdout, `etcd Version: 3.4.23\netcd-ts Version: ${VERSION}\n`);
  const help = await runMainTs("serve", "--help");
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--listen-client-urls/);
});

Deno.test("main.ts ctl version prints etcdctl's version lines", async () => {
  const result = await runMainTs("ctl", "version");
  assert.equal(result.code, 0);
  assert.equal(result.stdout, "etcdctl version: 3.4.23\nAPI version: 3.4\n");
});

Deno.test("main.ts ctl against no server fails as etcdctl does", async () => {
  const result = await runMainTs(
    "ctl",
    "--endpoints=127.0.0.1:1",
    "--dial-timeout=200ms",
    "--command-timeout=500ms",
    "get",
    "foo",
  );
  assert.equal(result.code, 1);
  assert.equal(result.stdout, "");
  assert.equal(result.stderr, "Error: context deadline exceeded\n");
});
