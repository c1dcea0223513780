/**
 * PreVote (Raft thesis §9.6), CheckQuorum and the leader lease (§6.2 and
 * §4.2.3), and their interaction: a member that was partitioned away must
 * be able to rejoin without disrupting a healthy leader, and without
 * livelocking the cluster when it holds a higher term than everyone else.
 *
 * @module
 */

import assert from "node:assert/strict";
import { TestNetwork } from "./_test_network.ts";
import type { TestNetworkOptions } from "./_test_network.ts";
import { CAMPAIGN_TRANSFER } from "./raft.ts";
import { BOOTSTRAP_INDEX } from "./storage.ts";
import type { Message, MessageType, NodeId } from "./types.ts";
import { message, NONE } from "./types.ts";

const V3: NodeId[] = [1n, 2n, 3n];
const ELECTION_TICKS = 10;

function term(net: TestNetwork, id: NodeId): number {
  return net.member(id).node.status().hardState.term;
}

function role(net: TestNetwork, id: NodeId): string {
  return net.member(id).node.status().softState.raftState;
}

/** Ticks each member of `group` once (in order, delivering after each), `rounds` times. */
function tickRounds(net: TestNetwork, group: readonly NodeId[], rounds: number): void {
  for (let r = 0; r < rounds; r++) for (const id of group) net.tick(id);
}

/** Ticks member `id` `n` times, delivering messages after every tick. */
function tickMember(net: TestNetwork, id: NodeId, n: number): void {
  for (let i = 0; i < n; i++) net.tick(id);
}

/** The leader every member of `group` agrees on (same term, same leader), or NONE. */
function agreedLeader(net: TestNetwork, group: readonly NodeId[]): NodeId {
  const statuses = group.map((id) => net.member(id).node.status());
  const leaders = statuses.filter((s) => s.softState.raftState === "leader");
  if (leaders.length !== 1) return NONE;
  const leader = leaders[0]!;
  const agreed = statuses.every((s) =>
    s.softState.lead === leader.id && s.hardState.term === leader.hardState.term
  );
  return agreed ? leader.id : NONE;
}

/** Ticks `group` round by round until it agrees on a leader; returns that leader and the rounds. */
function tickUntilLeader(
  net: TestNetwork,
  group: readonly NodeId[],
  maxRounds: number,
): { leader: NodeId; rounds: number } {
  for (let rounds = 0; rounds <= maxRounds; rounds++) {
    const leader = agreedLeader(net, group);
    if (leader !== NONE) return { leader, rounds };
    tickRounds(net, group, 1);
  }
  const states = group.map((id) => `${id}:${role(net, id)}@${term(net, id)}`).join(" ");
  assert.fail(`no leader agreed by ${group.join(",")} within ${maxRounds} rounds (${states})`);
}

/** Ticks member `id` alone until it sends a vote or pre-vote request (its election timer fires). */
function tickUntilItCampaigns(net: TestNetwork, id: NodeId): void {
  const before = net.delivered.length;
  for (let i = 0; i < 2 * ELECTION_TICKS; i++) {
    net.tick(id);
    const sent = net.delivered.slice(before).some((m) =>
      m.from === id && (m.type === "MsgVote" || m.type === "MsgPreVote")
    );
    if (sent) return;
  }
  assert.fail(`${id} did not campaign within two election timeouts`);
}

function typesSince(net: TestNetwork, start: number, types: readonly MessageType[]): Message[] {
  return net.delivered.slice(start).filter((m) => types.includes(m.type));
}

function cluster(options: TestNetworkOptions): TestNetwork {
  const net = new TestNetwork(V3, { electionTicks: ELECTION_TICKS, ...options });
  net.campaign(1n);
  assert.deepEqual(net.leaders(), [1n]);
  return net;
}

// ---- PreVote ---------------------------------------------------------------------------------

