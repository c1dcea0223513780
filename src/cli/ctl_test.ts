// Expected messages and exit codes are etcdctl 3.4.23's (each case was run
// against etcdctl 3.4.23). None of these cases reaches a server.
import assert from "node:assert/strict";
import { runCaptured } from "./_test_fixtures.ts";

const ctl = runCaptured;

Deno.test("ctl: version", async () => {
  const run = await ctl(["version"]);
  assert.deepEqual(run, {
    code: 0,
    stdout: "etcdctl version: 3.4.23\nAPI version: 3.4\n",
    stderr: "",
  });
});

Deno.test("ctl: argument errors exit 128 before any request", async () => {
  const cases: [string[], string][] = [
    [["get"], "get command needs one argument as key and an optional argument as range_end"],
    [
      ["get", "a", "--prefix", "--from-key"],
      "`--prefix` and `--from-key` cannot be set at the same time, choose one",
    ],
    [
      ["get", "a", "b", "--prefix"],
      "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
    ],
    [["del"], "del command needs one argument as key and an optional argument as range_end"],
    [
      ["del", "a", "b", "c"],
      "del command needs one argument as key and an optional argument as range_end",
    ],
    [
      ["del", "a", "b", "--from-key"],
      "too many arguments, only accept one argument when `--prefix` or `--from-key` is set",
    ],
    [["put"], "put command needs 1 argument and input from stdin or 2 arguments"],
    [["put", "k"], "put command needs 1 argument and input from stdin or 2 arguments"],
    [
      ["put", "k", "v", "--ignore-value"],
      "put command needs only 1 argument when 'ignore-value' is set",
    ],
    [
      ["put", "k", "v", "--lease=zz"],
      'bad lease ID (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex',
    ],
    [["compaction"], "compaction command needs 1 argument"],
    [["compaction", "1", "2"], "compaction command needs 1 argument"],
    [["txn", "x"], "txn command does not accept argument"],
    [
      ["get", "k", "--keys-only", "--count-only"],
      "`--keys-only` and `--count-only` cannot be set at the same time, choose one",
    ],
  ];
  for (const [args, message] of cases) {
    const run = await ctl(args);
    assert.deepEqual(run, { code: 128, stdout: "", stderr: `Error: ${message}\n` }, args.join(" "));
  }
});

Deno.test("ctl: bad get options exit 4", async () => {
  const cases: [string[], string][] = [
    [["get", "a", "--consistency=x"], 'unknown consistency flag "x"'],
    [["get", "a", "--order=up"], "bad sort order up"],
    [["get", "a", "--sort-by=foo"], "bad sort target foo"],
    [["get", "a", "-w", "yaml"], "unsupported output format"],
  ];
  for (const [args, message] of cases) {
    const run = await ctl([...args, "--endpoints=127.0.0.1:9"]);
    assert.deepEqual(run, { code: 4, stdout: "", stderr: `Error: ${message}\n` }, args.join(" "));
  }
});

Deno.test("ctl: compaction of a non-number exits 1", async () => {
  const run = await ctl(["compaction", "abc"]);
  assert.equal(run.stderr, 'Error: strconv.ParseInt: parsing "abc": invalid syntax\n');
  assert.equal(run.code, 1);
});

Deno.test("ctl: unknown command, with suggestions (exit 1)", async () => {
  const run = await ctl(["x"]);
  const error = 'Error: unknown command "x" for "etcdctl"\n\nDid you mean this?\n\ttxn\n\n';
  assert.equal(run.stderr, `${error}Run 'etcdctl --help' for usage.\n${error}`);
  assert.equal(run.stdout, "");
  assert.equal(run.code, 1);
  const plain = await ctl(["foo"]);
  assert.equal(
    plain.stderr,
    'Error: unknown command "foo" for "etcdctl"\nRun \'etcdctl --help\' for usage.\n' +
      'Error: unknown command "foo" for "etcdctl"\n',
  );
  const ambiguous = await ctl(["e"]);
  assert.match(ambiguous.stderr, /Did you mean this\?\n\tget\n\tdel\n\tendpoint\n\telect\n/);
});

