/**
 * One test per claim of the Raft paper (Ongaro & Ousterhout, "In Search of
 * an Understandable Consensus Algorithm", §5.1–§5.4), in the spirit of
 * etcd-io/raft's raft_paper_test.go. Unit tests drive a single RawNode with
 * hand-made messages; scenario tests use the TestNetwork harness.
 *
 * @module
 */

import assert from "node:assert/strict";
import { SeededPrng } from "../util/prng.ts";
import { TestNetwork } from "./_test_network.ts";
import type { RaftBug, RaftConfig } from "./config.ts";
import { RawNode } from "./raw_node.ts";
import { BOOTSTRAP_INDEX, MemoryStorage } from "./storage.ts";
import type { Entry, Message, MessageType, NodeId, Ready, StateType } from "./types.ts";
import { EMPTY_CONF_STATE, message, NONE } from "./types.ts";

// ---- helpers -------------------------------------------------------------------------------

/**
 * Every member starts from the bootstrap snapshot at B (term 0): the log
 * proper begins at B + 1, so the first leader's empty entry is B + 1, and
 * "before the first entry" is (B, 0) rather than (0, 0).
 */
const B = BOOTSTRAP_INDEX;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

function bytes(text: string): Uint8Array {
  return encoder.encode(text);
}

/** Entries at indexes B + 1.. with the given terms. */
function logOfTerms(terms: readonly number[]): Entry[] {
  return terms.map((term, i) => ({
    term,
    index: B + 1 + i,
    type: "normal" as const,
    data: bytes(`e${i + 1}`),
  }));
}

function entry(index: number, term: number, data = `e${index}`): Entry {
  return { term, index, type: "normal", data: bytes(data) };
}

interface PeerOptions {
  /** Terms of the entries already in the stable log (indexes B + 1..). */
  log?: readonly number[];
  term?: number;
  vote?: NodeId;
  commit?: number;
  seed?: number;
  electionTicks?: number;
  heartbeatTicks?: number;
  preVote?: boolean;
  checkQuorum?: boolean;
  bugs?: readonly RaftBug[];
  config?: Partial<RaftConfig>;
}

/** A single RawNode over its own MemoryStorage, driven by hand. */
class Peer {
  readonly id: NodeId;
  readonly storage: MemoryStorage;
  node: RawNode;
  readonly options: PeerOptions;
  readonly readies: Ready[] = [];
  #seed: number;

  constructor(id: NodeId, voters: readonly NodeId[], options: PeerOptions = {}) {
    this.id = id;
    this.options = options;
    this.storage = new MemoryStorage();
    this.storage.bootstrap({ ...EMPTY_CONF_STATE, voters });
    this.storage.append(logOfTerms(options.log ?? []));
    if (options.term !== undefined || options.vote !== undefined || options.commit !== undefined) {
      this.storage.setHardState({
        term: options.term ?? 0,
        vote: options.vote ?? NONE,
        commit: options.commit ?? B, // the bootstrap snapshot is committed
      });
    }
    this.#seed = options.seed ?? 1;
    this.node = this.#newNode();
  }

  #newNode(): RawNode {
    return new RawNode({
      id: this.id,
      storage: this.storage,
      prng: new SeededPrng(this.#seed++),
      electionTicks: this.options.electionTicks ?? 10,
      heartbeatTicks: this.options.heartbeatTicks ?? 1,
      preVote: this.options.preVote ?? false,
      checkQuorum: this.options.checkQuorum ?? false,
      bugs: new Set(this.options.bugs ?? []),
      ...this.options.config,
    });
  }

  /** A crash: volatile state is lost, the node restarts from storage. */
  restart(): void {
    this.node = this.#newNode();
  }

  /** Handles every pending Ready (persist, then collect messages); returns the messages. */
  drain(): Message[] {
    const out: Message[] = [];
    while (this.node.hasReady()) {
      const rd = this.node.ready();
      this.readies.push(rd);
      this.storage.append(rd.entries);
      if (rd.hardState !== null) this.storage.setHardState(rd.hardState);
      out.push(...rd.messages);
      this.node.advance();
    }
    return out;
  }

  step(fields: Pick<Message, "type"> & Partial<Message>): Message[] {
    this.node.step(message({ to: this.id, ...fields }));
    return this.drain();
  }

  get state(): StateType {
    return this.node.status().softState.raftState;
  }

  get term(): number {
    return this.node.status().hardState.term;
  }

  get lead(): NodeId {
    return this.node.status().softState.lead;
  }

  get commit(): number {
    return this.node.status().commit;
  }

  /** Terms of the stable log, indexes B + 1..last. */
  storedTerms(): number[] {
    const terms: number[] = [];
    for (let i = B + 1; i <= this.storage.lastIndex(); i++) terms.push(this.storage.term(i));
    return terms;
  }
}

/** Makes `peer` leader of its term by campaigning and collecting every vote. */
function makeLeader(peer: Peer, voters: readonly NodeId[]): Message[] {
  peer.node.campaign();
  const out = peer.drain();
  const term = peer.term;
  for (const id of voters) {
    if (id === peer.id || peer.state === "leader") continue;
    out.push(...peer.step({ type: "MsgVoteResp", from: id, term }));
  }
  assert.equal(peer.state, "leader");
  return out;
}

