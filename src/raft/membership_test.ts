/**
 * Membership changes: simple changes (add/remove a voter, add/promote a
 * learner), members joining with an empty storage, joint consensus (auto and
 * explicit leave, both majorities), a removed or demoted leader handing
 * leadership over, the one-pending-change rule, no campaigning over an
 * unapplied change, and restoring a joint configuration after a restart.
 */

import assert from "node:assert/strict";
import { SeededPrng } from "../util/prng.ts";
import type { TestMember } from "./_test_network.ts";
import { TestNetwork, type TestNetworkOptions } from "./_test_network.ts";
import { decodeConfChange, encodeConfChange } from "./confchange_codec.ts";
import { RawNode } from "./raw_node.ts";
import { BOOTSTRAP_INDEX, MemoryStorage } from "./storage.ts";
import type {
  ConfChange,
  ConfChangeTransition,
  ConfChangeType,
  ConfState,
  Entry,
  NodeId,
} from "./types.ts";
import { EMPTY_CONF_STATE, message } from "./types.ts";

const NO_LIMIT = Number.MAX_SAFE_INTEGER;
const ELECTION_TICKS = 10;
const encoder = new TextEncoder();

function change(
  transition: ConfChangeTransition,
  ...changes: [ConfChangeType, NodeId][]
): ConfChange {
  return {
    transition,
    changes: changes.map(([type, nodeId]) => ({ type, nodeId })),
    context: new Uint8Array(0),
  };
}

const LEAVE_JOINT: ConfChange = change("auto");

function confState(fields: Partial<ConfState>): ConfState {
  return { ...EMPTY_CONF_STATE, ...fields };
}

/** A cluster of `ids` (optionally with learners) led by 1. */
function cluster(
  ids: NodeId[] = [1n, 2n, 3n],
  learners: NodeId[] = [],
  options: TestNetworkOptions = {},
): TestNetwork {
  const net = new TestNetwork(ids, { electionTicks: ELECTION_TICKS, ...options, learners });
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  return net;
}

/**
 * A member joining the cluster: it starts with an empty storage (no
 * bootstrap) and learns everything, the initial membership included, from
 * the leader.
 */
function join(net: TestNetwork, id: NodeId): TestMember {
  return net.add(id, new MemoryStorage());
}

function proposeChange(net: TestNetwork, at: NodeId, cc: ConfChange): void {
  net.member(at).node.proposeConfChange(cc);
  net.stabilize();
}

function logOf(member: TestMember): Entry[] {
  const s = member.storage;
  return s.entries(s.firstIndex(), s.lastIndex() + 1, NO_LIMIT);
}

function commitOf(net: TestNetwork, id: NodeId): number {
  return net.member(id).node.status().commit;
}

function termOf(net: TestNetwork, id: NodeId): number {
  return net.member(id).node.status().hardState.term;
}

function roleOf(net: TestNetwork, id: NodeId): string {
  return net.member(id).node.status().softState.raftState;
}

/** The only member that believes it leads. */
function soleLeader(net: TestNetwork): NodeId {
  const leaders = net.leaders();
  assert.equal(leaders.length, 1, `one leader, got ${leaders.join(",")}`);
  return leaders[0]!;
}

function assertConfEverywhere(net: TestNetwork, ids: NodeId[], want: ConfState): void {
  for (const id of ids) {
    assert.deepEqual(net.member(id).confState, want, `ConfState applied at ${id}`);
    assert.deepEqual(net.member(id).node.status().config, want, `config of ${id}`);
  }
}

// ---- simple changes ---------------------------------------------------------------

Deno.test("membership: an added voter catches up and then counts toward the quorum", () => {
  const net = cluster();
  net.propose(1n, "a0");
  net.propose(1n, "a1");
  join(net, 4n);
  proposeChange(net, 1n, change("auto", ["addNode", 4n]));
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [1n, 2n, 3n, 4n] }));
  assert.deepEqual(net.appliedData(4n), ["a0", "a1"], "the new voter has the whole log");

  // Quorum is now 3 of 4: with 3 cut off, 1 and 2 need 4's acknowledgement.
  net.isolate(3n);
  net.propose(1n, "with-4");
  assert.deepEqual(net.appliedData(1n), ["a0", "a1", "with-4"]);
  net.isolate(4n);
  const commit = commitOf(net, 1n);
  net.propose(1n, "without-quorum");
  assert.equal(commitOf(net, 1n), commit, "1 and 2 are not a majority of 4");
  net.recover();
  net.tick(1n);
  assert.deepEqual(net.appliedData(1n), ["a0", "a1", "with-4", "without-quorum"]);
});

