/**
 * Leader transfer: MsgTransferLeader at the leader, catching the transferee
 * up, MsgTimeoutNow, dropping proposals meanwhile, aborting after an
 * election timeout, and the transfers that are ignored.
 */

import assert from "node:assert/strict";
import { TestNetwork, type TestNetworkOptions } from "./_test_network.ts";
import { ProposalDroppedError } from "./errors.ts";
import { MemoryStorage } from "./storage.ts";
import type { ConfChange, Message, NodeId } from "./types.ts";
import { EMPTY_CONF_STATE, message, NONE } from "./types.ts";

const encoder = new TextEncoder();

function cluster(ids: NodeId[] = [1n, 2n, 3n], options: TestNetworkOptions = {}): TestNetwork {
  const net = new TestNetwork(ids, options);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  return net;
}

function termOf(net: TestNetwork, id: NodeId): number {
  return net.member(id).node.status().hardState.term;
}

function since(net: TestNetwork, mark: number, type: Message["type"]): Message[] {
  return net.delivered.slice(mark).filter((m) => m.type === type);
}

Deno.test("leader transfer: to an up-to-date follower, MsgTimeoutNow makes it leader of the next term", () => {
  const net = cluster();
  net.propose(1n, "a");
  const term = termOf(net, 1n);
  const mark = net.delivered.length;
  net.member(1n).node.transferLeader(2n);
  net.stabilize();
  assert.deepEqual(
    since(net, mark, "MsgTimeoutNow").map((m) => [m.from, m.to]),
    [[1n, 2n]],
  );
  assert.deepEqual(net.leaders(), [2n]);
  assert.equal(termOf(net, 2n), term + 1);
  assert.equal(net.member(1n).node.status().softState.lead, 2n);
  net.propose(2n, "b");
  assert.deepEqual(net.appliedData(1n), ["a", "b"]);
});

Deno.test("leader transfer: a follower asked to take over forwards the request to the leader", () => {
  const net = cluster();
  net.member(3n).node.transferLeader(3n);
  net.stabilize();
  assert.deepEqual(net.leaders(), [3n]);
});

Deno.test("leader transfer: to a lagging follower, the leader catches it up before MsgTimeoutNow", () => {
  const net = cluster();
  net.isolate(3n);
  for (let i = 0; i < 4; i++) net.propose(1n, `a${i}`);
  net.recover();
  const lastIndex = net.member(1n).node.status().lastIndex;
  assert.ok(net.member(3n).node.status().lastIndex < lastIndex);

  const mark = net.delivered.length;
  net.member(1n).node.transferLeader(3n);
  net.stabilize();
  const later = net.delivered.slice(mark);
  const timeoutAt = later.findIndex((m) => m.type === "MsgTimeoutNow");
  const caughtUpAt = later.findIndex((m) =>
    m.type === "MsgAppResp" && m.from === 3n && !m.reject && m.index === lastIndex
  );
  assert.ok(caughtUpAt >= 0, "3 acknowledged the leader's last index");
  assert.ok(timeoutAt > caughtUpAt, "MsgTimeoutNow only after 3 caught up");
  assert.deepEqual(net.leaders(), [3n]);
  assert.deepEqual(net.appliedData(3n), ["a0", "a1", "a2", "a3"]);
});

Deno.test("leader transfer: proposals are dropped with ProposalDroppedError while a transfer is in progress", () => {
  const net = cluster();
  net.isolate(3n);
  net.propose(1n, "a");
  const leader = net.member(1n).node;
  leader.transferLeader(3n);
  net.stabilize();
  assert.equal(leader.status().leadTransferee, 3n);
  assert.throws(() => leader.propose(encoder.encode("b")), ProposalDroppedError);
  const cc: ConfChange = {
    transition: "auto",
    changes: [{ type: "addLearnerNode", nodeId: 4n }],
    context: new Uint8Array(0),
  };
  assert.throws(() => leader.proposeConfChange(cc), ProposalDroppedError);
  // A proposal forwarded by a follower is dropped silently.
  const lastIndex = leader.status().lastIndex;
  net.member(2n).node.propose(encoder.encode("c"));
  net.stabilize();
  assert.equal(leader.status().lastIndex, lastIndex);
  assert.deepEqual(net.appliedData(1n), ["a"]);
});

Deno.test("leader transfer: a transfer not done within an election timeout is aborted and proposals are accepted again", () => {
  const net = cluster();
  net.isolate(3n);
  const leader = net.member(1n).node;
  leader.transferLeader(3n);
  net.stabilize();
  assert.equal(leader.status().leadTransferee, 3n);
  net.tick(1n, 9);
  assert.equal(leader.status().leadTransferee, 3n, "still within the election timeout");
  net.tick(1n, 1);
  assert.equal(leader.status().leadTransferee, NONE);
  assert.deepEqual(net.leaders(), [1n]);
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(2n), ["after"]);
  // 3 comes back: no late MsgTimeoutNow hands it leadership.
  net.recover();
  net.tick(1n, 3);
  assert.deepEqual(net.leaders(), [1n]);
  assert.ok(!net.delivered.some((m) => m.type === "MsgTimeoutNow"));
});