Deno.test("PreVote: a member rejoining after a partition does not disrupt the leader (without PreVote it does)", () => {
  for (const preVote of [true, false]) {
    const what = `preVote=${preVote}`;
    const net = cluster({ preVote });
    net.isolate(3n);
    net.propose(1n, "a"); // 3 misses it, so its log is behind
    // 3 campaigns over and over while it is cut off.
    for (let i = 0; i < 5 * ELECTION_TICKS; i++) net.tick(3n);
    if (preVote) {
      assert.equal(role(net, 3n), "preCandidate", what);
      assert.equal(term(net, 3n), 1, `${what}: pre-elections do not consume terms`);
    } else {
      assert.equal(role(net, 3n), "candidate", what);
      assert.ok(term(net, 3n) >= 4, `${what}: every timeout consumed a term`);
    }
    net.recover();
    const start = net.delivered.length;
    const { leader } = tickUntilLeader(net, V3, 10 * ELECTION_TICKS);
    tickRounds(net, V3, 3 * ELECTION_TICKS);
    assert.equal(agreedLeader(net, V3), leader, what);
    if (preVote) {
      assert.equal(leader, 1n, what);
      for (const id of V3) assert.equal(term(net, id), 1, `${what}: term of ${id}`);
      assert.deepEqual(typesSince(net, start, ["MsgVote"]), [], `${what}: no real election`);
    } else {
      // 3's higher-term MsgVote deposed 1; 3 itself cannot win with its shorter log.
      assert.notEqual(leader, 3n, what);
      assert.ok(term(net, 1n) > 4, `${what}: the cluster's term was driven up`);
    }
    net.propose(leader, "b");
    for (const id of V3) assert.deepEqual(net.appliedData(id), ["a", "b"], `${what}: ${id}`);
  }
});

Deno.test("PreVote: a pre-candidate neither increments its term nor votes, and its voters change nothing", () => {
  const net = new TestNetwork(V3, { preVote: true });
  const candidate = net.member(1n);
  candidate.node.campaign();
  const rd = candidate.node.ready();
  assert.equal(rd.softState?.raftState, "preCandidate");
  assert.equal(rd.hardState, null, "nothing to persist: term and vote are unchanged");
  assert.equal(rd.mustSync, false);
  assert.deepEqual(
    rd.messages.map((m) => [m.type, m.to, m.term, m.index, m.logTerm]),
    // Its log is only the bootstrap snapshot: last index BOOTSTRAP_INDEX, term 0.
    [["MsgPreVote", 2n, 1, BOOTSTRAP_INDEX, 0], ["MsgPreVote", 3n, 1, BOOTSTRAP_INDEX, 0]],
    "the pre-vote asks about the term it would campaign in",
  );
  candidate.node.advance();
  const status = candidate.node.status();
  assert.equal(status.hardState.term, 0);
  assert.equal(status.hardState.vote, NONE);

  // A voter grants the pre-vote without changing its own term or vote.
  const voter = net.member(2n);
  voter.drain();
  const stored = voter.storage.hardState();
  assert.deepEqual([stored.term, stored.vote], [0, NONE]);
  voter.node.step(rd.messages[0]!);
  const answers = voter.drain();
  assert.deepEqual(answers.map((m) => [m.type, m.term, m.reject]), [["MsgPreVoteResp", 1, false]]);
  assert.deepEqual(voter.storage.hardState(), stored, "nothing new persisted");
  assert.equal(voter.node.status().hardState.term, 0);
  assert.equal(voter.node.status().hardState.vote, NONE);

  // Cut off, the pre-candidate keeps polling at the same term.
  net.isolate(1n);
  tickMember(net, 1n, 5 * ELECTION_TICKS);
  assert.equal(role(net, 1n), "preCandidate");
  assert.equal(term(net, 1n), 0);
});

Deno.test("PreVote: a pre-candidate that loses the poll goes back to follower with its term unchanged", () => {
  const net = cluster({ preVote: true });
  net.isolate(3n);
  net.propose(1n, "a");
  net.recover();
  // 3's log is behind: 1 and 2 refuse the pre-vote; nobody's term moves.
  net.member(3n).node.campaign();
  net.stabilize();
  assert.equal(role(net, 3n), "follower");
  for (const id of V3) assert.equal(term(net, id), 1, `term of ${id}`);
  assert.deepEqual(net.leaders(), [1n]);
});

