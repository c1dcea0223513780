/**
 * Snapshots: log compaction, sending a snapshot to a follower that fell
 * behind the compacted log, installing it (also when its configuration
 * predates the receiver), reporting it, restarting from it, and the
 * snapshots a follower must ignore.
 */

import assert from "node:assert/strict";
import { SeededPrng } from "../util/prng.ts";
import type { TestMember } from "./_test_network.ts";
import { TestNetwork } from "./_test_network.ts";
import { RawNode } from "./raw_node.ts";
import { BOOTSTRAP_INDEX, MemoryStorage } from "./storage.ts";
import type { ConfState, Entry, Message, Ready, Snapshot } from "./types.ts";
import { EMPTY_CONF_STATE, message } from "./types.ts";

const encoder = new TextEncoder();

/** Members start from the bootstrap snapshot: the first leader's empty entry is at B + 1. */
const B = BOOTSTRAP_INDEX;

/** A three-member cluster led by 1. */
function cluster(): TestNetwork {
  const net = new TestNetwork([1n, 2n, 3n]);
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  return net;
}

/** What the state machine does every so often: snapshot at the applied index and compact. */
function compactAtApplied(member: TestMember, data = "state"): Snapshot {
  const applied = member.node.status().applied;
  const snapshot = member.storage.createSnapshot(applied, member.confState, encoder.encode(data));
  member.storage.compact(applied);
  return snapshot;
}

/** Handles a Ready taken by the test the way the harness does, then advances. */
function persistAndAdvance(member: TestMember, rd: Ready): void {
  if (rd.snapshot !== null) {
    member.storage.applySnapshot(rd.snapshot);
    member.confState = rd.snapshot.metadata.confState;
  }
  member.storage.append(rd.entries);
  if (rd.hardState !== null) member.storage.setHardState(rd.hardState);
  for (const entry of rd.committedEntries) {
    if (entry.type === "normal" && entry.data.byteLength > 0) member.applied.push(entry);
  }
  member.node.advance();
}

/** Isolates 3, commits `count` proposals with 1 and 2, and compacts the leader's log. */
function leaveBehind(net: TestNetwork, count: number): Snapshot {
  net.isolate(3n);
  for (let i = 0; i < count; i++) net.propose(1n, `e${i}`);
  const snapshot = compactAtApplied(net.member(1n));
  assert.ok(net.member(1n).storage.firstIndex() > net.member(3n).node.status().lastIndex + 1);
  net.recover();
  return snapshot;
}

function progressOf(net: TestNetwork, leader: bigint, id: bigint) {
  const progress = net.member(leader).node.status().progress?.get(id);
  assert.ok(progress !== undefined, `no progress for ${id} at ${leader}`);
  return progress;
}

function snapMessage(to: bigint, term: number, snapshot: Snapshot): Message {
  return message({ type: "MsgSnap", from: 1n, to, term, snapshot });
}

function snapshotOf(index: number, term: number, confState: Partial<ConfState>): Snapshot {
  return {
    data: encoder.encode("remote"),
    metadata: { index, term, confState: { ...EMPTY_CONF_STATE, ...confState } },
  };
}

Deno.test("snapshot: compacting every member's log up to its applied index keeps replication going", () => {
  const net = cluster();
  for (let i = 0; i < 5; i++) net.propose(1n, `a${i}`);
  for (const id of [1n, 2n, 3n]) {
    const member = net.member(id);
    const snapshot = compactAtApplied(member);
    assert.equal(snapshot.metadata.index, B + 6, "the leader's empty entry + 5 proposals");
    assert.equal(member.storage.firstIndex(), B + 7);
    assert.equal(member.storage.lastIndex(), B + 6);
  }
  const sent = net.delivered.length;
  for (let i = 0; i < 3; i++) net.propose(1n, `b${i}`);
  for (const id of [1n, 2n, 3n]) {
    assert.deepEqual(net.appliedData(id), ["a0", "a1", "a2", "a3", "a4", "b0", "b1", "b2"]);
  }
  assert.equal(
    net.delivered.slice(sent).filter((m) => m.type === "MsgSnap").length,
    0,
    "followers that are up to date need no snapshot",
  );
});

