/**
 * A learner promotion sent to a follower is decided by the leader (only it
 * knows how far the learner's log is), as etcd forwards PromoteMember: a
 * learner that is not in sync is refused with etcd's error even though the
 * follower cannot see that itself.
 */

import assert from "node:assert/strict";
import { EtcdError } from "../proto/errors.ts";
import { peerUrl, startInProcessCluster } from "./_in_process_cluster.ts";
import { MemoryNetwork } from "./transport/mod.ts";

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function etcdError(message: string): (error: unknown) => boolean {
  return (error) => error instanceof EtcdError && error.message === message;
}

Deno.test("promote through a follower: the leader's in-sync check decides", async () => {
  const network = new MemoryNetwork();
  const members = await startInProcessCluster(network, { strictReconfigCheck: false });
  try {
    let leader = -1;
    for (let i = 0; i < 300 && leader < 0; i++) {
      const statuses = await Promise.all(members.map((m) => m.server.status()));
      leader = statuses.findIndex((s) => s.leader !== 0n && s.leader === s.header.memberId);
      if (leader < 0) await sleep(10);
    }
    assert.ok(leader >= 0, "a leader");
    const follower = members[(leader + 1) % 3]!;
    // A learner that never starts: its log stays empty, far from in sync.
    const added = await members[leader]!.server.memberAdd({
      peerUrls: [peerUrl(50)],
      isLearner: true,
    });
    const learnerId = added.member!.id;
    for (let i = 0; i < 300; i++) {
      if ((await follower.server.memberList()).members.some((m) => m.id === learnerId)) break;
      await sleep(10);
    }
    await assert.rejects(
      follower.server.memberPromote({ id: learnerId }),
      etcdError("etcdserver: can only promote a learner member which is in sync with leader"),
    );
    const list = await members[leader]!.server.memberList();
    assert.equal(list.members.find((m) => m.id === learnerId)?.isLearner, true, "still a learner");
    // The follower's own checks still answer first.
    await assert.rejects(
      follower.server.memberPromote({ id: 0x999n }),
      etcdError("etcdserver: member not found"),
    );
    await assert.rejects(
      follower.server.memberPromote({ id: members[leader]!.memberId }),
      etcdError("etcdserver: can only promote a learner member"),
    );
  } finally {
    network.heal();
    await Promise.all(members.map((m) => m.stop()));
  }
});