Deno.test("PreVote: once a majority grants the pre-vote, the real election follows in the next term", () => {
  const net = new TestNetwork(V3, { preVote: true });
  net.campaign(1n);
  const votes = typesSince(net, 0, ["MsgPreVote", "MsgPreVoteResp", "MsgVote", "MsgVoteResp"]);
  const firstVote = votes.findIndex((m) => m.type === "MsgVote");
  assert.ok(firstVote > 0);
  const poll = votes.slice(0, firstVote);
  assert.deepEqual(
    poll.filter((m) => m.type === "MsgPreVote").map((m) => [m.to, m.term]),
    [[2n, 1], [3n, 1]],
  );
  const granted = poll.filter((m) => m.type === "MsgPreVoteResp" && !m.reject);
  assert.ok(granted.length >= 1, "a majority (with its own) granted the pre-vote first");
  assert.ok(
    votes.slice(firstVote).every((m) => m.type === "MsgVote" || m.type === "MsgVoteResp"),
    "no pre-vote traffic after the election started",
  );
  assert.deepEqual(net.leaders(), [1n]);
  for (const id of V3) {
    assert.equal(term(net, id), 1, `the poll did not consume a term at ${id}`);
    assert.equal(net.member(id).storage.hardState().vote, 1n);
  }
});

// ---- CheckQuorum and the leader lease --------------------------------------------------------

Deno.test("CheckQuorum: a leader that hears from no quorum for a full election timeout steps down", () => {
  for (const checkQuorum of [true, false]) {
    const net = cluster({ checkQuorum });
    net.isolate(1n);
    let ticks = 0;
    while (role(net, 1n) === "leader" && ticks < 10 * ELECTION_TICKS) {
      net.tick(1n);
      ticks++;
    }
    if (checkQuorum) {
      assert.equal(role(net, 1n), "follower");
      assert.equal(term(net, 1n), 1, "stepping down does not change the term");
      assert.ok(ticks > ELECTION_TICKS, `stepped down after ${ticks} ticks: too early`);
      assert.ok(ticks <= 2 * ELECTION_TICKS, `stepped down after ${ticks} ticks: too late`);
      assert.deepEqual(net.leaders(), []);
    } else {
      assert.equal(role(net, 1n), "leader", "without CheckQuorum a cut-off leader stays");
    }
  }
});

Deno.test("CheckQuorum: a leader in touch with a quorum (itself included) keeps leading", () => {
  const cases: { size: number; reachable: NodeId[]; leads: boolean }[] = [
    { size: 3, reachable: [2n, 3n], leads: true },
    { size: 3, reachable: [3n], leads: true },
    { size: 3, reachable: [], leads: false },
    { size: 5, reachable: [2n, 5n], leads: true },
    { size: 5, reachable: [4n], leads: false },
  ];
  for (const { size, reachable, leads } of cases) {
    const what = `${size} members, reaching ${reachable.join(",") || "nobody"}`;
    const members = Array.from({ length: size }, (_, i) => BigInt(i + 1));
    const net = new TestNetwork(members, { checkQuorum: true, electionTicks: ELECTION_TICKS });
    net.campaign(1n);
    for (const id of members) if (id !== 1n && !reachable.includes(id)) net.cut(1n, id);
    // Only the leader ticks, so nobody else campaigns meanwhile.
    tickMember(net, 1n, 5 * ELECTION_TICKS);
    assert.equal(role(net, 1n) === "leader", leads, what);
  }
});