Deno.test("membership: a member joining with an empty storage first receives the bootstrap snapshot, so it learns the initial membership", () => {
  const initialData = encoder.encode("initial state");
  const net = new TestNetwork([1n, 2n, 3n], { initialData });
  net.campaign(1n);
  net.propose(1n, "a0");
  net.propose(1n, "a1");
  for (const id of [1n, 2n, 3n]) {
    const { metadata } = net.member(id).storage.snapshot();
    assert.equal(metadata.index, BOOTSTRAP_INDEX, `${id} never compacted its log`);
  }

  const joining = join(net, 4n);
  assert.deepEqual(joining.node.status().config, EMPTY_CONF_STATE, "it knows nothing yet");
  proposeChange(net, 1n, change("auto", ["addNode", 4n]));
  // The log before BOOTSTRAP_INDEX + 1 is compacted, so 4 gets the bootstrap snapshot first.
  const snaps = net.delivered.filter((m) => m.type === "MsgSnap" && m.to === 4n);
  assert.deepEqual(snaps.map((m) => m.snapshot?.metadata), [{
    index: BOOTSTRAP_INDEX,
    term: 0,
    confState: confState({ voters: [1n, 2n, 3n] }),
  }]);
  assert.deepEqual(joining.storage.snapshot().data, initialData, "the initial state machine");
  // Then every entry after it: the initial voters plus the change that added 4.
  assert.deepEqual(logOf(joining), logOf(net.member(1n)));
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [1n, 2n, 3n, 4n] }));
  assert.deepEqual(net.appliedData(4n), ["a0", "a1"]);
  assert.deepEqual(net.appliedData(4n), net.appliedData(1n));

  // 4 is a full voter: with 2 and 3 cut off, 1 and 4 are not a majority of 4 ...
  net.isolate(2n);
  net.isolate(3n);
  const commit = commitOf(net, 1n);
  net.propose(1n, "b");
  assert.equal(commitOf(net, 1n), commit, "2 of 4 is no majority");
  // ... and with 3 back, 1, 3 and 4 are.
  net.recover();
  net.isolate(2n);
  net.tick(1n);
  assert.deepEqual(net.appliedData(4n), ["a0", "a1", "b"]);
});

Deno.test("membership: a single member grows to two; the change commits alone, later entries need both", () => {
  const net = new TestNetwork([1n]);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  net.propose(1n, "alone");
  assert.deepEqual(net.appliedData(1n), ["alone"]);
  join(net, 2n);
  net.isolate(2n);
  proposeChange(net, 1n, change("auto", ["addNode", 2n]));
  assert.deepEqual(net.member(1n).confState, confState({ voters: [1n, 2n] }));
  const commit = commitOf(net, 1n);
  net.propose(1n, "needs-2");
  assert.equal(commitOf(net, 1n), commit, "1 of 2 is no majority");
  net.recover();
  net.tick(1n);
  assert.deepEqual(net.appliedData(1n), ["alone", "needs-2"]);
  assert.deepEqual(net.appliedData(2n), ["alone", "needs-2"]);
  assert.deepEqual(net.member(2n).confState, confState({ voters: [1n, 2n] }));
});

Deno.test("membership: a conf change proposed at a follower is forwarded to the leader and applied", () => {
  const net = cluster();
  join(net, 4n);
  proposeChange(net, 2n, change("auto", ["addLearnerNode", 4n]));
  assertConfEverywhere(
    net,
    [1n, 2n, 3n, 4n],
    confState({ voters: [1n, 2n, 3n], learners: [4n] }),
  );
});

Deno.test("membership: removing a voter shrinks the quorum", () => {
  const net = cluster([1n, 2n, 3n, 4n]);
  net.isolate(3n);
  net.isolate(4n);
  const commit = commitOf(net, 1n);
  net.propose(1n, "blocked");
  assert.equal(commitOf(net, 1n), commit, "2 of 4 is not a majority");
  net.recover();
  net.tick(1n);
  assert.deepEqual(net.appliedData(1n), ["blocked"]);

  proposeChange(net, 1n, change("auto", ["removeNode", 4n]));
  assertConfEverywhere(net, [1n, 2n, 3n], confState({ voters: [1n, 2n, 3n] }));
  net.isolate(3n);
  net.isolate(4n);
  net.propose(1n, "two-of-three");
  assert.deepEqual(net.appliedData(1n), ["blocked", "two-of-three"]);
  assert.deepEqual(net.appliedData(2n), ["blocked", "two-of-three"]);
});

