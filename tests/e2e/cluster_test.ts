/**
 * Three real member processes on loopback, configured with ETCD_* variables
 * only (the seed's three-VM recipe): bootstrap, writes through every member,
 * and losing the leader under load.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess, unb64 } from "./_member_process.ts";
import { agreedLeader, leaderOf, planCluster, type Planned, start } from "./_cluster.ts";

Deno.test("three members from ETCD_* variables: a write on each is read from all", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-cluster-" });
  const plans = planCluster(dir, 3);
  const members = await Promise.all(plans.map(start));
  try {
    await agreedLeader(members);
    const list = await members[0]!.post("/v3/cluster/member/list", {});
    assert.deepEqual(list.body.members.map((m: { name: string }) => m.name).sort(), [
      "m1",
      "m2",
      "m3",
    ]);
    for (const [i, member] of members.entries()) {
      const put = await member.post("/v3/kv/put", { key: b64(`from-${i}`), value: b64(`v${i}`) });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
    for (const member of members) {
      for (let i = 0; i < members.length; i++) {
        const r = await member.post("/v3/kv/range", { key: b64(`from-${i}`) });
        assert.equal(r.status, 200);
        assert.equal(unb64(r.body.kvs[0].value), `v${i}`);
        assert.equal(r.body.header.member_id !== undefined, true);
      }
    }
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("kill -9 of the leader under writes loses no acknowledged write", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-cluster-" });
  const plans = planCluster(dir, 3);
  const members = await Promise.all(plans.map(start));
  try {
    const leaderId = await leaderOf(members[0]!);
    const statuses = await Promise.all(members.map((m) => m.post("/v3/maintenance/status", {})));
    const leaderIndex = statuses.findIndex((s) => s.body.header.member_id === leaderId);
    assert.ok(leaderIndex >= 0);
    const acked = new Map<string, string>();
    let stop = false;
    const writers = members.map(async (member, w) => {
      for (let i = 0; !stop; i++) {
        const key = `k${w}-${i}`;
        try {
          const r = await member.post("/v3/kv/put", { key: b64(key), value: b64(`v${i}`) });
          if (r.status === 200) acked.set(key, `v${i}`);
        } catch {
          if (w === leaderIndex) return; // its process is gone
        }
      }
    });
    await new Promise((resolve) => setTimeout(resolve, 700));
    await members[leaderIndex]!.stop("SIGKILL");
    await new Promise((resolve) => setTimeout(resolve, 2500)); // a new leader within ~2 election timeouts
    stop = true;
    await Promise.all(writers);
    const survivors = members.filter((_, i) => i !== leaderIndex);
    const newLeader = await leaderOf(survivors[0]!);
    assert.notEqual(newLeader, leaderId);
    const restarted = await start(plans[leaderIndex]!);
    members[leaderIndex] = restarted;
    for (const member of [...survivors, restarted]) {
      for (const [key, value] of acked) {
        const r = await member.post("/v3/kv/range", { key: b64(key) });
        assert.equal(r.status, 200, `${member.clientUrl} ${key}`);
        assert.equal(unb64(r.body.kvs?.[0]?.value ?? ""), value, `${member.clientUrl} lost ${key}`);
      }
    }
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("without quorum: etcd's errors for linearizable requests, serializable reads still answer", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-cluster-" });
  const plans = planCluster(dir, 3);
  const members = await Promise.all(plans.map(start));
  try {
    await Promise.all(members.map((m) => leaderOf(m)));
    await members[0]!.post("/v3/kv/put", { key: b64("q"), value: b64("1") });
    // Let every member apply it before the majority goes.
    for (const m of members) await m.post("/v3/kv/range", { key: b64("q") });
    await members[1]!.stop("SIGKILL");
    await members[2]!.stop("SIGKILL");
    const lone = members[0]!;
    const serializable = await lone.post("/v3/kv/range", { key: b64("q"), serializable: true });
    assert.equal(serializable.status, 200);
    assert.equal(unb64(serializable.body.kvs[0].value), "1");
    const [read, write] = await Promise.all([
      lone.post("/v3/kv/range", { key: b64("q") }),
      lone.post("/v3/kv/put", { key: b64("q"), value: b64("2") }),
    ]);
    assert.equal(read.status, 503);
    assert.deepEqual(read.body, {
      error: "etcdserver: request timed out",
      message: "etcdserver: request timed out",
      code: 14,
    });
    assert.ok(write.status === 500 || write.status === 503, JSON.stringify(write.body));
    assert.notEqual(write.status, 200);
    const health = await fetch(`${lone.clientUrl}/health`);
    assert.equal(health.status, 503);
    assert.equal(await health.text(), '{"health":"false"}\n');
    const status = await lone.post("/v3/maintenance/status", {});
    assert.deepEqual(status.body.errors, ["etcdserver: no leader"]);
    const after = await lone.post("/v3/kv/range", { key: b64("q"), serializable: true });
    assert.equal(unb64(after.body.kvs[0].value), "1", "a write without quorum was applied");
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("a member that missed more than --snapshot-count entries catches up from a snapshot", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-cluster-" });
  const plans: Planned[] = planCluster(dir, 3).map((p) => ({
    ...p,
    env: { ...p.env, ETCD_SNAPSHOT_COUNT: "50" },
  }));
  const members = await Promise.all(plans.map(start));
  try {
    await Promise.all(members.map((m) => leaderOf(m)));
    await members[2]!.stop("SIGTERM");
    // A put may be lost with a stopping leader (it then times out): retry until acknowledged.
    const putAcked = async (member: MemberProcess, key: string, value: string) => {
      for (let attempt = 0; attempt < 5; attempt++) {
        const r = await member.post("/v3/kv/put", { key: b64(key), value: b64(value) });
        if (r.status === 200) return;
      }
      throw new Error(`put ${key} never acknowledged`);
    };
    for (let i = 0; i < 300; i += 20) {
      await Promise.all(
        Array.from({ length: 20 }, (_, j) => putAcked(members[i % 2]!, `s${i + j}`, `${i + j}`)),
      );
    }
    const leaderSnaps = [...Deno.readDirSync(`${plans[0]!.env.ETCD_DATA_DIR}/member/snap`)];
    assert.ok(leaderSnaps.some((e) => e.name.endsWith(".snap")), "no snapshot was taken");
    const back = await start(plans[2]!);
    members[2] = back;
    let count = "0";
    for (let i = 0; i < 100 && count !== "300"; i++) {
      const r = await back.post("/v3/kv/range", {
        key: b64("s"),
        range_end: b64("t"),
        count_only: true,
        serializable: true,
      });
      count = r.body.count ?? "0";
      if (count !== "300") await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(count, "300");
    const r = await back.post("/v3/kv/range", { key: b64("s299") });
    assert.equal(unb64(r.body.kvs[0].value), "299");
    const { stderr } = await back.stop("SIGTERM");
    assert.match(stderr, /applied snapshot from the leader/);
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});