/** A 3- (or n-) member leader whose empty entry every follower acknowledged. */
function establishedLeader(voters: readonly NodeId[], options: PeerOptions = {}): Peer {
  const leader = new Peer(voters[0]!, voters, options);
  makeLeader(leader, voters);
  const last = leader.node.status().lastIndex;
  for (const id of voters.slice(1)) {
    leader.step({ type: "MsgAppResp", from: id, term: leader.term, index: last });
  }
  assert.equal(leader.commit, last);
  return leader;
}

function ofType(messages: readonly Message[], type: MessageType): Message[] {
  return messages.filter((m) => m.type === type);
}

function ids(n: number): NodeId[] {
  return Array.from({ length: n }, (_, i) => BigInt(i + 1));
}

const V3 = ids(3);

// ---- §5.1 basics ---------------------------------------------------------------------------

Deno.test("§5.1 a server starts as a follower, also when it restarts with a persisted term", () => {
  const fresh = new Peer(1n, V3);
  assert.equal(fresh.state, "follower");
  assert.equal(fresh.term, 0);
  assert.equal(fresh.lead, NONE);

  const restarted = new Peer(1n, V3, { log: [1, 2, 5], term: 5, vote: 2n, commit: B + 2 });
  assert.equal(restarted.state, "follower");
  assert.equal(restarted.term, 5);
  assert.equal(restarted.node.status().hardState.vote, 2n);
  assert.equal(restarted.lead, NONE);
});

Deno.test("§5.1 a message with a higher term updates the term and reverts any role to follower", () => {
  const roles: StateType[] = ["follower", "preCandidate", "candidate", "leader"];
  const messages: { type: MessageType; lead: NodeId }[] = [
    { type: "MsgApp", lead: 2n },
    { type: "MsgHeartbeat", lead: 2n },
    { type: "MsgVote", lead: NONE },
    { type: "MsgAppResp", lead: NONE },
    { type: "MsgVoteResp", lead: NONE },
  ];
  for (const role of roles) {
    for (const { type, lead } of messages) {
      const peer = new Peer(1n, V3, { preVote: role === "preCandidate" });
      if (role === "leader") makeLeader(peer, V3);
      else if (role !== "follower") peer.node.campaign();
      peer.drain();
      assert.equal(peer.state, role);
      const higher = peer.term + 5;
      peer.step({ type, from: 2n, term: higher, index: B, logTerm: 0 });
      const what = `${role} stepping ${type}`;
      assert.equal(peer.state, "follower", what);
      assert.equal(peer.term, higher, what);
      assert.equal(peer.lead, lead, what);
      // The new term is in the hard state the next Ready persists.
      assert.equal(peer.storage.hardState().term, higher, what);
    }
  }
});

Deno.test("§5.1 a message with a stale term is ignored (only answered to make its sender catch up)", () => {
  const cases: {
    type: MessageType;
    checkQuorum: boolean;
    preVote: boolean;
    reply: MessageType | null;
  }[] = [
    // A stale leader must learn of the newer term: a leader removed from the configuration
    // is no longer contacted by the new one, and with CheckQuorum or PreVote a member stuck
    // at a higher term could otherwise never rejoin.
    { type: "MsgApp", checkQuorum: false, preVote: false, reply: "MsgAppResp" },
    { type: "MsgHeartbeat", checkQuorum: false, preVote: false, reply: "MsgAppResp" },
    { type: "MsgVote", checkQuorum: false, preVote: false, reply: null },
    { type: "MsgAppResp", checkQuorum: false, preVote: false, reply: null },
    { type: "MsgApp", checkQuorum: true, preVote: false, reply: "MsgAppResp" },
    { type: "MsgHeartbeat", checkQuorum: false, preVote: true, reply: "MsgAppResp" },
    { type: "MsgPreVote", checkQuorum: false, preVote: true, reply: "MsgPreVoteResp" },
  ];
  for (const c of cases) {
    const what = `stale ${c.type} (checkQuorum=${c.checkQuorum}, preVote=${c.preVote})`;
    const peer = new Peer(1n, V3, {
      log: [1, 2],
      term: 3,
      commit: B + 1,
      checkQuorum: c.checkQuorum,
      preVote: c.preVote,
    });
    peer.drain();
    const out = peer.step({
      type: c.type,
      from: 2n,
      term: 2,
      index: B + 2,
      logTerm: 2,
      commit: B + 2,
      entries: c.type === "MsgApp" ? [entry(B + 3, 2)] : [],
    });
    assert.equal(peer.term, 3, what);
    assert.equal(peer.state, "follower", what);
    assert.equal(peer.lead, NONE, what);
    assert.equal(peer.node.status().lastIndex, B + 2, `${what}: log must not change`);
    assert.equal(peer.commit, B + 1, `${what}: commit must not change`);
    assert.equal(peer.node.status().hardState.vote, NONE, what);
    if (c.reply === null) {
      assert.deepEqual(out, [], what);
    } else {
      assert.equal(out.length, 1, what);
      assert.equal(out[0]!.type, c.reply, what);
      assert.equal(out[0]!.term, 3, `${what}: the answer carries our newer term`);
      if (c.reply === "MsgPreVoteResp") assert.equal(out[0]!.reject, true, what);
    }
  }
});

// ---- §5.2 leader election ------------------------------------------------------------------