// A removed leader keeps leading until a remaining voter takes over, but the new leader does
// not track it: it learns of the new term only when a member answers its stale heartbeats,
// which members do with PreVote or CheckQuorum. These tests run with PreVote for that.

Deno.test("membership: a leader that removes itself hands leadership to the most up-to-date remaining voter", () => {
  const net = cluster([1n, 2n, 3n], [], { preVote: true });
  net.propose(1n, "a");
  const term = termOf(net, 1n);
  // 2 misses "b" and the change, so 3 is the most up-to-date remaining voter.
  net.cut(1n, 2n);
  net.propose(1n, "b");
  proposeChange(net, 1n, change("auto", ["removeNode", 1n]));
  assertConfEverywhere(net, [1n, 3n], confState({ voters: [2n, 3n] }));
  // 1 kept leading until 3 acknowledged the whole log and the commit of the removal (so 3
  // had applied it), then sent MsgTimeoutNow; no election timeout was needed. 1 learns of
  // the new term from the answer to its next heartbeat.
  net.tick(1n);
  assert.deepEqual(net.leaders(), [3n]);
  const timeoutNows = net.delivered.filter((m) => m.type === "MsgTimeoutNow");
  assert.ok(timeoutNows.length > 0 && timeoutNows.every((m) => m.from === 1n && m.to === 3n));
  assert.equal(roleOf(net, 1n), "follower");
  for (const id of [1n, 2n, 3n]) assert.equal(termOf(net, id), term + 1, `term of ${id}`);

  net.recover();
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [3n], "a removed member cannot campaign");
  net.propose(3n, "c");
  assert.deepEqual(net.appliedData(2n), ["a", "b", "c"]);
  assert.deepEqual(net.appliedData(3n), ["a", "b", "c"]);
  assert.deepEqual(net.member(2n).confState, confState({ voters: [2n, 3n] }));
  assert.ok(
    !net.delivered.some((m) => m.type === "MsgVote" && m.to === 1n && m.term > term),
    "the removed member is not asked for votes",
  );
});

Deno.test("membership: of two voters, a leader that removes itself hands over to the other, even one that has not learned the commit", () => {
  const net = cluster([1n, 2n], [], { preVote: true });
  net.propose(1n, "a");
  const term = termOf(net, 1n);
  const leader = net.member(1n).node;
  leader.proposeConfChange(change("auto", ["removeNode", 1n]));
  const ccIndex = leader.status().lastIndex;
  // The inputs between two Readys share one MsgApp: end the batch so the change goes alone.
  assert.ok(leader.hasReady());
  leader.propose(encoder.encode("x")); // after the change, before 1 applies it
  // 2 stores the change, but neither learns that it committed nor receives "x".
  net.filter = (m) =>
    !(m.from === 1n && m.to === 2n &&
      (m.commit >= ccIndex || m.entries.some((e) => e.index > ccIndex)));
  net.stabilize();
  assert.deepEqual(net.member(1n).confState, confState({ voters: [2n] }));
  assert.equal(net.member(2n).node.status().lastIndex, ccIndex);
  assert.ok(commitOf(net, 2n) < ccIndex, "2 does not know that the change committed");
  // So 2 still needs 1's vote, and 1's log is longer than 2's: had 1 stepped down at once,
  // 2 could never be elected and 1 may not campaign (it is no voter).
  assert.deepEqual(net.member(2n).confState, confState({ voters: [1n, 2n] }));
  // Leading a configuration whose only voter is 2, 1 must not answer a read on its own.
  net.member(1n).node.readIndex(encoder.encode("read"));
  net.stabilize();
  assert.deepEqual(net.member(1n).readStates, [], "a read needs 2's confirmation");

  net.filter = null;
  for (let i = 0; i < 3 * ELECTION_TICKS; i++) {
    net.tick(1n);
    net.tick(2n);
  }
  assert.deepEqual(net.leaders(), [2n]);
  assert.deepEqual(net.member(2n).node.status().config, confState({ voters: [2n] }));
  assert.equal(roleOf(net, 1n), "follower");
  assert.equal(termOf(net, 1n), term + 1);
  assert.equal(termOf(net, 2n), term + 1);
  assert.deepEqual(net.appliedData(2n), ["a", "x"]);
  net.propose(2n, "y");
  assert.deepEqual(net.appliedData(2n), ["a", "x", "y"]);
});