Deno.test("leader lease: a follower that heard from the leader within the election timeout ignores a higher-term vote request, unless it is a leader transfer", () => {
  const cases: {
    type: "MsgVote" | "MsgPreVote";
    checkQuorum: boolean;
    transfer: boolean;
    silentTicks: number;
    heeded: boolean;
  }[] = [
    { type: "MsgVote", checkQuorum: true, transfer: false, silentTicks: 0, heeded: false },
    { type: "MsgVote", checkQuorum: true, transfer: false, silentTicks: 9, heeded: false },
    { type: "MsgPreVote", checkQuorum: true, transfer: false, silentTicks: 0, heeded: false },
    { type: "MsgVote", checkQuorum: true, transfer: true, silentTicks: 0, heeded: true },
    { type: "MsgVote", checkQuorum: true, transfer: false, silentTicks: 10, heeded: true },
    { type: "MsgVote", checkQuorum: false, transfer: false, silentTicks: 0, heeded: true },
    { type: "MsgPreVote", checkQuorum: false, transfer: false, silentTicks: 0, heeded: true },
  ];
  for (const c of cases) {
    const what = `${c.type} checkQuorum=${c.checkQuorum} transfer=${c.transfer} after ` +
      `${c.silentTicks} silent ticks`;
    // The follower's own election timer is pushed out so that it never campaigns here.
    const net = cluster({ checkQuorum: c.checkQuorum, preVote: c.type === "MsgPreVote" });
    const follower = net.member(2n);
    follower.node.raftForTests.randomizedElectionTimeout = 2 * ELECTION_TICKS;
    net.cut(1n, 2n);
    for (let i = 0; i < c.silentTicks; i++) net.tick(2n);
    assert.equal(role(net, 2n), "follower", what);
    const last = follower.node.status().lastIndex;
    follower.node.step(message({
      type: c.type,
      from: 3n,
      to: 2n,
      term: 2,
      index: last,
      logTerm: 1,
      context: c.transfer ? CAMPAIGN_TRANSFER : new Uint8Array(0),
    }));
    const out = follower.drain();
    if (!c.heeded) {
      assert.deepEqual(out, [], `${what}: ignored without an answer`);
      assert.equal(term(net, 2n), 1, what);
      assert.equal(follower.node.status().softState.lead, 1n, what);
      continue;
    }
    assert.equal(out.length, 1, what);
    assert.equal(out[0]!.reject, false, `${what}: granted`);
    assert.equal(out[0]!.term, 2, what);
    if (c.type === "MsgVote") {
      assert.equal(term(net, 2n), 2, what);
      assert.equal(follower.node.status().hardState.vote, 3n, what);
    } else {
      assert.equal(term(net, 2n), 1, `${what}: a pre-vote leaves the term alone`);
    }
  }
});

// ---- PreVote and CheckQuorum together --------------------------------------------------------

Deno.test("CheckQuorum: a candidate stuck at a higher term after a partition is freed when it rejoins", () => {
  const net = cluster({ checkQuorum: true });
  net.isolate(3n);
  // 1 and 2 carry on (the lease keeps 2 from listening to 3); 3 runs elections alone.
  for (let i = 0; i < 5 * ELECTION_TICKS; i++) {
    net.tick(1n);
    net.tick(2n);
    net.tick(3n);
  }
  assert.deepEqual(net.leaders(), [1n]);
  const stuckTerm = term(net, 3n);
  assert.ok(stuckTerm >= 4, `3 is stuck at term ${stuckTerm}`);
  assert.equal(role(net, 3n), "candidate");

  net.recover();
  const start = net.delivered.length;
  const { leader, rounds } = tickUntilLeader(net, V3, 10 * ELECTION_TICKS);
  assert.ok(rounds <= 5 * ELECTION_TICKS, `${rounds} rounds to a leader`);
  // The leader learned 3's term from 3's answer to its lower-term heartbeat.
  assert.ok(
    typesSince(net, start, ["MsgAppResp"]).some((m) =>
      m.from === 3n && m.to === 1n && m.term === stuckTerm
    ),
  );
  assert.ok(term(net, leader) > stuckTerm);
  net.propose(leader, "after");
  for (const id of V3) assert.deepEqual(net.appliedData(id), ["after"], `member ${id}`);
});

Deno.test("PreVote+CheckQuorum: a pre-candidate gives up its leader's lease, so the followers of a dead leader can elect a new one", () => {
  const net = cluster({ preVote: true, checkQuorum: true });
  net.isolate(1n);
  // 3 polls first; 2 heard from 1 a moment ago and ignores it (the lease).
  net.campaign(3n);
  assert.equal(role(net, 3n), "preCandidate");
  assert.equal(role(net, 2n), "follower");
  assert.equal(net.member(2n).node.status().softState.lead, 1n);
  // 2 polls next: 3, a pre-candidate, no longer follows 1, so it answers and votes.
  net.campaign(2n);
  assert.deepEqual(net.leaders().sort(), [1n, 2n]);
  assert.equal(agreedLeader(net, [2n, 3n]), 2n);
  assert.equal(term(net, 2n), 2);
});