Deno.test("§5.2 the leader sends a heartbeat to every follower each heartbeatTicks ticks", () => {
  const leader = establishedLeader(V3, { heartbeatTicks: 3, electionTicks: 10 });
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 2; i++) {
      leader.node.tick();
      assert.deepEqual(
        ofType(leader.drain(), "MsgHeartbeat"),
        [],
        `tick ${i + 1} of round ${round}`,
      );
    }
    leader.node.tick();
    const beats = ofType(leader.drain(), "MsgHeartbeat");
    assert.deepEqual(beats.map((m) => m.to), [2n, 3n]);
    for (const m of beats) {
      assert.equal(m.term, leader.term);
      assert.equal(m.from, 1n);
      assert.equal(m.commit, leader.commit);
    }
  }
});

Deno.test("§5.2 a follower or candidate that hears nothing for its election timeout campaigns", () => {
  for (const role of ["follower", "candidate"] as const) {
    const peer = new Peer(1n, V3, { log: [1, 1], term: 1, commit: B + 1, seed: 42 });
    if (role === "candidate") peer.node.campaign();
    peer.drain();
    const term = peer.term;
    const timeout = peer.node.raftForTests.randomizedElectionTimeout;
    for (let i = 1; i < timeout; i++) {
      peer.node.tick();
      assert.deepEqual(peer.drain(), [], `${role}: tick ${i} of ${timeout}`);
    }
    assert.equal(peer.term, term);
    peer.node.tick();
    const out = peer.drain();
    assert.equal(peer.state, "candidate", role);
    assert.equal(peer.term, term + 1, role);
    assert.equal(peer.node.status().hardState.vote, 1n, `${role} votes for itself`);
    assert.deepEqual(
      out.map((m) => [m.type, m.to, m.term, m.index, m.logTerm]),
      [["MsgVote", 2n, term + 1, B + 2, 1], ["MsgVote", 3n, term + 1, B + 2, 1]],
      role,
    );
  }
});

Deno.test("§5.2 randomized election timeouts spread over [electionTicks, 2*electionTicks-1]", () => {
  const electionTicks = 10;
  const seen = new Map<number, number>();
  for (let seed = 1; seed <= 400; seed++) {
    const peer = new Peer(1n, V3, { seed, electionTicks });
    let ticks = 0;
    while (peer.state === "follower") {
      peer.node.tick();
      peer.drain();
      ticks++;
      assert.ok(ticks < 2 * electionTicks, `seed ${seed}: no election after ${ticks} ticks`);
    }
    seen.set(ticks, (seen.get(ticks) ?? 0) + 1);
    // Each new term draws a fresh timeout from the same range.
    const again = peer.node.raftForTests.randomizedElectionTimeout;
    assert.ok(again >= electionTicks && again < 2 * electionTicks, `seed ${seed}: ${again}`);
  }
  const values = [...seen.keys()].sort((a, b) => a - b);
  assert.deepEqual(values, Array.from({ length: electionTicks }, (_, i) => electionTicks + i));
  // Roughly uniform: every value drawn at least a quarter of its fair share.
  for (const [value, count] of seen) assert.ok(count >= 10, `timeout ${value} drawn ${count}x`);
});

Deno.test("§5.2 a candidate wins with a majority of votes, loses to a majority of rejections, else waits", () => {
  const cases: { size: number; votes: [NodeId, boolean][]; want: StateType }[] = [
    { size: 1, votes: [], want: "leader" },
    { size: 3, votes: [[2n, true], [3n, true]], want: "leader" },
    { size: 3, votes: [[2n, true]], want: "leader" },
    { size: 3, votes: [], want: "candidate" },
    { size: 3, votes: [[2n, false]], want: "candidate" },
    { size: 3, votes: [[2n, false], [3n, false]], want: "follower" },
    { size: 5, votes: [[2n, true], [3n, true], [4n, true], [5n, true]], want: "leader" },
    { size: 5, votes: [[2n, true], [3n, true]], want: "leader" },
    { size: 5, votes: [[2n, true]], want: "candidate" },
    { size: 5, votes: [[2n, false], [3n, false]], want: "candidate" },
    { size: 5, votes: [[2n, true], [3n, false], [4n, false], [5n, false]], want: "follower" },
    { size: 5, votes: [[2n, false], [3n, false], [4n, false]], want: "follower" },
  ];
  for (const { size, votes, want } of cases) {
    const what = `${size} members, votes ${JSON.stringify(votes.map(([i, g]) => `${i}:${g}`))}`;
    const peer = new Peer(1n, ids(size));
    peer.node.campaign();
    peer.drain();
    for (const [from, granted] of votes) {
      peer.step({ type: "MsgVoteResp", from, term: 1, reject: !granted });
    }
    assert.equal(peer.state, want, what);
    assert.equal(peer.term, 1, what);
  }
});

Deno.test("§5.2 a candidate steps down on AppendEntries from a leader of its term or a newer one", () => {
  for (const type of ["MsgApp", "MsgHeartbeat"] as const) {
    for (const termDelta of [0, 1]) {
      const peer = new Peer(1n, V3);
      peer.node.campaign();
      peer.drain();
      const term = peer.term + termDelta;
      peer.step({ type, from: 2n, term, index: B, logTerm: 0 });
      const what = `${type} at candidate term + ${termDelta}`;
      assert.equal(peer.state, "follower", what);
      assert.equal(peer.lead, 2n, what);
      assert.equal(peer.term, term, what);
    }
  }
});