Deno.test("membership: a leader replaced through a joint change leads until the joint config is left, then hands leadership to a remaining voter", () => {
  const net = cluster([1n, 2n, 3n], [], { preVote: true });
  join(net, 4n);
  const term = termOf(net, 1n);
  proposeChange(net, 1n, change("auto", ["addNode", 4n], ["removeNode", 1n]));
  // The leave was proposed and committed by 1 itself, under the joint config.
  const changes = logOf(net.member(1n))
    .filter((e) => e.type === "confChange")
    .map((e) => decodeConfChange(e.data));
  assert.deepEqual(changes, [change("auto", ["addNode", 4n], ["removeNode", 1n]), LEAVE_JOINT]);
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [2n, 3n, 4n] }));
  // Out of the incoming voters, 1 handed leadership over without waiting for an election
  // timeout; it learns of the new term from the answer to its next heartbeat.
  net.tick(1n);
  const leader = soleLeader(net);
  assert.ok(
    net.delivered.some((m) => m.type === "MsgTimeoutNow" && m.from === 1n && m.to === leader),
  );
  assert.ok([2n, 3n, 4n].includes(leader), `${leader} is a voter of the new config`);
  assert.equal(roleOf(net, 1n), "follower");
  for (const id of [1n, 2n, 3n, 4n]) assert.equal(termOf(net, id), term + 1, `term of ${id}`);
  net.propose(leader, "b");
  assert.deepEqual(net.appliedData(4n), ["b"]);
});

Deno.test("membership: a removed leader whose chosen successor is down stops leading after an election timeout, and the others elect", () => {
  const net = cluster([1n, 2n, 3n, 4n], [], { preVote: true, checkQuorum: true });
  net.propose(1n, "a");
  // All remaining voters are equally up to date, so 1 picks the lowest id, 2; the
  // MsgTimeoutNow to 2 is lost and 2 goes down.
  net.filter = (m) => !(m.to === 2n && m.type === "MsgTimeoutNow");
  proposeChange(net, 1n, change("auto", ["removeNode", 1n]));
  net.isolate(2n);
  assert.equal(net.member(1n).node.status().leadTransferee, 2n);
  assert.deepEqual(net.leaders(), [1n], "1 still leads while handing off");
  // 1's hand-off to 2 cannot finish; after an election timeout 1 stops leading, so
  // 3 and 4 (with 2, the voters) stop hearing heartbeats and elect a leader.
  for (let i = 0; i < 6 * ELECTION_TICKS; i++) {
    for (const id of [1n, 3n, 4n]) net.tick(id);
  }
  const leader = soleLeader(net);
  assert.ok([3n, 4n].includes(leader), `${leader} is a reachable voter`);
  assert.equal(roleOf(net, 1n), "follower");
  net.propose(leader, "b");
  assert.deepEqual(net.appliedData(3n), ["a", "b"]);
});

// ---- learners ------------------------------------------------------------------------

Deno.test("membership: an added learner receives entries but is not a voter", () => {
  const net = cluster();
  net.propose(1n, "a");
  join(net, 4n);
  proposeChange(net, 1n, change("auto", ["addLearnerNode", 4n]));
  assertConfEverywhere(
    net,
    [1n, 2n, 3n, 4n],
    confState({ voters: [1n, 2n, 3n], learners: [4n] }),
  );
  net.propose(1n, "b");
  assert.deepEqual(net.appliedData(4n), ["a", "b"]);
});