Deno.test("snapshot: a follower behind the compacted log gets MsgSnap, installs it from Ready.snapshot, and catches up", () => {
  const net = cluster();
  const snapshot = leaveBehind(net, 5);
  const captured: Message[] = [];
  net.filter = (m) => {
    if (m.type !== "MsgSnap") return true;
    captured.push(m);
    return false;
  };
  net.tick(1n); // a heartbeat: the response shows the leader that 3 is back
  assert.equal(captured.length, 1, "exactly one snapshot is sent");
  const msgSnap = captured[0]!;
  assert.equal(msgSnap.to, 3n);
  assert.deepEqual(msgSnap.snapshot?.metadata, snapshot.metadata);
  assert.equal(progressOf(net, 1n, 3n).state, "snapshot");
  // Nothing else is sent to 3 while the snapshot is in flight.
  const sent = net.delivered.length;
  net.propose(1n, "while-sending");
  assert.equal(net.delivered.slice(sent).filter((m) => m.to === 3n).length, 0);
  net.filter = null;

  // The transport reports the snapshot as sent: the leader probes after it.
  const snapIndex = snapshot.metadata.index;
  assert.equal(snapIndex, B + 6, "the leader's empty entry + 5 proposals");
  net.member(1n).node.reportSnapshot(3n, "finish");
  // 3 acknowledged only the leader's empty entry before it was cut off.
  assert.deepEqual(progressOf(net, 1n, 3n), { match: B + 1, next: snapIndex + 1, state: "probe" });

  // The follower installs it: the Ready carries the snapshot to persist first.
  const follower = net.member(3n);
  follower.node.step(msgSnap);
  const rd = follower.node.ready();
  assert.deepEqual(rd.snapshot, snapshot);
  assert.deepEqual(rd.committedEntries, [], "the snapshot replaces the entries it covers");
  assert.equal(rd.hardState?.commit, snapIndex);
  const replies = rd.messages;
  assert.deepEqual(
    replies.map((m) => [m.type, m.to, m.index, m.reject]),
    [["MsgAppResp", 1n, snapIndex, false]],
  );
  persistAndAdvance(follower, rd);
  assert.equal(follower.storage.firstIndex(), snapIndex + 1);
  assert.equal(follower.node.status().applied, snapIndex);
  for (const m of replies) net.member(1n).node.step(m);
  net.stabilize();

  assert.equal(progressOf(net, 1n, 3n).state, "replicate");
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(3n), ["while-sending", "after"]);
  assert.equal(progressOf(net, 1n, 3n).match, net.member(1n).node.status().lastIndex);
});

Deno.test("snapshot: reportSnapshot failure sends the follower back to probe and the leader sends the snapshot again", () => {
  const net = cluster();
  leaveBehind(net, 4);
  let snapsSent = 0;
  net.filter = (m) => {
    if (m.type !== "MsgSnap") return true;
    snapsSent++;
    return false; // lost
  };
  net.tick(1n);
  assert.equal(snapsSent, 1);
  assert.equal(progressOf(net, 1n, 3n).state, "snapshot");

  net.member(1n).node.reportSnapshot(3n, "failure");
  // Back to probing right after what 3 acknowledged (the leader's empty entry).
  assert.deepEqual(progressOf(net, 1n, 3n), { match: B + 1, next: B + 2, state: "probe" });
  const sent = net.delivered.length;
  net.propose(1n, "during");
  assert.equal(snapsSent, 1, "the leader waits for the follower to answer a heartbeat");
  assert.equal(net.delivered.slice(sent).filter((m) => m.to === 3n).length, 0);

  net.filter = null;
  net.tick(1n);
  assert.equal(progressOf(net, 1n, 3n).state, "replicate");
  assert.equal(
    net.delivered.filter((m) => m.type === "MsgSnap" && m.to === 3n).length,
    1,
    "the second snapshot got through",
  );
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(3n), ["during", "after"]);
});

Deno.test("snapshot: a snapshot reported finished but lost is sent again once the follower rejects the probe", () => {
  const net = cluster();
  const snapIndex = leaveBehind(net, 5).metadata.index;
  let lose = true;
  net.filter = (m) => !(lose && m.type === "MsgSnap");
  net.tick(1n);
  net.member(1n).node.reportSnapshot(3n, "finish");
  assert.deepEqual(progressOf(net, 1n, 3n), { match: B + 1, next: snapIndex + 1, state: "probe" });

  lose = false;
  const mark = net.delivered.length;
  net.tick(1n);
  const toThree = net.delivered.slice(mark).filter((m) => m.to === 3n || m.from === 3n);
  const rejectAt = toThree.findIndex((m) => m.type === "MsgAppResp" && m.reject);
  const snapAt = toThree.findIndex((m) => m.type === "MsgSnap");
  assert.ok(rejectAt >= 0 && snapAt > rejectAt, "the probe after the snapshot is rejected first");
  assert.deepEqual(
    progressOf(net, 1n, 3n),
    { match: snapIndex, next: snapIndex + 1, state: "replicate" },
  );
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(3n), ["after"]);
});

