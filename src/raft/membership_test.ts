/**
 * Membership changes: simple changes (add/remove a voter, add/promote a
 * learner), joint consensus (auto and explicit leave, both majorities),
 * the one-pending-change rule, no campaigning over an unapplied change,
 * and restoring a joint configuration after a restart.
 */

import assert from "node:assert/strict";
import { SeededPrng } from "../util/prng.ts";
import type { TestMember } from "./_test_network.ts";
import { TestNetwork } from "./_test_network.ts";
import { decodeConfChange, encodeConfChange } from "./confchange_codec.ts";
import { RawNode } from "./raw_node.ts";
import { MemoryStorage } from "./storage.ts";
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
function cluster(ids: NodeId[] = [1n, 2n, 3n], learners: NodeId[] = []): TestNetwork {
  const net = new TestNetwork(ids, { learners });
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  return net;
}

/** A new member whose storage knows the current configuration, as a joining member would. */
function join(net: TestNetwork, id: NodeId, voters: NodeId[] = [1n, 2n, 3n]): TestMember {
  const storage = new MemoryStorage();
  storage.bootstrap(confState({ voters }));
  return net.add(id, storage);
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

Deno.test("membership: a single member grows to two; the change commits alone, later entries need both", () => {
  const net = new TestNetwork([1n]);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  net.propose(1n, "alone");
  assert.deepEqual(net.appliedData(1n), ["alone"]);
  join(net, 2n, [1n]);
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

Deno.test("membership: a leader that removes itself steps down and the remaining voters elect a leader", () => {
  const net = cluster();
  net.propose(1n, "a");
  proposeChange(net, 1n, change("auto", ["removeNode", 1n]));
  assertConfEverywhere(net, [1n, 2n, 3n], confState({ voters: [2n, 3n] }));
  assert.equal(net.member(1n).node.status().softState.raftState, "follower");
  assert.deepEqual(net.leaders(), []);

  net.campaign(1n);
  assert.deepEqual(net.leaders(), [], "a removed member cannot campaign");
  net.tick(2n, 30);
  assert.deepEqual(net.leaders(), [2n]);
  net.propose(2n, "b");
  assert.deepEqual(net.appliedData(3n), ["a", "b"]);
  assert.ok(
    !net.delivered.some((m) => m.type === "MsgVote" && m.to === 1n && m.term > 1),
    "the removed member is not asked for votes",
  );
});

Deno.test("membership: a leader replaced through a joint change leads until the joint config is left, then steps down", () => {
  const net = cluster();
  join(net, 4n);
  proposeChange(net, 1n, change("auto", ["addNode", 4n], ["removeNode", 1n]));
  // The leave was proposed and committed by 1 itself, under the joint config.
  const changes = logOf(net.member(1n))
    .filter((e) => e.type === "confChange")
    .map((e) => decodeConfChange(e.data));
  assert.deepEqual(changes, [change("auto", ["addNode", 4n], ["removeNode", 1n]), LEAVE_JOINT]);
  assertConfEverywhere(net, [1n, 2n, 3n, 4n], confState({ voters: [2n, 3n, 4n] }));
  assert.deepEqual(net.leaders(), []);
  net.tick(2n, 30);
  assert.deepEqual(net.leaders(), [2n]);
  net.propose(2n, "b");
  assert.deepEqual(net.appliedData(4n), ["b"]);
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

Deno.test("membership: a leader demoted to learner steps down and keeps receiving entries", () => {
  const net = cluster();
  proposeChange(net, 1n, change("auto", ["addLearnerNode", 1n]));
  assertConfEverywhere(net, [1n, 2n, 3n], confState({ voters: [2n, 3n], learners: [1n] }));
  assert.equal(net.member(1n).node.status().softState.raftState, "follower");
  net.tick(2n, 30);
  assert.deepEqual(net.leaders(), [2n]);
  net.propose(2n, "x");
  assert.deepEqual(net.appliedData(1n), ["x"]);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [2n], "a learner cannot campaign");
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
  join(net, 5n, [1n, 2n, 3n, 4n]);
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
  storage.append([
    { index: 1, term: 1, type: "normal", data: new Uint8Array(0) },
    {
      index: 2,
      term: 1,
      type: "confChange",
      data: encodeConfChange(change("auto", ["addLearnerNode", 4n])),
    },
  ]);
  storage.setHardState({ term: 1, vote: 1n, commit: 2 });
  const node = new RawNode({
    id: 2n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    prng: new SeededPrng(3),
    applied: 1,
  });
  node.campaign();
  for (let i = 0; i < 50; i++) node.tick();
  assert.equal(node.status().softState.raftState, "follower");

  const rd = node.ready();
  assert.deepEqual(rd.messages, [], "no vote requests");
  assert.deepEqual(rd.committedEntries.map((e) => [e.index, e.type]), [[2, "confChange"]]);
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