Deno.test("membership: a learner never votes, never campaigns and does not count toward the quorum", () => {
  const net = cluster([1n, 2n, 3n, 4n], [4n]);
  assert.ok(!net.delivered.some((m) => m.type === "MsgVote" && m.to === 4n));
  net.propose(1n, "a");
  assert.deepEqual(net.appliedData(4n), ["a"]);

  net.isolate(2n);
  net.isolate(3n);
  const commit = commitOf(net, 1n);
  net.propose(1n, "b");
  assert.equal(net.member(4n).node.status().lastIndex, commit + 1, "the learner has the entry");
  assert.equal(commitOf(net, 1n), commit, "the leader and a learner are no quorum");
  net.recover();
  net.tick(1n);
  assert.deepEqual(net.appliedData(1n), ["a", "b"]);

  // Without a leader the learner stays a follower, however long it waits.
  net.isolate(1n);
  const sent = net.delivered.length;
  net.member(4n).node.campaign();
  net.stabilize();
  net.tick(4n, 100);
  assert.equal(net.member(4n).node.status().softState.raftState, "follower");
  assert.ok(
    !net.delivered.slice(sent).some((m) => m.from === 4n && m.type === "MsgVote"),
    "the learner sends no vote request",
  );

  // Elections among the voters never ask the learner.
  net.recover();
  net.isolate(1n);
  net.tick(2n, 30);
  assert.equal(net.member(2n).node.status().softState.raftState, "leader");
  assert.ok(!net.delivered.some((m) => m.to === 4n && m.type === "MsgVote"));
});

Deno.test("membership: a vote granted by a learner does not count toward winning an election", () => {
  const net = cluster([1n, 2n, 3n, 4n], [4n]);
  net.isolate(1n);
  net.isolate(3n);
  net.campaign(2n);
  const candidate = net.member(2n).node;
  const status = candidate.status();
  assert.equal(status.softState.raftState, "candidate");
  candidate.step(message({ type: "MsgVoteResp", from: 4n, to: 2n, term: status.hardState.term }));
  assert.equal(candidate.status().softState.raftState, "candidate", "2 of 3 voters needed");
  candidate.step(message({ type: "MsgVoteResp", from: 3n, to: 2n, term: status.hardState.term }));
  assert.equal(candidate.status().softState.raftState, "leader");
});

Deno.test("membership: a leader demoted to learner hands leadership to a voter and keeps receiving entries", () => {
  const net = cluster();
  const term = termOf(net, 1n);
  proposeChange(net, 1n, change("auto", ["addLearnerNode", 1n]));
  assertConfEverywhere(net, [1n, 2n, 3n], confState({ voters: [2n, 3n], learners: [1n] }));
  // The hand-off (MsgTimeoutNow after the voter's ack) elected the new leader without an
  // election timeout; 1 learns of the new term from the answer to its next heartbeat.
  net.tick(1n);
  const leader = soleLeader(net);
  assert.ok(
    net.delivered.some((m) => m.type === "MsgTimeoutNow" && m.from === 1n && m.to === leader),
  );
  assert.ok([2n, 3n].includes(leader), `${leader} is a voter`);
  assert.equal(roleOf(net, 1n), "follower");
  assert.equal(net.member(1n).node.status().softState.lead, leader);
  for (const id of [1n, 2n, 3n]) assert.equal(termOf(net, id), term + 1, `term of ${id}`);
  net.propose(leader, "x");
  assert.deepEqual(net.appliedData(1n), ["x"]);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [leader], "a learner cannot campaign");
});

Deno.test("membership: a promoted learner becomes a voter that counts toward the quorum", () => {
  const net = cluster([1n, 2n, 3n, 4n], [4n]);
  net.propose(1n, "a");
  proposeChange(net, 1n, change("auto", ["addNode", 4n]));
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [1n, 2n, 3n, 4n] }));
  net.isolate(3n);
  net.propose(1n, "with-4");
  assert.deepEqual(net.appliedData(1n), ["a", "with-4"], "1, 2 and 4 are 3 of 4");
  net.recover();
  net.isolate(1n);
  net.tick(4n, 30);
  assert.ok(
    net.delivered.some((m) => m.from === 4n && m.type === "MsgVote"),
    "the promoted member may campaign",
  );
});

// ---- joint consensus -------------------------------------------------------------------

Deno.test("membership: a joint change with transition auto leaves the joint config automatically", () => {
  for (const transition of ["auto", "jointImplicit"] as const) {
    const net = cluster();
    join(net, 4n);
    join(net, 5n);
    proposeChange(net, 1n, change(transition, ["addNode", 4n], ["addNode", 5n]));
    assertConfEverywhere(
      net,
      [1n, 2n, 3n, 4n, 5n],
      confState({ voters: [1n, 2n, 3n, 4n, 5n] }),
    );
    const changes = logOf(net.member(1n))
      .filter((e) => e.type === "confChange")
      .map((e) => decodeConfChange(e.data));
    assert.deepEqual(changes, [
      change(transition, ["addNode", 4n], ["addNode", 5n]),
      LEAVE_JOINT,
    ], `${transition}: entered, then left by an empty change the leader proposed`);
  }
});