Deno.test("snapshot: reportSnapshot outside the snapshot state is ignored", () => {
  const net = cluster();
  net.propose(1n, "x");
  const before = progressOf(net, 1n, 2n);
  net.member(1n).node.reportSnapshot(2n, "failure");
  net.stabilize();
  assert.deepEqual(progressOf(net, 1n, 2n), before);
});

Deno.test("snapshot: a restarted member restores its log, commit, applied index and config from its snapshot", () => {
  const net = cluster();
  for (let i = 0; i < 3; i++) net.propose(1n, `a${i}`);
  const member = net.member(2n);
  const snapshot = compactAtApplied(member, "a0,a1,a2");
  for (let i = 0; i < 2; i++) net.propose(1n, `b${i}`);
  const before = member.node.status();

  member.restart();
  const after = member.node.status();
  assert.equal(after.applied, snapshot.metadata.index, "applied restarts at the snapshot");
  assert.equal(after.commit, before.commit, "commit comes from the hard state");
  assert.equal(after.lastIndex, before.lastIndex);
  assert.deepEqual(after.config, snapshot.metadata.confState);
  assert.deepEqual(after.hardState, before.hardState);

  // Only the committed entries after the snapshot are applied again.
  net.stabilize();
  assert.deepEqual(net.appliedData(2n), ["b0", "b1"]);
  net.propose(1n, "c");
  assert.deepEqual(net.appliedData(2n), ["b0", "b1", "c"]);
});

Deno.test("snapshot: a follower restarted after installing a leader's snapshot starts from it", () => {
  const net = cluster();
  const snapshot = leaveBehind(net, 3);
  net.tick(1n);
  const follower = net.member(3n);
  assert.deepEqual(follower.storage.snapshot().metadata, snapshot.metadata);
  follower.restart();
  const status = follower.node.status();
  assert.equal(status.applied, snapshot.metadata.index);
  assert.equal(status.commit, snapshot.metadata.index);
  assert.deepEqual(status.config, snapshot.metadata.confState);
  net.propose(1n, "after-restart");
  assert.deepEqual(net.appliedData(3n), ["after-restart"]);
});

Deno.test("snapshot: a snapshot at or below the follower's commit index is ignored and answered with the commit index", () => {
  const net = cluster();
  for (let i = 0; i < 5; i++) net.propose(1n, `a${i}`);
  const follower = net.member(2n);
  const { commit, lastIndex } = follower.node.status();
  assert.equal(commit, B + 6, "the leader's empty entry + 5 proposals");
  const term = follower.node.status().hardState.term;
  for (const index of [B + 3, commit]) {
    follower.node.step(snapMessage(2n, term, snapshotOf(index, 1, { voters: [1n, 2n, 3n] })));
    const rd = follower.node.ready();
    assert.equal(rd.snapshot, null, `snapshot at ${index}`);
    assert.deepEqual(
      rd.messages.map((m) => [m.type, m.to, m.index, m.reject]),
      [["MsgAppResp", 1n, commit, false]],
    );
    persistAndAdvance(follower, rd);
  }
  assert.equal(follower.storage.snapshot().metadata.index, B, "still the bootstrap snapshot");
  assert.equal(follower.node.status().lastIndex, lastIndex);
});

Deno.test("snapshot: a snapshot whose last entry the follower already holds only moves its commit index", () => {
  const storage = new MemoryStorage();
  storage.bootstrap({ ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] });
  // Entries B + 1..B + 8 of term 1, committed and applied up to B + 6.
  const entries: Entry[] = [];
  for (let index = B + 1; index <= B + 8; index++) {
    entries.push({ index, term: 1, type: "normal", data: encoder.encode(`e${index}`) });
  }
  storage.append(entries);
  storage.setHardState({ term: 1, vote: 1n, commit: B + 6 });
  const node = new RawNode({
    id: 2n,
    electionTicks: 10,
    heartbeatTicks: 1,
    storage,
    prng: new SeededPrng(1),
    applied: B + 6,
  });
  node.step(snapMessage(2n, 1, snapshotOf(B + 8, 1, { voters: [1n, 2n, 3n] })));
  const rd = node.ready();
  assert.equal(rd.snapshot, null, "no restore: the log already holds the snapshot's last entry");
  assert.deepEqual(rd.committedEntries.map((e) => e.index), [B + 7, B + 8]);
  assert.deepEqual(
    rd.messages.map((m) => [m.type, m.index, m.reject]),
    [["MsgAppResp", B + 8, false]],
  );
  node.advance();
  assert.equal(node.status().lastIndex, B + 8);
});

