// Expected messages and exit codes are etcdctl 3.4.23's (each case was run
// against etcdctl 3.4.23). None of these cases reaches a server.
import assert from "node:assert/strict";
import type { MemberListResponse } from "../proto/rpc.ts";
import { runCaptured } from "./_test_fixtures.ts";
import { memberAddEnv } from "./member_add.ts";

Deno.test("member: argument errors exit 128 before any request", async () => {
  const bad = (arg: string, why: string) =>
    `bad member ID arg (strconv.ParseUint: parsing "${arg}": ${why}), expecting ID in Hex`;
  const cases: [string[], string][] = [
    [["member", "add"], "member name not provided"],
    [["member", "add", "a", "b"], "too many arguments"],
    [
      ["member", "add", "a", "http://x", "HTTP://y"],
      "too many arguments, did you mean --peer-urls=http://x, did you mean --peer-urls=HTTP://y",
    ],
    [["member", "add", "a"], "member peer urls not provided"],
    [["member", "add", "a", "--peer-urls="], "member peer urls not provided"],
    [["member", "remove"], "member ID is not provided"],
    [["member", "remove", "a", "b"], "member ID is not provided"],
    [["member", "remove", "xyz"], bad("xyz", "invalid syntax")],
    [["member", "remove", "10000000000000000"], bad("10000000000000000", "value out of range")],
    [["member", "remove", "--", "-1"], bad("-1", "invalid syntax")],
    [["member", "remove", "0x12"], bad("0x12", "invalid syntax")],
    [["member", "remove", ""], bad("", "invalid syntax")],
    [["member", "update"], "member ID is not provided"],
    [["member", "update", "12"], "member peer urls not provided"],
    [["member", "update", "zz", "--peer-urls=http://a"], bad("zz", "invalid syntax")],
    [["member", "promote"], "member ID is not provided"],
    [["member", "promote", "g"], bad("g", "invalid syntax")],
    [["member", "remove", "xyz", "-w", "badfmt"], bad("xyz", "invalid syntax")],
  ];
  for (const [args, message] of cases) {
    const run = await runCaptured(args);
    assert.deepEqual(run, { code: 128, stdout: "", stderr: `Error: ${message}\n` }, args.join(" "));
  }
});

Deno.test("member: an unknown output format exits 4 once the arguments are good", async () => {
  const run = await runCaptured(["member", "remove", "12", "-w", "badfmt"]);
  assert.deepEqual(run, { code: 4, stdout: "", stderr: "Error: unsupported output format\n" });
});

Deno.test("member: a bad --learner value is a flag error (usage on stdout, exit 1)", async () => {
  const run = await runCaptured([
    "member",
    "add",
    "a",
    "--peer-urls=http://a:1",
    "--learner=maybe",
  ]);
  const error =
    'Error: invalid argument "maybe" for "--learner" flag: strconv.ParseBool: parsing "maybe": invalid syntax\n';
  assert.equal(run.code, 1);
  assert.equal(run.stderr, `${error}\n${error}`);
  assert.ok(run.stdout.startsWith("NAME:\n\tmember add - Adds a member into the cluster\n"));
});

Deno.test("member: the ETCD_* lines after a simple member add", () => {
  const list: MemberListResponse = {
    header: { clusterId: 1n, memberId: 2n, revision: 0, raftTerm: 2 },
    members: [
      {
        id: 2n,
        name: "m1",
        peerUrls: ["http://127.0.0.1:51380"],
        clientUrls: [],
        isLearner: false,
      },
      {
        id: 9n,
        name: "",
        peerUrls: ["http://127.0.0.1:54380", "http://127.0.0.1:54381"],
        clientUrls: [],
        isLearner: true,
      },
    ],
  };
  assert.equal(
    memberAddEnv('my "name"', 9n, list, "http://127.0.0.1:54381, http://127.0.0.1:54380"),
    `
ETCD_NAME="my \\"name\\""
ETCD_INITIAL_CLUSTER="m1=http://127.0.0.1:51380,my \\"name\\"=http://127.0.0.1:54380,my \\"name\\"=http://127.0.0.1:54381"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54381, http://127.0.0.1:54380"
ETCD_INITIAL_CLUSTER_STATE="existing"
`,
  );
});