Deno.test("membership: a jointExplicit change stays joint until an explicit empty change", () => {
  const net = cluster();
  join(net, 4n);
  proposeChange(net, 1n, change("jointExplicit", ["addNode", 4n]));
  const joint = confState({ voters: [1n, 2n, 3n, 4n], votersOutgoing: [1n, 2n, 3n] });
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], joint);
  net.tick(1n, 20);
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], joint);

  proposeChange(net, 1n, LEAVE_JOINT);
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [1n, 2n, 3n, 4n] }));
});

Deno.test("membership: while joint only the empty leave change is accepted; outside, the empty change is refused", () => {
  const net = cluster();
  join(net, 4n);
  join(net, 5n);
  // Not joint: an empty change is replaced by an empty normal entry.
  proposeChange(net, 1n, LEAVE_JOINT);
  let last = logOf(net.member(1n)).at(-1)!;
  assert.deepEqual([last.type, last.data.byteLength], ["normal", 0]);

  proposeChange(net, 1n, change("jointExplicit", ["addNode", 4n]));
  const joint = net.member(1n).confState;
  assert.deepEqual(joint.votersOutgoing, [1n, 2n, 3n]);
  // Joint: another change is refused the same way.
  proposeChange(net, 1n, change("auto", ["addNode", 5n]));
  last = logOf(net.member(1n)).at(-1)!;
  assert.deepEqual([last.type, last.data.byteLength], ["normal", 0]);
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], joint);
});

Deno.test("membership: while joint, commit needs a majority of both the incoming and the outgoing voters", () => {
  const net = cluster();
  join(net, 4n);
  join(net, 5n);
  // {1,2,3} -> {1,4,5}
  proposeChange(
    net,
    1n,
    change(
      "jointExplicit",
      ["addNode", 4n],
      ["addNode", 5n],
      ["removeNode", 2n],
      ["removeNode", 3n],
    ),
  );
  assert.deepEqual(
    net.member(1n).confState,
    confState({ voters: [1n, 4n, 5n], votersOutgoing: [1n, 2n, 3n] }),
  );

  // The incoming half {1,4,5} acknowledges, the outgoing half {1,2,3} cannot.
  net.isolate(2n);
  net.isolate(3n);
  let commit = commitOf(net, 1n);
  net.propose(1n, "x");
  assert.equal(net.member(4n).node.status().lastIndex, commit + 1);
  assert.equal(net.member(5n).node.status().lastIndex, commit + 1);
  assert.equal(commitOf(net, 1n), commit, "the outgoing half lacks a majority");
  net.recover();
  net.tick(1n);
  assert.equal(commitOf(net, 1n), commit + 1);

  // The outgoing half acknowledges, the incoming half cannot.
  net.isolate(4n);
  net.isolate(5n);
  commit = commitOf(net, 1n);
  net.propose(1n, "y");
  assert.equal(net.member(2n).node.status().lastIndex, commit + 1);
  assert.equal(commitOf(net, 1n), commit, "the incoming half lacks a majority");
  net.recover();
  net.tick(1n);
  assert.deepEqual(net.appliedData(1n), ["x", "y"]);

  // Once left, {1,4,5} alone decides.
  proposeChange(net, 1n, LEAVE_JOINT);
  assertConfEverywhere(net, [1n, 4n, 5n], confState({ voters: [1n, 4n, 5n] }));
  net.isolate(2n);
  net.isolate(3n);
  net.isolate(5n);
  commit = commitOf(net, 1n);
  net.propose(1n, "z");
  assert.equal(commitOf(net, 1n), commit + 1, "1 and 4 are a majority of {1,4,5}");
});

// ---- one change at a time ---------------------------------------------------------------

Deno.test("membership: only one conf change may be pending; a second becomes an empty normal entry", () => {
  const net = cluster();
  join(net, 4n);
  join(net, 5n);
  const leader = net.member(1n).node;
  leader.proposeConfChange(change("auto", ["addNode", 4n]));
  leader.proposeConfChange(change("auto", ["addNode", 5n]));
  net.stabilize();
  const tail = logOf(net.member(1n)).slice(-2);
  assert.deepEqual(
    tail.map((e) => [e.type, e.data]),
    [["confChange", encodeConfChange(change("auto", ["addNode", 4n]))], [
      "normal",
      new Uint8Array(0),
    ]],
  );
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [1n, 2n, 3n, 4n] }));

  // Once the first is applied, the next one is accepted.
  proposeChange(net, 1n, change("auto", ["addNode", 5n]));
  assertConfEverywhere(net, [1n, 2n, 3n, 4n, 5n], confState({ voters: [1n, 2n, 3n, 4n, 5n] }));
});