Deno.test("leader transfer: to a learner is ignored", () => {
  const net = cluster([1n, 2n, 3n, 4n], { learners: [4n] });
  const term = termOf(net, 1n);
  net.member(1n).node.transferLeader(4n);
  net.stabilize();
  assert.equal(net.member(1n).node.status().leadTransferee, NONE);
  assert.ok(!net.delivered.some((m) => m.type === "MsgTimeoutNow"));
  assert.deepEqual(net.leaders(), [1n]);
  assert.equal(termOf(net, 1n), term);
  net.propose(1n, "accepted");
  assert.deepEqual(net.appliedData(4n), ["accepted"]);
  // Even a MsgTimeoutNow does not make a learner campaign.
  net.member(4n).node.step(message({ type: "MsgTimeoutNow", from: 1n, to: 4n, term }));
  net.stabilize();
  assert.equal(net.member(4n).node.status().softState.raftState, "follower");
  assert.deepEqual(net.leaders(), [1n]);
});

Deno.test("leader transfer: to the leader itself is ignored", () => {
  const net = cluster();
  const term = termOf(net, 1n);
  net.member(1n).node.transferLeader(1n);
  net.stabilize();
  assert.equal(net.member(1n).node.status().leadTransferee, NONE);
  assert.ok(!net.delivered.some((m) => m.type === "MsgTimeoutNow"));
  assert.deepEqual(net.leaders(), [1n]);
  assert.equal(termOf(net, 1n), term);
  net.propose(1n, "accepted");
  assert.deepEqual(net.appliedData(2n), ["accepted"]);
});

Deno.test("leader transfer: to a member outside the configuration is ignored", () => {
  const net = cluster();
  net.member(1n).node.transferLeader(9n);
  net.stabilize();
  assert.equal(net.member(1n).node.status().leadTransferee, NONE);
  net.propose(1n, "accepted");
  assert.deepEqual(net.appliedData(2n), ["accepted"]);
});

Deno.test("leader transfer: a request for the pending transferee keeps it; one for another member replaces it", () => {
  const net = cluster();
  net.isolate(3n);
  net.propose(1n, "a");
  const leader = net.member(1n).node;
  leader.transferLeader(3n);
  net.stabilize();
  net.tick(1n, 5);
  leader.transferLeader(3n);
  net.stabilize();
  net.tick(1n, 5);
  assert.equal(leader.status().leadTransferee, NONE, "the repeat did not restart the timeout");

  leader.transferLeader(3n);
  net.stabilize();
  leader.transferLeader(2n);
  net.stabilize();
  assert.deepEqual(net.leaders(), [2n]);
});

Deno.test("leader transfer: a request to transfer to itself aborts a pending transfer", () => {
  const net = cluster();
  net.isolate(3n);
  const leader = net.member(1n).node;
  leader.transferLeader(3n);
  net.stabilize();
  leader.transferLeader(1n);
  net.stabilize();
  assert.equal(leader.status().leadTransferee, NONE);
  net.propose(1n, "accepted");
  assert.deepEqual(net.appliedData(2n), ["accepted"]);
});

Deno.test("leader transfer: a transfer to a member removed meanwhile is aborted", () => {
  const net = cluster();
  net.isolate(3n);
  const leader = net.member(1n).node;
  leader.proposeConfChange({
    transition: "auto",
    changes: [{ type: "removeNode", nodeId: 3n }],
    context: new Uint8Array(0),
  });
  leader.transferLeader(3n);
  assert.equal(leader.status().leadTransferee, 3n);
  net.stabilize();
  assert.deepEqual(net.member(1n).confState.voters, [1n, 2n]);
  assert.equal(leader.status().leadTransferee, NONE);
  net.propose(1n, "accepted");
  assert.deepEqual(net.appliedData(2n), ["accepted"]);
});

Deno.test("leader transfer: MsgTimeoutNow wins even inside the leader lease of checkQuorum and preVote", () => {
  const net = cluster([1n, 2n, 3n], { checkQuorum: true, preVote: true });
  const term = termOf(net, 1n);
  net.member(1n).node.transferLeader(2n);
  net.stabilize();
  assert.deepEqual(net.leaders(), [2n]);
  assert.equal(termOf(net, 2n), term + 1);
});

Deno.test("leader transfer: an automatic leave of a joint config dropped during a transfer is proposed again once the transfer is aborted", () => {
  // etcd-io/raft keeps checking on every apply ("the leadership transfer will
  // fail, and we will propose the config change on the next advance").
  const net = cluster();
  net.add(4n, new MemoryStorage()); // joins with an empty storage
  net.isolate(3n);
  const leader = net.member(1n).node;
  leader.proposeConfChange({
    transition: "auto",
    changes: [{ type: "addNode", nodeId: 4n }, { type: "addLearnerNode", nodeId: 5n }],
    context: new Uint8Array(0),
  });
  leader.propose(encoder.encode("w"));
  leader.transferLeader(3n);
  net.stabilize();
  // The joint config is applied while the transfer is in progress: leaving it is dropped.
  assert.deepEqual(net.member(1n).confState.votersOutgoing, [1n, 2n, 3n]);
  assert.equal(leader.status().leadTransferee, 3n);

  net.tick(1n, 10);
  assert.equal(leader.status().leadTransferee, NONE, "transfer aborted");
  net.propose(1n, "x");
  net.propose(1n, "y");
  net.recover();
  net.tick(1n, 3);
  assert.deepEqual(net.appliedData(1n), ["w", "x", "y"]);
  assert.deepEqual(
    net.member(1n).confState,
    { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n, 4n], learners: [5n] },
    "the leader leaves the joint config after the transfer failed",
  );
});