Deno.test("PreVote+CheckQuorum: when the leader dies, its followers elect a new leader within a bounded time", () => {
  const net = cluster({ preVote: true, checkQuorum: true });
  net.propose(1n, "a");
  net.isolate(1n);
  const { leader, rounds } = tickUntilLeader(net, [2n, 3n], 10 * ELECTION_TICKS);
  assert.ok(rounds <= 3 * ELECTION_TICKS, `${rounds} rounds to a leader`);
  assert.equal(term(net, leader), 2, "one term: pre-votes that failed consumed none");
  // The old leader notices it lost its quorum, and rejoins without disruption.
  tickMember(net, 1n, 2 * ELECTION_TICKS);
  assert.equal(role(net, 1n), "follower");
  net.recover();
  tickRounds(net, V3, 3 * ELECTION_TICKS);
  assert.equal(agreedLeader(net, V3), leader);
  assert.equal(term(net, 1n), 2);
  net.propose(leader, "b");
  for (const id of V3) assert.deepEqual(net.appliedData(id), ["a", "b"], `member ${id}`);
});

Deno.test("PreVote+CheckQuorum: a rejoining member with an up-to-date log cannot disrupt the leader", () => {
  // 3's log is as long as everyone's, so only the lease can stop its election; its first message
  // after the partition heals is its (pre-)vote request, before any heartbeat reaches it.
  const cases = [
    { preVote: true, checkQuorum: true, disrupted: false },
    // PreVote alone: 1 and 2 grant the poll (3's log is up to date) and 3 takes over.
    { preVote: true, checkQuorum: false, disrupted: true },
    // CheckQuorum alone: 3's term grew while cut off; the leader must step down to free it.
    { preVote: false, checkQuorum: true, disrupted: true },
  ];
  for (const c of cases) {
    const what = `preVote=${c.preVote} checkQuorum=${c.checkQuorum}`;
    const net = cluster({ preVote: c.preVote, checkQuorum: c.checkQuorum });
    net.isolate(3n);
    tickMember(net, 3n, 3 * ELECTION_TICKS);
    net.recover();
    tickUntilItCampaigns(net, 3n);
    const { leader } = tickUntilLeader(net, V3, 10 * ELECTION_TICKS);
    tickRounds(net, V3, 2 * ELECTION_TICKS);
    assert.equal(agreedLeader(net, V3), leader, what);
    if (c.disrupted) {
      assert.ok(term(net, 1n) > 1, `${what}: the term moved on`);
    } else {
      assert.equal(leader, 1n, what);
      for (const id of V3) assert.equal(term(net, id), 1, `${what}: term of ${id}`);
    }
  }
});

Deno.test("PreVote+CheckQuorum: a member stuck at a higher term with a shorter log does not livelock the election", () => {
  const net = cluster({ preVote: true, checkQuorum: true });
  net.isolate(3n);
  net.propose(1n, "a"); // 3 misses it
  // 3 runs without PreVote for a while (say, before an upgrade) and its term climbs ...
  const storage = net.member(3n).storage;
  net.add(3n, storage, { electionTicks: ELECTION_TICKS, preVote: false, checkQuorum: true }, 77);
  tickMember(net, 3n, 3 * ELECTION_TICKS);
  const stuckTerm = term(net, 3n);
  assert.ok(stuckTerm >= 3, `3 is at term ${stuckTerm}`);
  // ... then restarts with PreVote. Now the leader dies and the partition around 3 heals.
  net.add(3n, storage, { electionTicks: ELECTION_TICKS, preVote: true, checkQuorum: true }, 78);
  net.recover();
  net.isolate(1n);
  // 2 has the longer log but the lower term; 3 has the higher term but cannot win. 2's pre-vote
  // is refused by 3 with 3's term, which 2 adopts, so its next poll is for a term 3 accepts.
  const start = net.delivered.length;
  const { leader, rounds } = tickUntilLeader(net, [2n, 3n], 20 * ELECTION_TICKS);
  assert.equal(leader, 2n);
  assert.ok(rounds <= 6 * ELECTION_TICKS, `${rounds} rounds to a leader`);
  assert.ok(term(net, 2n) > stuckTerm);
  assert.ok(
    typesSince(net, start, ["MsgPreVoteResp"]).some((m) =>
      m.from === 3n && m.reject && m.term === stuckTerm
    ),
    "3 answered 2's lower-term pre-vote with its own term",
  );
  net.propose(2n, "b");
  assert.deepEqual(net.appliedData(3n), ["a", "b"]);
});