Deno.test("membership: a member does not campaign while a committed conf change is unapplied", () => {
  const storage = new MemoryStorage();
  storage.bootstrap(confState({ voters: [1n, 2n, 3n] }));
  // The leader's empty entry (applied) and a conf change (committed, not applied).
  const ccIndex = BOOTSTRAP_INDEX + 2;
  storage.append([
    { index: ccIndex - 1, term: 1, type: "normal", data: new Uint8Array(0) },
    {
      index: ccIndex,
      term: 1,
      type: "confChange",
      data: encodeConfChange(change("auto", ["addLearnerNode", 4n])),
    },
  ]);
  storage.setHardState({ term: 1, vote: 1n, commit: ccIndex });
  const node = new RawNode({
    id: 2n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    prng: new SeededPrng(3),
    applied: ccIndex - 1,
  });
  node.campaign();
  for (let i = 0; i < 50; i++) node.tick();
  assert.equal(node.status().softState.raftState, "follower");

  const rd = node.ready();
  assert.deepEqual(rd.messages, [], "no vote requests");
  assert.deepEqual(rd.committedEntries.map((e) => [e.index, e.type]), [[ccIndex, "confChange"]]);
  const applied = node.applyConfChange(decodeConfChange(rd.committedEntries[0]!.data));
  assert.deepEqual(applied, confState({ voters: [1n, 2n, 3n], learners: [4n] }));
  node.advance();

  node.campaign();
  assert.equal(node.status().softState.raftState, "candidate");
  const votes = node.ready().messages.filter((m) => m.type === "MsgVote");
  assert.deepEqual(votes.map((m) => m.to), [1n, 3n]);
});

// ---- ConfState --------------------------------------------------------------------------

Deno.test("membership: applyConfChange reports the resulting ConfState, sorted, with the joint fields", () => {
  const storage = new MemoryStorage();
  storage.bootstrap(confState({ voters: [1n] }));
  const node = new RawNode({
    id: 1n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    prng: new SeededPrng(1),
  });
  const steps: [ConfChange, ConfState][] = [
    [change("auto", ["addNode", 3n]), confState({ voters: [1n, 3n] })],
    [change("auto", ["addLearnerNode", 2n]), confState({ voters: [1n, 3n], learners: [2n] })],
    [
      change("jointImplicit", ["addNode", 2n], ["addLearnerNode", 3n]),
      {
        voters: [1n, 2n],
        learners: [],
        votersOutgoing: [1n, 3n],
        learnersNext: [3n],
        autoLeave: true,
      },
    ],
    [LEAVE_JOINT, confState({ voters: [1n, 2n], learners: [3n] })],
    [change("auto", ["removeNode", 3n]), confState({ voters: [1n, 2n] })],
  ];
  for (const [cc, want] of steps) {
    assert.deepEqual(
      node.applyConfChange(cc),
      want,
      JSON.stringify(cc.changes, (_k, v) => typeof v === "bigint" ? `${v}` : v),
    );
    assert.deepEqual(node.status().config, want);
  }
});

Deno.test("membership: a member restarted in a joint config restores it from its snapshot's ConfState", () => {
  const net = cluster();
  join(net, 4n);
  proposeChange(net, 1n, change("jointExplicit", ["addNode", 4n], ["removeNode", 3n]));
  const joint = confState({ voters: [1n, 2n, 4n], votersOutgoing: [1n, 2n, 3n] });
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], joint);
  net.propose(1n, "a");

  const member = net.member(2n);
  const applied = member.node.status().applied;
  member.storage.createSnapshot(applied, member.confState, new Uint8Array([1]));
  member.storage.compact(applied);
  member.restart();
  assert.deepEqual(member.node.status().config, joint);

  proposeChange(net, 1n, LEAVE_JOINT);
  assertConfEverywhere(net, [1n, 2n, 4n], confState({ voters: [1n, 2n, 4n] }));
});
