/**
 * ReadIndex (Raft thesis §6.4): a linearizable read is served at the
 * leader's commit index as of the read's arrival, once the leader confirmed
 * — with heartbeats acknowledged by a quorum after the read arrived — that
 * it still leads, and once it has committed an entry of its own term.
 *
 * @module
 */

import assert from "node:assert/strict";
import { TestNetwork } from "./_test_network.ts";
import type { RaftBug } from "./config.ts";
import type { Message, NodeId, ReadState } from "./types.ts";

const V3: NodeId[] = [1n, 2n, 3n];
const encoder = new TextEncoder();
const decoder = new TextDecoder();

function newCluster(members: readonly NodeId[] = V3, bugs: readonly RaftBug[] = []): TestNetwork {
  const net = new TestNetwork(members, { config: { bugs: new Set(bugs) } });
  net.campaign(members[0]!);
  assert.deepEqual(net.leaders(), [members[0]!]);
  return net;
}

/** Starts a read at `id` (delivering nothing). */
function startRead(net: TestNetwork, id: NodeId, ctx: string): void {
  net.member(id).node.readIndex(encoder.encode(ctx));
}

/** The ReadStates `id` received for `ctx`. */
function answers(net: TestNetwork, id: NodeId, ctx: string): ReadState[] {
  return net.member(id).readStates.filter((rs) => decoder.decode(rs.requestCtx) === ctx);
}

/** Starts a read at `id`, delivers everything, and returns the ReadStates for `ctx`. */
function read(net: TestNetwork, id: NodeId, ctx: string): ReadState[] {
  startRead(net, id, ctx);
  net.stabilize();
  return answers(net, id, ctx);
}

function commitOf(net: TestNetwork, id: NodeId): number {
  return net.member(id).node.status().commit;
}

/** The index at which `data` was applied by `id`. */
function indexOf(net: TestNetwork, id: NodeId, data: string): number {
  const found = net.member(id).applied.find((e) => decoder.decode(e.data) === data);
  assert.ok(found !== undefined, `${id} has not applied ${data}`);
  return found.index;
}

Deno.test("ReadIndex at the leader is answered with the request's ctx and the commit index at its arrival", () => {
  const net = newCluster();
  net.propose(1n, "a");
  const atArrival = commitOf(net, 1n);
  // Hold the confirming heartbeats back while a write commits after the read arrived.
  net.filter = (m) => m.type !== "MsgHeartbeat";
  assert.deepEqual(read(net, 1n, "r1"), []);
  net.propose(1n, "b");
  assert.ok(commitOf(net, 1n) > atArrival);
  net.filter = null;
  net.tick(1n); // the next heartbeat carries the pending read's round
  assert.deepEqual(answers(net, 1n, "r1"), [{
    index: atArrival,
    requestCtx: encoder.encode("r1"),
  }]);
});

Deno.test("ReadIndex at a follower is forwarded and answered with the leader's commit index", () => {
  for (const follower of [2n, 3n]) {
    const net = newCluster();
    net.filter = (m) => !(m.type === "MsgApp" && m.to === 3n); // 3 lags behind
    net.propose(1n, "a");
    net.propose(1n, "b");
    const leaderCommit = commitOf(net, 1n);
    const start = net.delivered.length;
    const got = read(net, follower, `f${follower}`);
    assert.deepEqual(got, [{ index: leaderCommit, requestCtx: encoder.encode(`f${follower}`) }]);
    const flow = net.delivered.slice(start).filter((m) =>
      m.type === "MsgReadIndex" || m.type === "MsgReadIndexResp"
    );
    assert.deepEqual(flow.map((m) => [m.type, m.from, m.to]), [
      ["MsgReadIndex", follower, 1n],
      ["MsgReadIndexResp", 1n, follower],
    ]);
    if (follower === 3n) {
      // The lagging follower must apply up to the leader's index before serving the read.
      assert.ok(commitOf(net, 3n) < leaderCommit);
    }
  }
});

