/**
 * etcd 3.4's --strict-reconfig-check, connectivity half (server.go
 * mayAddMember / mayRemoveMember), on three members in one process on the
 * in-memory peer network with a short health interval:
 * - an add (voter or learner) needs the member answering it to have been
 *   connected to every voter for the whole health interval;
 * - a remove must leave a quorum of voters connected to it for that long
 *   (itself counted), unless the member removed is down;
 * - both refusals are "etcdserver: unhealthy cluster" (code 14, Unavailable),
 *   as etcd 3.4.23 answered on a real cluster; without the check both pass.
 */

import assert from "node:assert/strict";
import { EtcdError, GrpcCode } from "../proto/errors.ts";
import type { RunningMember } from "./member.ts";
import { peerUrl, startInProcessCluster } from "./_in_process_cluster.ts";
import { MemoryNetwork } from "./transport/mod.ts";

const healthIntervalMs = 300;
interface Cluster {
  readonly network: MemoryNetwork;
  readonly leader: RunningMember;
  readonly followers: readonly [RunningMember, RunningMember];
  stop(): Promise<void>;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitFor(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (await check()) return;
    await sleep(10);
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** Three members with a leader, every name published (so only connectivity is judged). */
async function startCluster(strict: boolean): Promise<Cluster> {
  const network = new MemoryNetwork();
  const members = await startInProcessCluster(network, {
    initialClusterToken: "reconfig-test",
    strictReconfigCheck: strict,
    healthIntervalMs,
  });
  const stop = async () => {
    network.heal();
    await Promise.all(members.map((m) => m.stop()));
  };
  try {
    let leader = -1;
    await waitFor(async () => {
      const statuses = await Promise.all(members.map((m) => m.server.status()));
      leader = statuses.findIndex((s) => s.leader !== 0n && s.leader === s.header.memberId);
      if (leader < 0) return false;
      const list = await members[leader]!.server.memberList();
      return list.members.every((m) => m.name !== "");
    }, "a leader and every name published");
    const [f1, f2] = members.filter((_, i) => i !== leader);
    return { network, leader: members[leader]!, followers: [f1!, f2!], stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function unhealthy(error: unknown): boolean {
  return error instanceof EtcdError && error.message === "etcdserver: unhealthy cluster" &&
    error.code === GrpcCode.Unavailable && error.httpStatus === 503;
}

const ghost = (port: number) => ({ peerUrls: [peerUrl(port)], isLearner: false });

Deno.test("strict reconfig: an add needs every voter connected for the health interval", async () => {
  const { network, leader, followers: [, f2], stop } = await startCluster(true);
  try {
    await sleep(healthIntervalMs + 50);
    network.setFault(leader.memberId, f2.memberId, { dropRate: 1 });
    await assert.rejects(leader.server.memberAdd(ghost(100)), unhealthy);
    // etcd 3.4 skips only the started-members count for a learner, not this.
    await assert.rejects(leader.server.memberAdd({ ...ghost(101), isLearner: true }), unhealthy);

    network.heal(); // connected again, but only just
    await assert.rejects(leader.server.memberAdd(ghost(102)), unhealthy);
    await sleep(healthIntervalMs + 50);
    const added = await leader.server.memberAdd(ghost(103));
    assert.equal(added.members.length, 4);
    // The new voter never started: nobody is connected to it, so the next add waits for it.
    await assert.rejects(leader.server.memberAdd({ ...ghost(104), isLearner: true }), unhealthy);
  } finally {
    await stop();
  }
});

Deno.test("strict reconfig: a remove must leave a connected quorum; a member that is down may go", async () => {
  const { network, leader, followers: [f1, f2], stop } = await startCluster(true);
  try {
    await sleep(healthIntervalMs + 50);
    network.setFault(leader.memberId, f2.memberId, { dropRate: 1 });
    // Connected: the leader and f1. Without f1 (or without the leader) one of two is left.
    await assert.rejects(leader.server.memberRemove({ id: f1.memberId }), unhealthy);
    await assert.rejects(leader.server.memberRemove({ id: leader.memberId }), unhealthy);
    // f2 is down as the leader sees it: not part of the active quorum, safe to remove.
    const removed = await leader.server.memberRemove({ id: f2.memberId });
    assert.deepEqual(
      removed.members.map((m) => m.id).toSorted(),
      [leader.memberId, f1.memberId].toSorted(),
    );
  } finally {
    await stop();
  }
});

Deno.test("strict reconfig: a peer connected for less than the interval does not count", async () => {
  const { network, leader, followers: [f1], stop } = await startCluster(true);
  try {
    await sleep(healthIntervalMs + 50);
    network.setFault(leader.memberId, f1.memberId, { dropRate: 1 });
    network.heal(); // f1 is back, its connection brand new (as every peer's right after a start)
    await assert.rejects(leader.server.memberRemove({ id: f1.memberId }), unhealthy);
    await sleep(healthIntervalMs + 50);
    const removed = await leader.server.memberRemove({ id: f1.memberId });
    assert.equal(removed.members.length, 2);
  } finally {
    await stop();
  }
});

Deno.test("--strict-reconfig-check=false: add and remove go through with a voter unreachable", async () => {
  for (const op of ["add", "remove"] as const) {
    const { network, leader, followers: [f1, f2], stop } = await startCluster(false);
    try {
      network.setFault(leader.memberId, f2.memberId, { dropRate: 1 });
      if (op === "add") {
        const added = await leader.server.memberAdd(ghost(100));
        assert.equal(added.members.length, 4);
      } else {
        // Committed by the leader and f1 under the old configuration.
        const removed = await leader.server.memberRemove({ id: f1.memberId });
        assert.equal(removed.members.length, 2);
      }
    } finally {
      await stop();
    }
  }
});