Deno.test("snapshot: a joining member installs a snapshot whose configuration predates it, then applies the change adding it", () => {
  const net = cluster();
  for (let i = 0; i < 3; i++) net.propose(1n, `a${i}`);
  // The leader compacts before 4 is added: its latest snapshot does not name 4.
  const snapshot = compactAtApplied(net.member(1n));
  assert.deepEqual(snapshot.metadata.confState, { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] });

  const joining = net.add(4n, new MemoryStorage());
  net.member(1n).node.proposeConfChange({
    transition: "auto",
    changes: [{ type: "addNode", nodeId: 4n }],
    context: new Uint8Array(0),
  });
  net.stabilize();
  const ccIndex = net.member(1n).node.status().lastIndex;
  assert.ok(ccIndex > snapshot.metadata.index, "the change follows the snapshot in the log");
  // Once the change is applied the leader probes 4, whose empty log needs the snapshot.
  const sent = net.delivered.filter((m) => m.type === "MsgSnap" && m.to === 4n);
  assert.deepEqual(sent.map((m) => m.snapshot?.metadata), [snapshot.metadata]);
  assert.deepEqual(joining.storage.snapshot(), snapshot, "installed, not ignored");
  const answer = net.delivered.find((m) => m.type === "MsgAppResp" && m.from === 4n && !m.reject);
  assert.equal(answer?.index, snapshot.metadata.index, "acknowledged up to the snapshot");
  // The entry adding 4 came after the snapshot and was applied by 4 itself.
  assert.ok(joining.node.status().applied >= ccIndex);
  assert.deepEqual(joining.confState, { ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n, 4n] });
  assert.deepEqual(joining.node.status().config.voters, [1n, 2n, 3n, 4n]);
  assert.equal(progressOf(net, 1n, 4n).state, "replicate");
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(4n), ["after"]);
});

Deno.test("snapshot: a snapshot that lists the receiver only as a learner or outgoing voter is installed", () => {
  const cases: [string, Partial<ConfState>][] = [
    ["learner", { voters: [1n, 2n], learners: [3n] }],
    ["outgoing voter", { voters: [1n, 2n], votersOutgoing: [1n, 2n, 3n], autoLeave: true }],
  ];
  for (const [label, confState] of cases) {
    const net = cluster();
    const follower = net.member(3n);
    const term = follower.node.status().hardState.term;
    const snapshot = snapshotOf(10, term, confState);
    follower.node.step(snapMessage(3n, term, snapshot));
    const rd = follower.node.ready();
    assert.deepEqual(rd.snapshot, snapshot, label);
    persistAndAdvance(follower, rd);
    assert.deepEqual(follower.node.status().config, snapshot.metadata.confState, label);
    assert.equal(follower.node.status().commit, 10, label);
  }
});

Deno.test("snapshot: a member started with an empty storage is brought in by a snapshot that includes it", () => {
  const net = cluster();
  for (let i = 0; i < 3; i++) net.propose(1n, `a${i}`);
  // The change commits among 1, 2, 3 before 4 runs (messages to 4 go nowhere).
  net.member(1n).node.proposeConfChange({
    transition: "auto",
    changes: [{ type: "addNode", nodeId: 4n }],
    context: new Uint8Array(0),
  });
  net.stabilize();
  const snapshot = compactAtApplied(net.member(1n));
  assert.deepEqual(snapshot.metadata.confState.voters, [1n, 2n, 3n, 4n]);

  const joining = net.add(4n, new MemoryStorage());
  assert.deepEqual(joining.node.status().config.voters, [], "knows nothing yet");
  net.tick(1n);
  const snaps = net.delivered.filter((m) => m.type === "MsgSnap" && m.to === 4n);
  assert.equal(snaps.length, 1);
  assert.deepEqual(joining.storage.snapshot().metadata, snapshot.metadata);
  assert.deepEqual(joining.node.status().config.voters, [1n, 2n, 3n, 4n]);
  assert.equal(progressOf(net, 1n, 4n).state, "replicate");
  net.propose(1n, "after");
  assert.deepEqual(net.appliedData(4n), ["after"]);
});
