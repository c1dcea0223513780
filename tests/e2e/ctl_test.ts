/**
 * `etcd-ts ctl` as a user runs it, against a real `etcd-ts serve` process:
 * the seed's commands and every ctl command of this milestone, with
 * etcdctl's output and exit codes (values from the reference transcript).
 */

import assert from "node:assert/strict";
import { MemberProcess, runCtl } from "./_member_process.ts";

Deno.test("ctl speaks etcdctl's language to a real member", async (t) => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-ctl-" });
  const member = await MemberProcess.start(`${dir}/m.etcd`);
  const ctl = (args: string[], stdin = "") =>
    runCtl([`--endpoints=${member.clientUrl}`, ...args], stdin);
  try {
    await t.step("the seed's commands", async () => {
      assert.deepEqual(await ctl(["put", "mykey", "myvalue"]), {
        code: 0,
        stdout: "OK\n",
        stderr: "",
      });
      assert.equal((await ctl(["get", "mykey"])).stdout, "mykey\nmyvalue\n");
      await ctl(["put", "example1", "a"]);
      await ctl(["put", "example2", "b"]);
      assert.equal(
        (await ctl(["get", "example", "--prefix"])).stdout,
        "example1\na\nexample2\nb\n",
      );
      assert.equal(
        (await ctl(["get", "example", "--prefix", "--keys-only"])).stdout,
        "example1\n\nexample2\n\n",
      );
      assert.equal(
        (await ctl(["get", "example", "--prefix", "--print-value-only"])).stdout,
        "a\nb\n",
      );
      assert.equal((await ctl(["del", "mykey"])).stdout, "1\n");
      assert.deepEqual(await ctl(["get", "mykey"]), { code: 0, stdout: "", stderr: "" });
      assert.equal((await ctl(["del", "no-such-key"])).stdout, "0\n");
    });

    await t.step("-w json prints etcdctl's JSON with numbers", async () => {
      const out = (await ctl(["get", "example1", "-w", "json"])).stdout;
      const parsed = JSON.parse(out);
      assert.equal(typeof parsed.header.revision, "number");
      assert.equal(parsed.kvs[0].key, btoa("example1"));
      assert.equal(parsed.count, 1);
      assert.match(
        out,
        /^\{"header":\{"cluster_id":\d+,"member_id":\d+,"revision":\d+,"raft_term":\d+\},"kvs":/,
      );
    });

    await t.step("get --limit, --sort-by, --order, --from-key and --rev", async () => {
      assert.equal(
        (await ctl(["get", "example", "--prefix", "--order=DESCEND", "--limit=1"])).stdout,
        "example2\nb\n",
      );
      assert.equal(
        (await ctl(["get", "example2", "--from-key", "--keys-only"])).stdout,
        "example2\n\n",
      );
      const future = await ctl(["get", "mykey", "--rev=999999"]);
      assert.equal(future.code, 1);
      assert.equal(
        future.stderr,
        "Error: etcdserver: mvcc: required revision is a future revision\n",
      );
    });

    await t.step("txn from stdin, as etcdctl reads it", async () => {
      await ctl(["put", "mykey", "myvalue2"]);
      const result = await ctl(
        ["txn"],
        'value("mykey") = "myvalue2"\n\nput mykey "txn-succeeded"\nget mykey\n\nput mykey "txn-failed"\n\n',
      );
      assert.deepEqual(result, {
        code: 0,
        stdout: "SUCCESS\n\nOK\n\nmykey\ntxn-succeeded\n",
        stderr: "",
      });
      const interactive = await ctl(
        ["txn", "-i"],
        'value("mykey") = "nope"\n\nput mykey "s"\n\nput mykey "f"\n\n',
      );
      assert.equal(
        interactive.stdout,
        "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\nFAILURE\n\nOK\n",
      );
      assert.equal((await ctl(["get", "mykey", "--print-value-only"])).stdout, "f\n");
    });

    await t.step("del --prefix --prev-kv prints the deleted pairs", async () => {
      assert.equal(
        (await ctl(["del", "example", "--prefix", "--prev-kv"])).stdout,
        "2\nexample1\na\nexample2\nb\n",
      );
    });

    await t.step("compaction, then reading below it", async () => {
      const rev = JSON.parse((await ctl(["get", "mykey", "-w", "json"])).stdout).header.revision;
      assert.equal((await ctl(["compaction", String(rev)])).stdout, `compacted revision ${rev}\n`);
      const again = await ctl(["compaction", String(rev)]);
      assert.equal(again.code, 1);
      assert.equal(again.stderr, "Error: etcdserver: mvcc: required revision has been compacted\n");
    });

    await t.step("errors exit as etcdctl's", async () => {
      const empty = await ctl(["put", "", "emptykey"]);
      assert.deepEqual(empty, {
        code: 1,
        stdout: "",
        stderr: "Error: etcdserver: key is not provided\n",
      });
      const usage = await ctl(["get"]);
      assert.equal(usage.code, 128);
      assert.equal(
        usage.stderr,
        "Error: get command needs one argument as key and an optional argument as range_end\n",
      );
    });

    await t.step("endpoint health, endpoint status and member list", async () => {
      const health = await ctl(["endpoint", "health"]); // etcdctl writes it on stderr
      assert.equal(health.code, 0);
      assert.match(
        health.stderr,
        new RegExp(`^${member.clientUrl} is healthy: successfully committed proposal: took = `),
      );
      const status = await ctl(["endpoint", "status", "-w", "table"]);
      assert.equal(status.code, 0);
      assert.match(
        status.stdout,
        /\| *ENDPOINT *\| *ID *\| *VERSION *\| *DB SIZE *\| *IS LEADER *\|/,
      );
      assert.match(status.stdout, /\| +3\.4\.23 \|/);
      assert.match(status.stdout, /\| +true \| +false \|/);
      const members = await ctl(["member", "list", "-w", "table"]);
      assert.match(
        members.stdout,
        /\| +ID +\| +STATUS +\| +NAME +\| +PEER ADDRS +\| +CLIENT ADDRS +\| +IS LEARNER +\|/,
      );
      assert.match(
        members.stdout,
        /\| 8e9e05c52164694d \| started \| default \| http:\/\/localhost:2380 \|/,
      );
    });
  } finally {
    await member.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("ctl fails over to the next endpoint when the first is down", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-ctl-" });
  const member = await MemberProcess.start(`${dir}/m.etcd`);
  try {
    const result = await runCtl([
      `--endpoints=127.0.0.1:1,${member.clientUrl}`,
      "put",
      "failover",
      "works",
    ]);
    assert.deepEqual(result, { code: 0, stdout: "OK\n", stderr: "" });
    const env = { ETCDCTL_ENDPOINTS: member.clientUrl };
    assert.equal(
      (await runCtl(["get", "failover", "--print-value-only"], "", env)).stdout,
      "works\n",
    );
  } finally {
    await member.stop("SIGKILL");
    await Deno.remove(dir, { recursive: true });
  }
});