Deno.test("ReadIndex at a new leader waits until it has committed an entry of its own term", () => {
  const net = newCluster();
  net.propose(1n, "a");
  // 2 is elected, but nobody's acknowledgement of its empty entry reaches it yet.
  net.filter = (m) => !(m.type === "MsgAppResp" && m.to === 2n);
  net.campaign(2n);
  assert.deepEqual(net.leaders(), [2n]);
  const newTerm = net.member(2n).node.status().hardState.term;
  const emptyIndex = net.member(2n).node.status().lastIndex;
  assert.ok(commitOf(net, 2n) < emptyIndex);
  assert.deepEqual(read(net, 2n, "at-leader"), []);
  assert.deepEqual(read(net, 3n, "via-follower"), []);
  net.tick(2n, 3); // heartbeats go out and come back; still nothing of term 2 is committed
  assert.deepEqual(answers(net, 2n, "at-leader"), []);
  assert.deepEqual(answers(net, 3n, "via-follower"), []);

  net.filter = null;
  net.tick(2n); // the empty entry commits, then the deferred reads are confirmed
  assert.equal(commitOf(net, 2n), emptyIndex);
  assert.equal(net.member(2n).storage.term(emptyIndex), newTerm);
  assert.deepEqual(answers(net, 2n, "at-leader").map((rs) => rs.index), [emptyIndex]);
  assert.deepEqual(answers(net, 3n, "via-follower").map((rs) => rs.index), [emptyIndex]);
});

Deno.test("ReadIndex is answered only once a quorum acknowledged the leader's heartbeat", () => {
  const cases: { size: number; reachable: NodeId[]; answered: boolean }[] = [
    { size: 3, reachable: [2n, 3n], answered: true },
    { size: 3, reachable: [3n], answered: true },
    { size: 3, reachable: [], answered: false },
    { size: 5, reachable: [2n, 3n, 4n, 5n], answered: true },
    { size: 5, reachable: [2n, 4n], answered: true },
    { size: 5, reachable: [5n], answered: false },
  ];
  for (const { size, reachable, answered } of cases) {
    const what = `${size} members, reaching ${reachable.join(",") || "nobody"}`;
    const members = Array.from({ length: size }, (_, i) => BigInt(i + 1));
    const net = newCluster(members);
    for (const id of members) if (id !== 1n && !reachable.includes(id)) net.cut(1n, id);
    const got = read(net, 1n, "r");
    net.tick(1n, 1);
    net.tick(1n, 1);
    assert.equal(answers(net, 1n, "r").length, answered ? 1 : 0, what);
    if (answered) assert.equal(got[0]?.index, commitOf(net, 1n), what);
  }
});

Deno.test("ReadIndex at a leader cut off right after the read arrived is never answered", () => {
  const net = newCluster();
  net.propose(1n, "a");
  startRead(net, 1n, "r");
  net.isolate(1n); // the heartbeats confirming the read are lost
  net.stabilize();
  for (let i = 0; i < 5; i++) net.tick(1n);
  assert.deepEqual(answers(net, 1n, "r"), []);
  assert.ok(net.leaders().includes(1n), "it still believes it leads");
  // Meanwhile 2 leads and commits a write the stale leader has never heard of.
  net.campaign(2n);
  net.propose(2n, "w");
  assert.deepEqual(answers(net, 1n, "r"), []);
});

Deno.test("ReadIndex in a single-member cluster is answered at once, without messages", () => {
  const net = newCluster([1n]);
  net.propose(1n, "a");
  const commit = commitOf(net, 1n);
  const node = net.member(1n).node;
  node.readIndex(encoder.encode("solo"));
  const rd = node.ready();
  assert.deepEqual(rd.readStates, [{ index: commit, requestCtx: encoder.encode("solo") }]);
  assert.deepEqual(rd.messages, []);
  node.advance();
});