Deno.test("§5.2 on a split vote the candidates stay candidates; the first to time out wins the next term", () => {
  const net = new TestNetwork(ids(4), { seed: 5 });
  // 2 can only hear 1 and 4 can only hear 3: each candidate gets exactly two of four votes.
  net.cut(1n, 4n);
  net.cut(3n, 2n);
  net.member(1n).node.campaign();
  net.member(3n).node.campaign();
  net.stabilize();
  for (const id of [1n, 3n]) {
    const status = net.member(id).node.status();
    assert.equal(status.softState.raftState, "candidate", `${id} after the split vote`);
    assert.equal(status.hardState.term, 1);
  }
  assert.equal(net.member(2n).node.status().hardState.vote, 1n);
  assert.equal(net.member(4n).node.status().hardState.vote, 3n);
  assert.deepEqual(net.leaders(), []);

  net.recover();
  const timeout1 = net.member(1n).node.raftForTests.randomizedElectionTimeout;
  const timeout3 = net.member(3n).node.raftForTests.randomizedElectionTimeout;
  const expected = timeout1 <= timeout3 ? 1n : 3n;
  for (let tick = 0; tick < 20 && net.leaders().length === 0; tick++) {
    net.tick(1n);
    net.tick(3n);
  }
  assert.deepEqual(net.leaders(), [expected]);
  for (const member of net.members.values()) {
    assert.equal(member.node.status().hardState.term, 2, `member ${member.id}`);
  }
});

Deno.test("§5.2 a member votes at most once per term, first come first served, and repeats its vote", () => {
  const peer = new Peer(1n, ids(5));
  const steps: { from: NodeId; term: number; granted: boolean; vote: NodeId }[] = [
    { from: 2n, term: 1, granted: true, vote: 2n },
    { from: 3n, term: 1, granted: false, vote: 2n }, // already voted this term
    { from: 2n, term: 1, granted: true, vote: 2n }, // the same candidate asks again
    { from: 4n, term: 1, granted: false, vote: 2n },
    { from: 3n, term: 2, granted: true, vote: 3n }, // a new term, a new vote
    { from: 2n, term: 2, granted: false, vote: 3n },
  ];
  for (const [i, s] of steps.entries()) {
    const out = peer.step({ type: "MsgVote", from: s.from, term: s.term, index: B, logTerm: 0 });
    const what = `step ${i}: vote request from ${s.from} at term ${s.term}`;
    assert.equal(out.length, 1, what);
    assert.equal(out[0]!.type, "MsgVoteResp", what);
    assert.equal(out[0]!.to, s.from, what);
    assert.equal(out[0]!.reject, !s.granted, what);
    assert.equal(peer.storage.hardState().vote, s.vote, what);
    assert.equal(peer.storage.hardState().term, s.term, what);
  }
});

Deno.test("§5.2 a candidate votes for itself and persists that vote in the Ready carrying its MsgVote", () => {
  for (const bugs of [[], ["voteNotPersisted"]] as RaftBug[][]) {
    const peer = new Peer(1n, V3, { bugs });
    peer.node.campaign();
    const rd = peer.node.ready();
    const votes = ofType(rd.messages, "MsgVote");
    assert.deepEqual(votes.map((m) => [m.to, m.term]), [[2n, 1], [3n, 1]]);
    assert.ok(rd.hardState !== null);
    assert.equal(rd.hardState.term, 1);
    assert.equal(rd.mustSync, true);
    if (bugs.length === 0) {
      assert.equal(rd.hardState.vote, 1n, "the self-vote is persisted before MsgVote is sent");
    } else {
      assert.equal(rd.hardState.vote, NONE, "with voteNotPersisted the self-vote is missing");
    }
    peer.node.advance();
  }
});

Deno.test("§5.2 a granted vote is durable before the MsgVoteResp is sent, so a restart cannot vote twice", () => {
  for (const bugs of [[], ["voteNotPersisted"]] as RaftBug[][]) {
    const peer = new Peer(1n, V3, { bugs });
    const granted = peer.step({ type: "MsgVote", from: 2n, term: 1, index: B, logTerm: 0 });
    assert.equal(granted[0]!.reject, false);
    const rd = peer.readies.find((r) => r.messages.some((m) => m.type === "MsgVoteResp"));
    assert.ok(rd !== undefined && rd.hardState !== null);
    peer.restart();
    const second = peer.step({ type: "MsgVote", from: 3n, term: 1, index: B, logTerm: 0 });
    if (bugs.length === 0) {
      assert.equal(rd.hardState.vote, 2n);
      assert.equal(second[0]!.reject, true, "after a restart the member still voted for 2");
    } else {
      assert.equal(rd.hardState.vote, NONE);
      assert.equal(second[0]!.reject, false, "voteNotPersisted: a second vote in term 1");
    }
  }
});

// ---- §5.3 log replication ------------------------------------------------------------------

Deno.test("§5.3 the leader appends a proposal to its log and sends it to every follower", () => {
  const leader = establishedLeader(V3);
  leader.node.propose(bytes("x"));
  const rd = leader.node.ready();
  // The empty entry of term 1 is at B + 1 and committed; the proposal follows it.
  assert.deepEqual(
    rd.entries.map((e) => [e.index, e.term, decoder.decode(e.data)]),
    [[B + 2, 1, "x"]],
  );
  const apps = ofType(rd.messages, "MsgApp");
  assert.deepEqual(
    apps.map((m) => [m.to, m.index, m.logTerm, m.commit, m.entries.map((e) => e.index)]),
    [[2n, B + 1, 1, B + 1, [B + 2]], [3n, B + 1, 1, B + 1, [B + 2]]],
  );
  leader.node.advance();
  assert.equal(leader.commit, B + 1, "not committed before a follower stored it");
});

