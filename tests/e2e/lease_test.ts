/**
 * Leases on three real member processes (heartbeat 50 ms, election 500 ms:
 * etcd's minimum TTL is then 1 s): a leased key disappears on every member
 * once its lease expires at the leader; `ctl lease keep-alive` through a
 * follower holds another one; a revoke deletes every attached key in one
 * revision; and after `kill -9` of the leader the lease does not expire
 * early (the new leader starts its TTL afresh) but does expire later.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess, runCtl } from "./_member_process.ts";
import { agreedLeader, leaderOf, planCluster, start } from "./_cluster.ts";

const mainPath = new URL("../../main.ts", import.meta.url).pathname;

interface Cluster {
  readonly members: MemberProcess[];
  readonly leader: number;
}

async function withCluster(body: (cluster: Cluster) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-lease-" });
  const members = await Promise.all(planCluster(dir, 3).map(start));
  try {
    const leaderId = await agreedLeader(members);
    const statuses = await Promise.all(members.map((m) => m.post("/v3/maintenance/status", {})));
    const leader = statuses.findIndex((s) => s.body.header.member_id === leaderId);
    assert.ok(leader >= 0);
    await body({ members, leader });
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
}

const endpoint = (m: MemberProcess) => `--endpoints=${m.clientUrl}`;

/** Whether `key` exists on `member` (a local, serializable read). */
async function exists(member: MemberProcess, key: string): Promise<boolean> {
  const r = await member.post("/v3/kv/range", { key: b64(key), serializable: true });
  assert.equal(r.status, 200, JSON.stringify(r.body));
  return (r.body.kvs?.length ?? 0) > 0;
}

async function waitUntil(check: () => Promise<boolean>, what: string, timeoutMs = 10_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** `ctl lease grant <ttl>` on `member`: the lease id in hex. */
async function grant(member: MemberProcess, ttl: number): Promise<string> {
  const run = await runCtl([endpoint(member), "lease", "grant", String(ttl)]);
  assert.equal(run.code, 0, run.stderr);
  const match = /^lease ([0-9a-f]{16}) granted with TTL\((\d+)s\)\n$/.exec(run.stdout);
  assert.ok(match, run.stdout);
  assert.equal(match[2], String(ttl));
  return match[1]!;
}

async function put(member: MemberProcess, key: string, lease: string): Promise<void> {
  const run = await runCtl([endpoint(member), "put", key, "v", `--lease=${lease}`]);
  assert.equal(run.stdout, "OK\n", run.stderr);
}

Deno.test("leases: a leased key disappears on every member after expiry; keep-alive through a follower holds another", async () => {
  await withCluster(async ({ members, leader }) => {
    const follower = members[(leader + 1) % 3]!;
    const expiring = await grant(follower, 2);
    const kept = await grant(follower, 2);
    await put(follower, "expiring", expiring);
    await put(follower, "kept", kept);
    const keepAlive = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", mainPath, "ctl", endpoint(follower), "lease", "keep-alive", kept],
      stdout: "piped",
      stderr: "null",
    }).spawn();
    try {
      for (const m of members) {
        await waitUntil(async () => !(await exists(m, "expiring")), "the expired key to go");
      }
      await sleep(1000); // well past the 2 s TTL of both leases
      for (const m of members) assert.equal(await exists(m, "kept"), true, m.clientUrl);
      const ttl = await runCtl([endpoint(follower), "lease", "timetolive", expiring]);
      assert.equal(ttl.stdout, `lease ${expiring} already expired\n`);
    } finally {
      try {
        keepAlive.kill("SIGKILL");
      } catch {
        // It ended by itself: the lease was lost (the assertions below say so).
      }
      const output = await keepAlive.output();
      const lines = new TextDecoder().decode(output.stdout).split("\n").filter((l) => l !== "");
      assert.ok(lines.length >= 3, lines.join("\n"));
      assert.ok(lines.every((l) => l === `lease ${kept} keepalived with TTL(2)`), lines.join("\n"));
    }
    for (const m of members) {
      await waitUntil(async () => !(await exists(m, "kept")), "the kept key to go");
    }
  });
});

Deno.test("leases: revoke deletes every attached key in one revision, on every member", async () => {
  await withCluster(async ({ members, leader }) => {
    const follower = members[(leader + 2) % 3]!;
    const lease = await grant(members[leader]!, 60);
    for (const key of ["r1", "r2", "r3"]) await put(follower, key, lease);
    const before = (await follower.post("/v3/kv/range", { key: b64("r1") })).body.header.revision;
    const revoked = await runCtl([endpoint(follower), "lease", "revoke", lease]);
    assert.equal(revoked.stdout, `lease ${lease} revoked\n`, revoked.stderr);
    const after = String(Number(before) + 1);
    for (const m of members) {
      await waitUntil(async () => !(await exists(m, "r1")), "the revoke applied");
      const all = { key: b64("r"), range_end: b64("s"), serializable: true };
      const now = await m.post("/v3/kv/range", all);
      assert.equal(now.body.header.revision, after, "one revision for the whole revoke");
      assert.equal(now.body.kvs, undefined);
      const then = await m.post("/v3/kv/range", { ...all, revision: before });
      assert.equal(then.body.count, "3");
    }
    const again = await runCtl([endpoint(follower), "lease", "revoke", lease]);
    assert.equal(
      again.stderr,
      "Error: failed to revoke lease (etcdserver: requested lease not found)\n",
    );
    assert.equal(again.code, 1);
  });
});

Deno.test("leases: kill -9 of the leader; the lease does not expire early, then expires on the new leader", async () => {
  await withCluster(async ({ members, leader }) => {
    const old = members[leader]!;
    const survivors = members.filter((_, i) => i !== leader);
    const lease = await grant(old, 3);
    const granted = Date.now();
    await put(survivors[0]!, "held", lease);
    await sleep(1500);
    await old.stop("SIGKILL");
    const newLeaderId = await leaderOf(survivors[0]!);
    assert.notEqual(newLeaderId, undefined);
    // The new leader gives the lease its full 3 s plus an election timeout (0.5 s) from its
    // promotion; the old leader's clock would have left less than a second by now.
    const ttl = await runCtl([endpoint(survivors[1]!), "lease", "timetolive", lease]);
    assert.match(
      ttl.stdout,
      new RegExp(`^lease ${lease} granted with TTL\\(3s\\), remaining\\([23]s\\)\\n$`),
    );
    const promoted = Date.now();
    await sleep(Math.max(0, granted + 3500 - Date.now())); // past the original expiry
    if (Date.now() < promoted + 3000) {
      for (const m of survivors) assert.equal(await exists(m, "held"), true, "expired early");
    }
    for (const m of survivors) {
      await waitUntil(async () => !(await exists(m, "held")), "the lease to expire");
    }
    assert.ok(
      Date.now() >= promoted + 2500,
      "the new leader revoked the lease before its extended TTL",
    );
  });
});
