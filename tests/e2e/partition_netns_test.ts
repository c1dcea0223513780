/**
 * A network partition between real member processes (the real-process
 * counterpart of src/server/partition_test.ts): three `serve` processes,
 * each in its own Linux network namespace; one member's peer link is cut
 * while its client link stays up. The cut-off minority never acknowledges a
 * write and never answers a linearizable read (so never with the stale
 * value), while the majority elects a leader and keeps serving; after the
 * heal the minority catches up and serves again. Once with the leader cut
 * off, once with a follower.
 *
 * Needs root (namespaces, veths, bridges); skipped, saying why, elsewhere.
 */

import assert from "node:assert/strict";
import { b64, unb64 } from "./_member_process.ts";
import { NetnsMember, NetnsTopology, netnsUnavailable } from "./_netns.ts";

const unavailable = netnsUnavailable();
if (unavailable !== null) {
  console.log(`partition_netns_test.ts: skipped, ${unavailable}`);
}

/** Statuses and messages a request may fail with when its member has no quorum. */
const NO_QUORUM_ERRORS = new Set([
  "etcdserver: request timed out",
  "etcdserver: request timed out, possibly due to previous leader failure",
  "etcdserver: request timed out, possibly due to connection lost",
  "etcdserver: leader changed",
  "etcdserver: no leader",
  "context deadline exceeded",
]);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 100 ms until it returns a value (not undefined) or `timeoutMs` passes. */
async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown = undefined;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ""}`);
}

async function valueOf(member: NetnsMember, key: string, serializable: boolean) {
  const r = await member.post("/v3/kv/range", { key: b64(key), serializable });
  assert.equal(r.status, 200, `${member.clientUrl} range ${key}: ${JSON.stringify(r.body)}`);
  const kv = r.body.kvs?.[0];
  return {
    value: kv ? unb64(kv.value) : undefined,
    version: kv?.version as string | undefined,
    modRevision: kv?.mod_revision as string | undefined,
    revision: r.body.header.revision as string,
  };
}

/**
 * The leader's member id as every given member sees it, once they all agree
 * (on another member than `not`).
 */
function agreedLeader(members: readonly NetnsMember[], not = "0"): Promise<string> {
  return waitFor("the members to agree on a leader", async () => {
    const statuses = await Promise.all(members.map((m) => m.post("/v3/maintenance/status", {})));
    const leaders = new Set(statuses.map((s) => s.body?.leader));
    const [leader] = leaders;
    const agreed = leaders.size === 1 && typeof leader === "string";
    return agreed && leader !== "0" && leader !== not ? leader : undefined;
  });
}

async function partitionScenario(cut: "leader" | "follower"): Promise<void> {
  const started = Date.now();
  const dir = await Deno.makeTempDir({ prefix: "etcd-ts-netns-" });
  let topology: NetnsTopology | null = null;
  const members: NetnsMember[] = [];
  let ok = false;
  try {
    topology = await NetnsTopology.create(3);
    const initialCluster = topology.slots.map((s) => `${s.name}=${s.peerUrl}`).join(",");
    const starts = await Promise.allSettled(
      topology.slots.map((slot) =>
        NetnsMember.start(slot.ns, slot.clientUrl, {
          ETCD_NAME: slot.name,
          ETCD_DATA_DIR: `${dir}/${slot.name}.etcd`,
          ETCD_LISTEN_CLIENT_URLS: slot.clientUrl,
          ETCD_ADVERTISE_CLIENT_URLS: slot.clientUrl,
          ETCD_LISTEN_PEER_URLS: slot.peerUrl,
          ETCD_INITIAL_ADVERTISE_PEER_URLS: slot.peerUrl,
          ETCD_INITIAL_CLUSTER: initialCluster,
          ETCD_INITIAL_CLUSTER_STATE: "new",
          ETCD_INITIAL_CLUSTER_TOKEN: `netns-${Deno.pid}-${cut}`,
          ETCD_HEARTBEAT_INTERVAL: "50",
          ETCD_ELECTION_TIMEOUT: "500",
        })
      ),
    );
    for (const start of starts) if (start.status === "fulfilled") members.push(start.value);
    for (const start of starts) if (start.status === "rejected") throw start.reason;

    // Before the cut: a write through every member is read from every member.
    const leaderId = await agreedLeader(members);
    const ids = await Promise.all(
      members.map(async (m) =>
        (await m.post("/v3/maintenance/status", {})).body.header.member_id as string
      ),
    );
    for (const [i, member] of members.entries()) {
      const put = await member.post("/v3/kv/put", { key: b64(`from-${i}`), value: b64(`v${i}`) });
      assert.equal(put.status, 200, JSON.stringify(put.body));
    }
    const put = await members[0]!.post("/v3/kv/put", { key: b64("x"), value: b64("old") });
    assert.equal(put.status, 200, JSON.stringify(put.body));
    for (const member of members) {
      for (let i = 0; i < members.length; i++) {
        assert.equal((await valueOf(member, `from-${i}`, false)).value, `v${i}`);
      }
      assert.equal((await valueOf(member, "x", false)).value, "old");
    }

    // The cut.
    const leaderIndex = ids.indexOf(leaderId);
    assert.ok(leaderIndex >= 0, `leader ${leaderId} is none of ${ids}`);
    const cutIndex = cut === "leader" ? leaderIndex : (leaderIndex + 1) % 3;
    const minority = members[cutIndex]!;
    const majority = members.filter((_, i) => i !== cutIndex);
    await topology.cut(cutIndex);
    const cutAt = Date.now();

    // Issued at once on the minority: none can reach a quorum, so none may succeed.
    const minorityPut = minority.post("/v3/kv/put", { key: b64("x"), value: b64("lost") });
    const earlyRead = minority.post("/v3/kv/range", { key: b64("x") });

    // The majority has (or elects) a leader of its own and takes a new write (put once: a
    // retried put would show in x's version).
    const majorityLeader = await agreedLeader(majority, ids[cutIndex]);
    assert.ok(ids.indexOf(majorityLeader) >= 0 && ids.indexOf(majorityLeader) !== cutIndex);
    if (cut === "follower") {
      assert.equal(majorityLeader, leaderId, "a follower's cut moved the leader");
    }
    const newPut = await members[ids.indexOf(majorityLeader)]!.post("/v3/kv/put", {
      key: b64("x"),
      value: b64("new"),
    });
    assert.equal(
      newPut.status,
      200,
      `the majority refused a write: ${JSON.stringify(newPut.body)}`,
    );
    const newRevision = newPut.body.header.revision as string;
    for (const member of majority) {
      const got = await valueOf(member, "x", false);
      assert.equal(got.value, "new");
      assert.equal(got.modRevision, newRevision);
    }
    const majorityWrite = await majority[1]!.post("/v3/kv/put", {
      key: b64("during"),
      value: b64("cut"),
    });
    assert.equal(majorityWrite.status, 200, JSON.stringify(majorityWrite.body));

    // Issued after "new" was acknowledged: answering "old" would be a stale read.
    const lateRead = minority.post("/v3/kv/range", { key: b64("x") });
    const lateTxn = minority.post("/v3/kv/txn", {
      success: [{ request_range: { key: b64("x") } }],
    });
    // A serializable read is local and may be stale: the minority cannot know "new".
    const serializable = await valueOf(minority, "x", true);
    assert.equal(serializable.value, "old");

    const [putResult, early, late, txn] = await Promise.all([
      minorityPut,
      earlyRead,
      lateRead,
      lateTxn,
    ]);
    const cutFor = Date.now() - cutAt;
    assert.notEqual(
      putResult.status,
      200,
      `the minority acknowledged a write: ${JSON.stringify(putResult.body)}`,
    );
    assert.ok(
      (putResult.status === 503 || putResult.status === 500) &&
        NO_QUORUM_ERRORS.has(putResult.body?.error) &&
        putResult.body.message === putResult.body.error,
      `minority put: ${putResult.status} ${JSON.stringify(putResult.body)}`,
    );
    for (const [what, read] of [["early read", early], ["late read", late], ["late txn", txn]]) {
      const r = read as typeof early;
      assert.notEqual(
        r.status,
        200,
        `the minority answered a linearizable ${what}: ${JSON.stringify(r.body)}`,
      );
      assert.deepEqual(r.body, {
        error: "etcdserver: request timed out",
        message: "etcdserver: request timed out",
        code: 14,
      }, `minority ${what}`);
      assert.equal(r.status, 503);
    }
    // Still nothing of "lost" on the minority after its put failed.
    assert.equal((await valueOf(minority, "x", true)).value, "old");

    // The heal: the minority catches up and serves linearizable reads and writes again.
    await topology.heal(cutIndex);
    const healedAt = Date.now();
    await waitFor("the minority to catch up", async () => {
      const got = await valueOf(minority, "during", true);
      return got.value === "cut" ? true : undefined;
    }, 20_000);
    const caughtUpIn = Date.now() - healedAt;
    const afterHeal = await waitFor("a write on the healed member", async () => {
      const r = await minority.post("/v3/kv/put", { key: b64("after"), value: b64("heal") });
      return r.status === 200 ? r : undefined;
    });
    const finalRevision = afterHeal.body.header.revision as string;
    // Every member agrees on x and on the revision. A put that timed out was not refused, only
    // not acknowledged: a follower's put forwarded to the leader may wait in the cut TCP stream
    // and be committed after the heal, hence after "new". The cut-off leader's own proposal was
    // never committed and is overwritten by the majority's log.
    const final = await Promise.all(members.map((m) => valueOf(m, "x", false)));
    for (const [i, x] of final.entries()) {
      assert.deepEqual(x, { ...final[0]!, revision: x.revision }, `m${i + 1} disagrees on x`);
      assert.equal(x.revision, finalRevision, `m${i + 1} revision`);
      assert.equal((await valueOf(members[i]!, "after", false)).value, "heal");
    }
    const x = final[0]!;
    if (cut === "leader" || x.value === "new") {
      assert.deepEqual([x.value, x.version, x.modRevision], ["new", "2", newRevision]);
    } else {
      assert.equal(x.value, "lost");
      assert.equal(x.version, "3");
      assert.ok(Number(x.modRevision) > Number(newRevision), "the late put overtook new");
    }
    ok = true;
    console.log(
      `partition_netns_test (${cut} cut): minority put ${putResult.status} ` +
        `${JSON.stringify(putResult.body.error)}, reads 503; cut for ${cutFor} ms, caught up ` +
        `${caughtUpIn} ms after the heal, x=${x.value}, ${Date.now() - started} ms in all`,
    );
  } finally {
    const stopped = await Promise.all(members.map((m) => m.stop("SIGKILL")));
    await topology?.destroy();
    await Deno.remove(dir, { recursive: true });
    if (!ok) {
      for (const [i, { stderr }] of stopped.entries()) {
        console.error(`--- m${i + 1} log (last 3000 characters) ---\n${stderr.slice(-3000)}`);
      }
    }
  }
}

Deno.test({
  name: "network partition: the cut-off leader acknowledges nothing and serves no stale read",
  ignore: unavailable !== null,
  fn: () => partitionScenario("leader"),
});

Deno.test({
  name: "network partition: a cut-off follower acknowledges nothing and serves no stale read",
  ignore: unavailable !== null,
  fn: () => partitionScenario("follower"),
});