Deno.test("§5.3 an entry is committed once a majority stores it", () => {
  const cases: { size: number; acks: NodeId[]; committed: boolean }[] = [
    { size: 1, acks: [], committed: true },
    { size: 3, acks: [], committed: false },
    { size: 3, acks: [2n], committed: true },
    { size: 3, acks: [2n, 3n], committed: true },
    { size: 5, acks: [], committed: false },
    { size: 5, acks: [2n], committed: false },
    { size: 5, acks: [5n, 3n], committed: true },
    { size: 5, acks: [2n, 3n, 4n, 5n], committed: true },
  ];
  for (const { size, acks, committed } of cases) {
    const what = `${size} members, acks from ${acks.join(",") || "nobody"}`;
    const leader = establishedLeader(ids(size));
    leader.node.propose(bytes("x"));
    leader.drain();
    const index = leader.node.status().lastIndex;
    for (const from of acks) {
      leader.step({ type: "MsgAppResp", from, term: leader.term, index });
    }
    assert.equal(leader.commit, committed ? index : index - 1, what);
    const applied = leader.readies.flatMap((r) => r.committedEntries).map((e) => e.index);
    assert.equal(applied.includes(index), committed, `${what}: applied only once committed`);
  }
});

Deno.test("§5.3 the leader counts its own copy toward the majority only once it is durable", () => {
  const leader = establishedLeader(V3);
  leader.node.propose(bytes("x"));
  // A follower's acknowledgement arrives before the leader has persisted its own entry.
  leader.node.step(message({ type: "MsgAppResp", from: 2n, to: 1n, term: 1, index: B + 2 }));
  assert.equal(leader.commit, B + 1, "one of three copies is durable");
  const rd = leader.node.ready();
  assert.deepEqual(rd.committedEntries, []);
  leader.storage.append(rd.entries);
  leader.node.advance();
  assert.equal(leader.commit, B + 2, "the leader's durable copy completes the majority");
  leader.drain();
  assert.deepEqual(
    leader.readies.flatMap((r) => r.committedEntries).map((e) => e.index),
    [B + 1, B + 2],
  );
});

Deno.test("§5.3 followers apply committed entries exactly once and in log order", () => {
  const net = new TestNetwork(V3);
  net.campaign(1n);
  for (const data of ["a", "b", "c"]) net.propose(1n, data);
  net.propose(2n, "d"); // forwarded to the leader
  net.cut(1n, 3n); // 3 falls behind ...
  net.propose(1n, "e");
  net.propose(1n, "f");
  assert.deepEqual(net.appliedData(3n), ["a", "b", "c", "d"]);
  net.recover(); // ... and catches up with the next message
  net.propose(1n, "g");
  for (const id of V3) {
    assert.deepEqual(net.appliedData(id), ["a", "b", "c", "d", "e", "f", "g"], `member ${id}`);
    const indexes = net.member(id).applied.map((e) => e.index);
    for (let i = 1; i < indexes.length; i++) {
      assert.equal(indexes[i], indexes[i - 1]! + 1, `member ${id} applies in index order`);
    }
  }
});

Deno.test("§5.3 a follower rejects MsgApp whose previous entry it lacks or holds with another term", () => {
  // The follower's log holds terms [1, 2] at indexes B + 1..B + 2; B + 1 is committed.
  const cases: {
    index: number;
    logTerm: number;
    reject: boolean;
    respIndex: number;
    hint?: [number, number];
  }[] = [
    // behind our commit (the bootstrap snapshot): tell the commit
    { index: B, logTerm: 0, reject: false, respIndex: B + 1 },
    { index: B + 1, logTerm: 1, reject: false, respIndex: B + 1 },
    { index: B + 2, logTerm: 2, reject: false, respIndex: B + 2 },
    // term mismatch
    { index: B + 1, logTerm: 2, reject: true, respIndex: B + 1, hint: [B + 1, 1] },
    { index: B + 2, logTerm: 3, reject: true, respIndex: B + 2, hint: [B + 2, 2] },
    // beyond our log, and far beyond
    { index: B + 3, logTerm: 3, reject: true, respIndex: B + 3, hint: [B + 2, 2] },
    { index: B + 9, logTerm: 2, reject: true, respIndex: B + 9, hint: [B + 2, 2] },
  ];
  for (const c of cases) {
    const what = `MsgApp after (${c.index}, ${c.logTerm})`;
    const peer = new Peer(1n, V3, { log: [1, 2], term: 2, commit: B + 1 });
    const out = peer.step({
      type: "MsgApp",
      from: 2n,
      term: 2,
      index: c.index,
      logTerm: c.logTerm,
      commit: B + 1,
    });
    assert.equal(out.length, 1, what);
    const resp = out[0]!;
    assert.equal(resp.type, "MsgAppResp", what);
    assert.equal(resp.reject, c.reject, what);
    assert.equal(resp.index, c.respIndex, what);
    if (c.hint !== undefined) assert.deepEqual([resp.rejectHint, resp.logTerm], c.hint, what);
    assert.deepEqual(peer.storedTerms(), [1, 2], `${what}: a rejected MsgApp changes nothing`);
  }
});