Deno.test("ctl: a flag error prints usage on stdout and the error twice (exit 1)", async () => {
  const run = await ctl(["get", "foo", "--bogus"]);
  assert.equal(run.code, 1);
  assert.equal(run.stderr, "Error: unknown flag: --bogus\n\nError: unknown flag: --bogus\n");
  assert.match(run.stdout, /^NAME:\n\tget - Gets the key or a range of keys\n/);
  const dur = await ctl(["--command-timeout=abc", "get", "a"]);
  assert.match(
    dur.stderr,
    /^Error: invalid argument "abc" for "--command-timeout" flag: time: invalid duration "abc"\n/,
  );
});

Deno.test("ctl: ETCDCTL_* fill global flags; a flag set twice is fatal", async () => {
  const now = () => new Date(2026, 10, 23, 23, 47, 5, 941);
  const both = await ctl(["get", "foo", "-w", "json"], { env: { ETCDCTL_WRITE_OUT: "json" }, now });
  assert.equal(
    both.stderr,
    '2026-11-23 23:47:05.941000 C | pkg/flags: conflicting environment variable "ETCDCTL_WRITE_OUT" ' +
      "is shadowed by corresponding command-line flag (either unset environment variable or disable flag)\n",
  );
  assert.equal(both.code, 1);
  const yaml = await ctl(["get", "foo"], {
    env: { ETCDCTL_WRITE_OUT: "yaml", ETCDCTL_FOO: "1", ETCDCTL_API: "3" },
    now,
  });
  assert.equal(
    yaml.stderr,
    "2026-11-23 23:47:05.941000 W | pkg/flags: unrecognized environment variable ETCDCTL_FOO=1\n" +
      "Error: unsupported output format\n",
  );
  assert.equal(yaml.code, 4);
});

Deno.test("ctl: not yet implemented etcdctl commands say so (exit 4)", async () => {
  const run = await ctl(["alarm", "list"]);
  assert.deepEqual(run, {
    code: 4,
    stdout: "",
    stderr: 'Error: "etcdctl alarm list" is not implemented by etcd-ts ctl yet\n',
  });
});

Deno.test("ctl: txn input errors (exit 3) and EOF before the last section", async () => {
  const eof = await ctl(["txn", "--endpoints=127.0.0.1:9"], {
    stdin: 'value("k") = "v"\n\nput k v\n\n',
  });
  assert.deepEqual(eof, { code: 3, stdout: "", stderr: "Error: EOF\n" });
  const bad = await ctl(["txn", "--endpoints=127.0.0.1:9"], { stdin: "\nfoo k1\n\n\n" });
  assert.deepEqual(bad, { code: 3, stdout: "", stderr: "Error: invalid txn request: foo k1\n" });
  const short = await ctl(["txn", "--endpoints=127.0.0.1:9"], { stdin: "\nput\n\n\n" });
  assert.deepEqual(short, {
    code: 3,
    stdout: "",
    stderr: "Error: invalid txn compare request: put\n",
  });
});

Deno.test("ctl: a bad flag in a txn request prints cobra's usage (etcdctl 3.4.23)", async () => {
  const run = await ctl(["txn", "--endpoints=127.0.0.1:9"], { stdin: "\ndel k --bad\n\n\n" });
  assert.equal(run.code, 3);
  assert.equal(
    run.stderr,
    `Usage:
   del [options] <key> [range_end] [flags]

Flags:
      --from-key   delete keys that are greater than or equal to the given key using byte compare
  -h, --help       help for del
      --prefix     delete keys with matching prefix
      --prev-kv    return deleted key-value pairs

Error: invalid txn request: del k --bad
`,
  );
});

Deno.test("ctl: txn -i prompts before each section", async () => {
  const run = await ctl(["txn", "-i", "--endpoints=127.0.0.1:9"], { stdin: "\n\nfoo\n" });
  assert.equal(
    run.stdout,
    "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n",
  );
  assert.equal(run.stderr, "Error: invalid txn compare request: foo\n");
});