Deno.test("ReadIndex started after a write was acknowledged returns an index at or after the write", () => {
  const scenarios: { name: string; reader: NodeId; prepare: (net: TestNetwork) => void }[] = [
    { name: "at the leader", reader: 1n, prepare: () => {} },
    { name: "at a follower", reader: 2n, prepare: () => {} },
    {
      name: "at a follower the write has not reached",
      reader: 3n,
      prepare: (net) => {
        net.filter = (m) => !(m.type === "MsgApp" && m.to === 3n);
      },
    },
    {
      name: "at a leader elected after the write",
      reader: 3n,
      prepare: () => {},
    },
  ];
  for (const { name, reader, prepare } of scenarios) {
    const net = newCluster();
    prepare(net);
    net.propose(1n, "w");
    const written = indexOf(net, 1n, "w"); // applied at the leader: the client was answered
    if (name.startsWith("at a leader elected")) {
      net.campaign(3n);
      assert.deepEqual(net.leaders(), [3n]);
    }
    const got = read(net, reader, "r");
    assert.equal(got.length, 1, name);
    assert.ok(got[0]!.index >= written, `${name}: read index ${got[0]!.index} < ${written}`);
  }
});

Deno.test("ReadIndex retried with the same ctx is not confirmed by late acknowledgements of the first attempt (bug reuseReadIndexContext: it is)", () => {
  for (const bugs of [[], ["reuseReadIndexContext"]] as RaftBug[][]) {
    const buggy = bugs.length > 0;
    const net = newCluster(V3, bugs);
    net.propose(1n, "a");
    const firstIndex = commitOf(net, 1n);
    const held: Message[] = [];
    net.filter = (m) => {
      if (m.type !== "MsgHeartbeatResp") return true;
      held.push(m);
      return false;
    };
    // The first attempt: its heartbeats reach 2 and 3, but their acknowledgements are slow.
    assert.deepEqual(read(net, 1n, "r"), []);
    const lateAcks = held.splice(0);
    assert.equal(lateAcks.length, 2);
    // A write commits, then the client retries the read with the same ctx. No heartbeat of the
    // retry's round is acknowledged by anyone.
    net.propose(1n, "b");
    const retryIndex = commitOf(net, 1n);
    assert.ok(retryIndex > firstIndex);
    net.filter = (m) => m.type !== "MsgHeartbeat";
    assert.deepEqual(read(net, 1n, "r"), []);

    // The first attempt's acknowledgements finally arrive.
    for (const m of lateAcks) net.member(1n).node.step(m);
    net.stabilize();
    const got = answers(net, 1n, "r").map((rs) => rs.index);
    if (buggy) {
      assert.deepEqual(got, [firstIndex, retryIndex], "the retry is confirmed by stale acks");
      continue;
    }
    assert.deepEqual(got, [firstIndex], "only the first attempt is confirmed by its acks");

    // Acknowledgements of a heartbeat sent after the retry arrived confirm it.
    net.filter = null;
    net.tick(1n);
    assert.deepEqual(answers(net, 1n, "r").map((rs) => rs.index), [firstIndex, retryIndex]);
  }
});

Deno.test("ReadIndex with bug readWithoutConfirmation: a deposed, cut-off leader answers at once with a stale index", () => {
  for (const bugs of [[], ["readWithoutConfirmation"]] as RaftBug[][]) {
    const net = newCluster(V3, bugs);
    net.propose(1n, "a");
    net.isolate(1n);
    // The majority elects 2, which commits a write the old leader never sees.
    net.campaign(2n);
    net.propose(2n, "w");
    const written = indexOf(net, 2n, "w");
    assert.deepEqual(net.leaders().sort(), [1n, 2n]);

    const got = read(net, 1n, "stale?");
    if (bugs.length === 0) {
      assert.deepEqual(got, [], "no quorum confirms the old leader, so no answer");
      continue;
    }
    assert.equal(got.length, 1, "answered without asking anyone");
    assert.equal(got[0]!.index, commitOf(net, 1n));
    assert.ok(got[0]!.index < written, "the answer misses the write committed by the new leader");
  }
});