Deno.test("§5.3 the leader backs off a whole divergent term per rejection, not one entry per round trip", () => {
  const cases = [
    { staleEntries: 30, newEntries: 30 },
    { staleEntries: 60, newEntries: 5 },
    { staleEntries: 5, newEntries: 60 },
  ];
  for (const { staleEntries, newEntries } of cases) {
    const what = `${staleEntries} stale entries of term 1 vs ${newEntries} entries of term 2`;
    const net = new TestNetwork(V3);
    net.campaign(1n);
    // 1 leads term 1 but is cut off: its proposals stay in its log only.
    net.isolate(1n);
    for (let i = 0; i < staleEntries; i++) net.propose(1n, `stale${i}`);
    // 2 leads term 2 with 3; its entries diverge from 1's right after 1's empty entry (B + 1).
    net.campaign(2n);
    for (let i = 0; i < newEntries; i++) net.propose(2n, `new${i}`);
    // 2 is elected again (term 3), so it starts probing 1 right after its own last index.
    net.member(2n).restart();
    net.campaign(2n);
    assert.deepEqual(net.leaders().sort(), [1n, 2n]);
    assert.equal(net.member(2n).node.status().hardState.term, 3);

    net.recover();
    const before = net.delivered.length;
    net.tick(2n); // a heartbeat: 1 learns of term 3 and 2 starts probing it
    const exchanged = net.delivered.slice(before).filter((m) =>
      (m.from === 2n && m.to === 1n && m.type === "MsgApp") ||
      (m.from === 1n && m.to === 2n && m.type === "MsgAppResp")
    );
    const rejections = exchanged.filter((m) => m.type === "MsgAppResp" && m.reject).length;
    const appends = exchanged.filter((m) => m.type === "MsgApp").length;
    assert.ok(rejections >= 1, `${what}: 1's log diverged, so the first probe is rejected`);
    assert.ok(rejections <= 2, `${what}: ${rejections} rejections`);
    assert.ok(appends <= 4, `${what}: ${appends} MsgApp round trips`);
    const leaderLog = net.member(2n).storage;
    const followerLog = net.member(1n).storage;
    assert.equal(followerLog.lastIndex(), leaderLog.lastIndex(), what);
    for (let i = B; i <= leaderLog.lastIndex(); i++) {
      assert.equal(followerLog.term(i), leaderLog.term(i), `${what}: index ${i}`);
    }
    assert.deepEqual(
      net.appliedData(1n).slice(-newEntries),
      Array.from({ length: newEntries }, (_, i) => `new${i}`),
      what,
    );
  }
});

Deno.test("§5.3 a follower deletes a conflicting suffix and appends the leader's entries (bug keepConflictingSuffix keeps it)", () => {
  // The follower holds terms [1, 1, 1] at B + 1..B + 3; the leader of term 2 sends entries
  // after (index, logTerm).
  const cases: {
    index: number;
    entries: Entry[];
    want: number[];
    wantWithBug: number[];
  }[] = [
    { index: B + 1, entries: [entry(B + 2, 2)], want: [1, 2], wantWithBug: [1, 1, 1] },
    {
      index: B + 2,
      entries: [entry(B + 3, 2), entry(B + 4, 2)],
      want: [1, 1, 2, 2],
      wantWithBug: [1, 1, 1, 2],
    },
    { index: B + 3, entries: [entry(B + 4, 2)], want: [1, 1, 1, 2], wantWithBug: [1, 1, 1, 2] },
    // Entries the follower already holds: a stale MsgApp must not truncate the tail.
    { index: B + 1, entries: [entry(B + 2, 1)], want: [1, 1, 1], wantWithBug: [1, 1, 1] },
  ];
  for (const c of cases) {
    for (const bugs of [[], ["keepConflictingSuffix"]] as RaftBug[][]) {
      const what = `after ${c.index}: ${c.entries.map((e) => `${e.index}@${e.term}`)} bugs=${bugs}`;
      const peer = new Peer(1n, V3, { log: [1, 1, 1], term: 2, commit: B + 1, bugs });
      const out = peer.step({
        type: "MsgApp",
        from: 2n,
        term: 2,
        index: c.index,
        logTerm: 1,
        entries: c.entries,
        commit: B + 1,
      });
      assert.equal(out[0]!.reject, false, what);
      assert.equal(out[0]!.index, c.index + c.entries.length, what);
      assert.deepEqual(peer.storedTerms(), bugs.length === 0 ? c.want : c.wantWithBug, what);
    }
  }
});

