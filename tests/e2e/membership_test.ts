/**
 * Membership on real processes: `member add` then a member started with
 * `ETCD_INITIAL_CLUSTER_STATE=existing` joins and catches up; a learner is
 * added, caught up and promoted; a removed member stops by itself.
 */

import assert from "node:assert/strict";
import { b64, MemberProcess, runCtl, unb64 } from "./_member_process.ts";
import { freePort, leaderOf, planCluster, start } from "./_cluster.ts";

async function waitUntil(check: () => Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await check().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

type Answer = Awaited<ReturnType<MemberProcess["post"]>>;

/**
 * Asks `change` again while etcd's --strict-reconfig-check refuses it as
 * "unhealthy cluster" (peers connected for less than 5 s, as right after a
 * start or a join; etcd 3.4 answers the same), and returns the first other answer.
 */
async function whenHealthy(change: () => Promise<Answer>, what: string): Promise<Answer> {
  let answer: Answer = { status: 0, body: null };
  await waitUntil(async () => {
    answer = await change();
    return answer.body?.message !== "etcdserver: unhealthy cluster";
  }, `a healthy cluster for ${what}`);
  return answer;
}

/** The ETCD_* variables of a new member joining with the current members' peer URLs. */
function joinerEnv(
  dir: string,
  name: string,
  existing: string,
): { env: Record<string, string>; peerUrl: string } {
  const client = freePort();
  const peer = freePort();
  const peerUrl = `http://127.0.0.1:${peer}`;
  return {
    peerUrl,
    env: {
      ETCD_NAME: name,
      ETCD_DATA_DIR: `${dir}/${name}.etcd`,
      ETCD_LISTEN_CLIENT_URLS: `http://127.0.0.1:${client}`,
      ETCD_ADVERTISE_CLIENT_URLS: `http://127.0.0.1:${client}`,
      ETCD_LISTEN_PEER_URLS: peerUrl,
      ETCD_INITIAL_ADVERTISE_PEER_URLS: peerUrl,
      ETCD_INITIAL_CLUSTER: `${existing},${name}=${peerUrl}`,
      ETCD_INITIAL_CLUSTER_STATE: "existing",
      ETCD_INITIAL_CLUSTER_TOKEN: "e2e-cluster",
      ETCD_HEARTBEAT_INTERVAL: "50",
      ETCD_ELECTION_TIMEOUT: "500",
    },
  };
}

Deno.test("member add, join with state existing, learner promote, member remove", async () => {
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-members-" });
  const plans = planCluster(dir, 3);
  const members: MemberProcess[] = await Promise.all(plans.map(start));
  try {
    await Promise.all(members.map((m) => leaderOf(m)));
    const endpoints = members.map((m) => m.clientUrl).join(",");
    for (let i = 0; i < 50; i++) {
      await members[0]!.post("/v3/kv/put", { key: b64(`pre${i}`), value: b64(`${i}`) });
    }
    const existing = plans[0]!.env.ETCD_INITIAL_CLUSTER!;

    // A voter: added with ctl, as a user would, then started with state existing.
    const fourth = joinerEnv(dir, "m4", existing);
    let added = { code: -1, stdout: "", stderr: "" };
    await waitUntil(async () => {
      added = await runCtl([
        `--endpoints=${endpoints}`,
        "member",
        "add",
        "m4",
        `--peer-urls=${fourth.peerUrl}`,
      ]);
      return !added.stderr.includes("etcdserver: unhealthy cluster");
    }, "a healthy cluster for member add");
    assert.equal(added.code, 0, added.stderr);
    assert.match(added.stdout, /^Member +[0-9a-f]+ added to cluster +[0-9a-f]+\n/); // %16x pads
    assert.match(added.stdout, /ETCD_INITIAL_CLUSTER_STATE="existing"/);
    const m4 = await MemberProcess.start(fourth.env.ETCD_DATA_DIR!, [], fourth.env);
    members.push(m4);
    await waitUntil(async () => {
      const r = await m4.post("/v3/kv/range", { key: b64("pre49"), serializable: true });
      return r.body.kvs !== undefined && unb64(r.body.kvs[0].value) === "49";
    }, "m4 to catch up");
    const list = await m4.post("/v3/cluster/member/list", {});
    assert.equal(list.body.members.length, 4);
    await waitUntil(async () => {
      const l = await m4.post("/v3/cluster/member/list", {});
      return l.body.members.some((m: { name?: string }) => m.name === "m4");
    }, "m4 to publish its name");

    // A learner: added, caught up, promoted.
    const fifth = joinerEnv(dir, "m5", `${existing},m4=${fourth.peerUrl}`);
    const learner = await whenHealthy(
      () =>
        members[1]!.post("/v3/cluster/member/add", { peerURLs: [fifth.peerUrl], isLearner: true }),
      "a learner add",
    );
    assert.equal(learner.status, 200, JSON.stringify(learner.body));
    assert.equal(learner.body.member.isLearner, true);
    const m5 = await MemberProcess.start(fifth.env.ETCD_DATA_DIR!, [], fifth.env);
    members.push(m5);
    await waitUntil(async () => {
      const r = await m5.post("/v3/kv/range", { key: b64("pre49"), serializable: true });
      return r.body.kvs !== undefined;
    }, "the learner to catch up");
    // Through a follower: only the leader knows whether the learner is in
    // sync, so the follower hands the promotion to it (as etcd does).
    let follower: MemberProcess | undefined;
    await waitUntil(async () => {
      for (const m of members.slice(0, 4)) {
        const s = (await m.post("/v3/maintenance/status", {})).body;
        if (s.leader !== undefined && s.leader !== s.header.member_id) follower = m;
      }
      return follower !== undefined;
    }, "a follower");
    await waitUntil(async () => {
      const r = await follower!.post("/v3/cluster/member/promote", {
        ID: learner.body.member.ID,
      });
      if (r.status !== 200) {
        assert.equal(
          r.body.message,
          "etcdserver: can only promote a learner member which is in sync with leader",
        );
      }
      return r.status === 200;
    }, "the learner's promotion");
    const promoted = await members[0]!.post("/v3/cluster/member/list", {});
    assert.equal(
      promoted.body.members.find((m: { ID: string }) => m.ID === learner.body.member.ID).isLearner,
      undefined,
    );

    // Removing a member: it stops by itself.
    const m1Id = (await members[0]!.post("/v3/maintenance/status", {})).body.header.member_id;
    const removed = await whenHealthy(
      () => members[1]!.post("/v3/cluster/member/remove", { ID: m1Id }),
      "member remove",
    );
    assert.equal(removed.status, 200, JSON.stringify(removed.body));
    assert.equal(removed.body.members.length, 4);
    const exit = await Promise.race([
      members[0]!.child.status,
      new Promise<null>((resolve) => setTimeout(() => resolve(null), 10_000)),
    ]);
    assert.notEqual(exit, null, "the removed member did not stop");
    // Removing the leader hands leadership over; a write may fail during the hand-off, then works.
    await waitUntil(async () => {
      const after = await members[1]!.post("/v3/kv/put", { key: b64("after"), value: b64("ok") });
      return after.status === 200;
    }, "a write after the removal");
  } finally {
    await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await Deno.remove(dir, { recursive: true });
  }
});