Deno.test("§5.3 a follower commits only up to the last entry the leader's MsgApp vouches for", () => {
  // The follower holds terms [1, 1, 1] at B + 1..B + 3, none committed (only the bootstrap
  // snapshot is); the leader's commit index may be ahead.
  const cases: { index: number; entries: Entry[]; commit: number; want: number }[] = [
    { index: B + 1, entries: [], commit: B + 3, want: B + 1 }, // B + 2, B + 3 not vouched for
    { index: B + 1, entries: [entry(B + 2, 1)], commit: B + 3, want: B + 2 },
    { index: B + 3, entries: [], commit: B + 3, want: B + 3 },
    // the leader's commit is the bound
    { index: B + 3, entries: [entry(B + 4, 1)], commit: B + 2, want: B + 2 },
    { index: B + 3, entries: [entry(B + 4, 1)], commit: B + 9, want: B + 4 },
  ];
  for (const c of cases) {
    const what = `after ${c.index} with ${c.entries.length} entries, leader commit ${c.commit}`;
    const peer = new Peer(1n, V3, { log: [1, 1, 1], term: 1 });
    peer.step({
      type: "MsgApp",
      from: 2n,
      term: 1,
      index: c.index,
      logTerm: 1,
      entries: c.entries,
      commit: c.commit,
    });
    assert.equal(peer.commit, c.want, what);
    assert.equal(peer.storage.hardState().commit, c.want, what);
  }
});

Deno.test("§5.3 a heartbeat never lets a follower commit past what the leader knows it holds", () => {
  const net = new TestNetwork(V3);
  net.campaign(1n);
  net.filter = (m) => !(m.type === "MsgApp" && m.to === 3n); // 3 receives no entries
  for (const data of ["a", "b", "c"]) net.propose(1n, data);
  const leaderCommit = net.member(1n).node.status().commit;
  assert.equal(leaderCommit, B + 4, "the empty entry and a, b, c");
  const before = net.delivered.length;
  net.tick(1n);
  const beats = net.delivered.slice(before).filter((m) => m.type === "MsgHeartbeat");
  assert.deepEqual(beats.map((m) => [m.to, m.commit]), [[2n, B + 4], [3n, B + 1]]);
  const lagging = net.member(3n).node.status();
  assert.equal(lagging.lastIndex, B + 1);
  assert.equal(lagging.commit, B + 1);
  net.recover();
  net.tick(1n);
  assert.equal(net.member(3n).node.status().commit, leaderCommit);
  assert.deepEqual(net.appliedData(3n), ["a", "b", "c"]);
});

// ---- §5.4 safety ---------------------------------------------------------------------------

Deno.test("§5.4.2 a new leader appends an empty entry of its term; committing it commits older entries", () => {
  const net = new TestNetwork(V3);
  net.campaign(1n);
  net.propose(1n, "a");
  // "b" reaches 2, but 1 never hears back and 3 never gets it: stored, not committed.
  net.cut(1n, 3n);
  net.filter = (m) => !(m.type === "MsgAppResp" && m.from === 2n);
  net.propose(1n, "b");
  assert.equal(net.member(1n).node.status().commit, B + 2);
  assert.equal(net.member(2n).node.status().lastIndex, B + 3);
  assert.deepEqual(net.appliedData(2n), ["a"]);

  net.recover();
  net.campaign(2n);
  assert.deepEqual(net.leaders(), [2n]);
  const leaderLog = net.member(2n).storage;
  const last = leaderLog.lastIndex();
  assert.equal(last, B + 4);
  const [empty] = leaderLog.entries(last, last + 1, Infinity);
  assert.equal(empty!.term, 2);
  assert.equal(empty!.data.byteLength, 0);
  for (const id of V3) {
    assert.equal(net.member(id).node.status().commit, B + 4, `member ${id}`);
    assert.deepEqual(net.appliedData(id).slice(-2), ["a", "b"], `member ${id} applied b`);
  }
});

Deno.test("§5.4.1 a voter refuses a candidate whose log is less up to date (bug noUpToDateCheck grants it)", () => {
  // The voter's log holds terms [1, 2]: last index B + 2, last term 2.
  const cases: { type: "MsgVote" | "MsgPreVote"; index: number; logTerm: number; ok: boolean }[] = [
    { type: "MsgVote", index: B + 2, logTerm: 2, ok: true },
    { type: "MsgVote", index: B + 3, logTerm: 2, ok: true },
    { type: "MsgVote", index: B + 1, logTerm: 3, ok: true },
    { type: "MsgVote", index: B + 1, logTerm: 2, ok: false }, // same last term, shorter
    { type: "MsgVote", index: B + 5, logTerm: 1, ok: false }, // longer, but an older last term
    { type: "MsgVote", index: B, logTerm: 0, ok: false }, // only the bootstrap snapshot
    { type: "MsgPreVote", index: B + 1, logTerm: 2, ok: false },
    { type: "MsgPreVote", index: B + 2, logTerm: 2, ok: true },
  ];
  for (const c of cases) {
    for (const bugs of [[], ["noUpToDateCheck"]] as RaftBug[][]) {
      const what = `${c.type} with (${c.index}, ${c.logTerm}) bugs=${bugs}`;
      const peer = new Peer(1n, V3, { log: [1, 2], term: 2, commit: B + 1, preVote: true, bugs });
      const out = peer.step({
        type: c.type,
        from: 2n,
        term: 3,
        index: c.index,
        logTerm: c.logTerm,
      });
      const resp = out.find((m) =>
        m.type === (c.type === "MsgVote" ? "MsgVoteResp" : "MsgPreVoteResp")
      );
      assert.ok(resp !== undefined, what);
      const granted = bugs.length === 0 ? c.ok : true;
      assert.equal(resp.reject, !granted, what);
      if (c.type === "MsgVote") {
        assert.equal(peer.storage.hardState().vote, granted ? 2n : NONE, what);
      }
    }
  }
});

Deno.test("§5.4.1 a member that missed committed entries cannot become leader (bug noUpToDateCheck lets it)", () => {
  for (const bugs of [[], ["noUpToDateCheck"]] as RaftBug[][]) {
    const net = new TestNetwork(V3, { config: { bugs: new Set(bugs) } });
    net.campaign(1n);
    net.cut(1n, 3n);
    net.propose(1n, "a");
    net.propose(1n, "b");
    assert.equal(net.member(1n).node.status().commit, B + 3, "committed by 1 and 2");
    assert.equal(net.member(3n).node.status().lastIndex, B + 1, "3 missed them");
    // 3 campaigns; only 2 can hear it. Keep its entries from reaching 2 in the buggy run.
    net.filter = (m) => !(m.type === "MsgApp" && m.from === 3n);
    net.campaign(3n);
    const status = net.member(3n).node.status();
    if (bugs.length === 0) {
      assert.equal(status.softState.raftState, "candidate");
      assert.equal(net.member(2n).node.status().hardState.vote, NONE, "2 refused its vote");
      assert.deepEqual(net.leaders(), [1n]);
    } else {
      assert.equal(status.softState.raftState, "leader", "elected without the committed entries");
      assert.equal(net.member(2n).node.status().hardState.vote, 3n);
      // Its log lacks the committed "a" and "b" at B + 2 and B + 3: it would overwrite them.
      assert.equal(net.member(3n).storage.term(B + 2), status.hardState.term);
      assert.equal(net.member(2n).storage.term(B + 2), 1);
      assert.deepEqual(net.appliedData(2n), ["a", "b"]);
    }
  }
});

Deno.test("§5.4.2 an old-term entry stored on a majority is not committed by counting (figure 8; bug commitOldTermByCounting does)", () => {
  for (const bugs of [[], ["commitOldTermByCounting"]] as RaftBug[][]) {
    const buggy = bugs.length > 0;
    // One entry per MsgApp, so an old entry can travel without the new leader's empty entry.
    const net = new TestNetwork(V3, {
      config: { bugs: new Set(bugs), maxSizePerMsgBytes: 1 },
    });
    net.campaign(1n);
    assert.equal(net.member(1n).node.status().commit, B + 1);

    // (a) Term 1: leader 1 appends "x" at B + 2 but is cut off before replicating it.
    net.isolate(1n);
    net.propose(1n, "x");
    assert.equal(net.member(1n).storage.term(B + 2), 1);

    // (b) Term 2: 2 is elected by 3 and appends its empty entry at B + 2, which 3 never gets.
    net.ignore("MsgApp");
    net.campaign(2n);
    assert.equal(net.member(2n).node.status().softState.raftState, "leader");
    assert.equal(net.member(2n).storage.term(B + 2), 2);
    assert.equal(net.member(3n).storage.lastIndex(), B + 1);

    // (c) 1 restarts and is elected (term 3) by 3; it replicates "x" to 3 but its own empty
    // entry (B + 3, term 3) is held back once 3 stores "x".
    net.recover();
    net.isolate(2n);
    net.member(1n).restart();
    net.filter = (m) =>
      !(m.type === "MsgApp" && m.from === 1n && m.to === 3n &&
        m.entries.some((e) => e.term === 3) && net.member(3n).storage.lastIndex() >= B + 2);
    net.campaign(1n); // rejected by 3, which voted for 2 in term 2
    net.campaign(1n);
    const leader = net.member(1n).node.status();
    assert.equal(leader.softState.raftState, "leader");
    assert.equal(leader.hardState.term, 3);
    assert.equal(net.member(3n).storage.term(B + 2), 1, "3 stores x");
    assert.equal(leader.progress?.get(3n)?.match, B + 2, "the leader knows x is on 1 and 3");
    assert.equal(net.member(3n).storage.lastIndex(), B + 2, "3 lacks the term-3 entry");

    if (!buggy) {
      assert.equal(leader.commit, B + 1, "x (term 1) is not committed by counting in term 3");
      assert.deepEqual(net.appliedData(1n), []);
      // Once an entry of term 3 is on a majority, x is committed with it.
      net.filter = null;
      net.tick(1n);
      assert.equal(net.member(1n).node.status().commit, B + 3);
      assert.deepEqual(net.appliedData(1n), ["x"]);
      assert.deepEqual(net.appliedData(3n), ["x"]);
      continue;
    }

    assert.equal(leader.commit, B + 2, "commitOldTermByCounting: x committed by counting");
    assert.deepEqual(net.appliedData(1n), ["x"]);
    // (d) Why that is unsafe: 2 (last entry term 2 beats 3's term 1) is elected by 3 and
    // commits its own entry at B + 2, overwriting x on 3.
    net.recover();
    net.isolate(1n);
    net.member(2n).restart();
    net.campaign(2n); // term 3: 3 already voted for 1
    net.campaign(2n); // term 4: elected
    const newLeader = net.member(2n).node.status();
    assert.equal(newLeader.softState.raftState, "leader");
    assert.ok(newLeader.commit >= B + 2);
    assert.equal(net.member(2n).storage.term(B + 2), 2);
    assert.equal(net.member(3n).storage.term(B + 2), 2, "x was overwritten on 3");
    // Two different entries are committed at B + 2: a safety violation.
    assert.equal(net.member(1n).storage.term(B + 2), 1);
    assert.ok(net.member(1n).node.status().commit >= B + 2);
  }
});
