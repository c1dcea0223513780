import assert from "node:assert/strict";
import { type Entry, type HardState, MemoryStorage, message } from "../../src/raft/mod.ts";
import { Checker, type InvariantName } from "./checkers.ts";

const encoder = new TextEncoder();

function entry(index: number, term: number, data = ""): Entry {
  return { index, term, type: "normal", data: encoder.encode(data) };
}

/** A durable log holding entries of the given terms from index 1, and a hard state. */
function log(terms: readonly number[], hardState?: Partial<HardState>): MemoryStorage {
  const storage = new MemoryStorage();
  storage.append(terms.map((term, i) => entry(i + 1, term, `e${i + 1}.${term}`)));
  const last = terms[terms.length - 1] ?? 0;
  storage.setHardState({ term: last, vote: 0n, commit: 0, ...hardState });
  return storage;
}

function invariants(checker: Checker): InvariantName[] {
  return checker.violations.map((v) => v.invariant);
}

Deno.test("Checker electionSafety fires on two leaders in one term, across roles and restarts", () => {
  const checker = new Checker();
  checker.roleObserved(1n, "leader", 5, log([5]));
  checker.roleObserved(1n, "down", 5, log([5]));
  checker.roleObserved(1n, "leader", 5, log([5]));
  assert.deepEqual(invariants(checker), []);
  checker.roleObserved(2n, "leader", 5, log([5]));
  assert.deepEqual(invariants(checker), ["electionSafety"]);
});

Deno.test("Checker leaderAppendOnly fires when a leader rewrites or replaces its log", () => {
  const checker = new Checker();
  const storage = log([1, 2, 2]);
  checker.leaderAppending(1n, 2, [entry(4, 2)], storage);
  assert.deepEqual(invariants(checker), []);
  checker.leaderAppending(1n, 2, [entry(3, 2, "other")], storage);
  const snapshot = {
    data: new Uint8Array(),
    metadata: { ...storage.snapshot().metadata, index: 9 },
  };
  checker.leaderInstallingSnapshot(1n, 2, snapshot);
  assert.deepEqual(invariants(checker), ["leaderAppendOnly", "leaderAppendOnly"]);
});

Deno.test("Checker logMatching fires on same index and term with another predecessor or data", () => {
  const checker = new Checker();
  const a = log([1, 1, 2]);
  checker.entriesPersisted(1n, [entry(1, 1, "e1.1"), entry(2, 1, "e2.1"), entry(3, 2, "e3.2")], a);
  const b = log([1, 1, 2]);
  checker.entriesPersisted(2n, [entry(2, 1, "e2.1"), entry(3, 2, "e3.2")], b);
  assert.deepEqual(invariants(checker), []);
  const c = log([1, 3, 2]);
  checker.entriesPersisted(3n, [entry(3, 2, "e3.2")], c);
  assert.deepEqual(invariants(checker), ["logMatching"]);
  checker.entriesPersisted(4n, [entry(1, 1, "different")], log([1]));
  assert.deepEqual(invariants(checker), ["logMatching", "logMatching"]);
});

Deno.test("Checker logMatchingPairwise fires when logs agree at an index but differ before it", () => {
  const checker = new Checker();
  checker.logMatchingPairwise([[1n, log([1, 1, 2])], [2n, log([1, 1, 3, 3])], [3n, log([1])]]);
  assert.deepEqual(invariants(checker), []);
  checker.logMatchingPairwise([[1n, log([1, 1, 2])], [2n, log([1, 2, 2])]]);
  assert.deepEqual(invariants(checker), ["logMatching"]);
});

Deno.test("Checker leaderCompleteness fires when a later leader lacks a committed entry", () => {
  const checker = new Checker();
  checker.committed(2, 1, 1);
  checker.roleObserved(2n, "leader", 2, log([1, 1]));
  assert.deepEqual(invariants(checker), []);
  checker.roleObserved(3n, "leader", 3, log([1, 3]));
  assert.deepEqual(invariants(checker), ["leaderCompleteness"]);
});

Deno.test("Checker leaderCompleteness fires when an entry is committed that a later-term leader lacks", () => {
  const checker = new Checker();
  checker.roleObserved(3n, "leader", 4, log([1]));
  checker.committed(2, 2, 2);
  assert.deepEqual(invariants(checker), ["leaderCompleteness"]);
});

Deno.test("Checker stateMachineSafety fires on two entries applied or committed at one index", () => {
  const checker = new Checker();
  checker.applied(1n, entry(1, 1, "a"), 11, 1, 1);
  checker.applied(2n, entry(1, 1, "a"), 11, 1, 1);
  assert.deepEqual(invariants(checker), []);
  checker.applied(3n, entry(1, 2, "b"), 12, 1, 2);
  assert.equal(checker.violations.length, 2, "another entry applied, and committed, at index 1");
  checker.applied(4n, entry(1, 1, "a"), 99, 1, 1);
  assert.equal(checker.violations.length, 3, "same entry, other state");
  checker.committed(5, 3, 3);
  checker.committed(5, 4, 4);
  assert.equal(checker.violations.length, 4, "two terms committed at index 5");
  checker.appliedOutOfOrder(1n, 3, 2);
  assert.equal(checker.violations.length, 5);
  assert.ok(invariants(checker).every((name) => name === "stateMachineSafety"));
});

Deno.test("Checker commitMonotonic fires on a falling commit, one past the log, or apply past it", () => {
  const checker = new Checker();
  const storage = log([1, 1, 1]);
  checker.hardStatePersisted(
    1n,
    { term: 1, vote: 0n, commit: 1 },
    { term: 1, vote: 0n, commit: 3 },
    storage,
  );
  assert.deepEqual(invariants(checker), []);
  checker.hardStatePersisted(
    1n,
    { term: 1, vote: 0n, commit: 3 },
    { term: 1, vote: 0n, commit: 2 },
    storage,
  );
  checker.hardStatePersisted(
    1n,
    { term: 1, vote: 0n, commit: 2 },
    { term: 1, vote: 0n, commit: 9 },
    storage,
  );
  checker.applied(1n, entry(3, 1), 1, 2, 1);
  assert.deepEqual(invariants(checker), ["commitMonotonic", "commitMonotonic", "commitMonotonic"]);
});

Deno.test("Checker durableTermVote fires on a falling term or a changed vote in one term", () => {
  const checker = new Checker();
  const storage = log([2]);
  checker.hardStatePersisted(
    1n,
    { term: 2, vote: 0n, commit: 0 },
    { term: 2, vote: 3n, commit: 0 },
    storage,
  );
  assert.deepEqual(invariants(checker), []);
  checker.hardStatePersisted(
    1n,
    { term: 2, vote: 3n, commit: 0 },
    { term: 2, vote: 4n, commit: 0 },
    storage,
  );
  checker.hardStatePersisted(
    1n,
    { term: 3, vote: 0n, commit: 0 },
    { term: 2, vote: 0n, commit: 0 },
    storage,
  );
  assert.deepEqual(invariants(checker), ["durableTermVote", "durableTermVote"]);
});

Deno.test("Checker oneVotePerTerm fires on votes for two candidates in one term across restarts", () => {
  const checker = new Checker();
  const vote = (to: bigint) => message({ type: "MsgVoteResp", from: 1n, to, term: 3 });
  checker.messageSent(1n, vote(2n), log([1], { term: 3, vote: 2n }));
  checker.messageSent(1n, vote(2n), log([1], { term: 3, vote: 2n }));
  assert.deepEqual(invariants(checker), []);
  checker.messageSent(1n, vote(4n), log([1], { term: 3, vote: 4n }));
  assert.deepEqual(invariants(checker), ["oneVotePerTerm"]);
});

Deno.test("Checker sentBeforePersisted fires on a vote, term or ack that is not durable", () => {
  const checker = new Checker();
  const durable = log([1, 1], { term: 3, vote: 0n });
  checker.messageSent(1n, message({ type: "MsgVoteResp", from: 1n, to: 2n, term: 3 }), durable);
  checker.messageSent(
    1n,
    message({ type: "MsgHeartbeatResp", from: 1n, to: 2n, term: 4 }),
    durable,
  );
  checker.messageSent(
    1n,
    message({ type: "MsgAppResp", from: 1n, to: 2n, term: 3, index: 5 }),
    durable,
  );
  checker.messageSent(1n, message({ type: "MsgPreVote", from: 1n, to: 2n, term: 4 }), durable);
  assert.deepEqual(invariants(checker), [
    "sentBeforePersisted",
    "sentBeforePersisted",
    "sentBeforePersisted",
  ]);
});

Deno.test("Checker sentBeforePersisted fires on an ack for an entry that differs from the leader's", () => {
  const checker = new Checker();
  checker.roleObserved(2n, "leader", 3, log([1, 3]));
  const ack = message({ type: "MsgAppResp", from: 1n, to: 2n, term: 3, index: 2 });
  checker.messageSent(1n, ack, log([1, 3], { term: 3 }));
  assert.deepEqual(invariants(checker), []);
  checker.messageSent(1n, ack, log([1, 2], { term: 3 }));
  assert.deepEqual(invariants(checker), ["sentBeforePersisted"]);
});

Deno.test("Checker leaderCommitsOwnTerm fires when a leader commits an older-term entry by counting", () => {
  const checker = new Checker();
  const storage = log([1, 2, 4]);
  checker.leaderCommitted(1n, { term: 4, vote: 1n, commit: 3 }, storage);
  assert.deepEqual(invariants(checker), []);
  checker.leaderCommitted(1n, { term: 4, vote: 1n, commit: 2 }, storage);
  assert.deepEqual(invariants(checker), ["leaderCommitsOwnTerm"]);
});

Deno.test("Checker readFreshness fires on a read older than a write acknowledged before it", () => {
  const checker = new Checker();
  checker.writeAcked("k", 10);
  checker.writeAcked("j", 12);
  const read = checker.readIssued("k");
  checker.readIndexAnswered(1n, read, 12);
  checker.readReturned(1n, read, 10);
  assert.deepEqual(invariants(checker), []);
  checker.readIndexAnswered(1n, read, 11);
  checker.readReturned(1n, read, 7);
  assert.deepEqual(invariants(checker), ["readFreshness", "readFreshness"]);
});

Deno.test("Checker readIndexConfirmed needs a quorum of acks sent after the read arrived", () => {
  const checker = new Checker();
  const config = { voters: [1n, 2n, 3n], votersOutgoing: [] };
  const leaderLog = log([1, 2], { term: 2, commit: 2 });
  checker.readArrived(1n, 2, "r1", 100);
  checker.heartbeatAckReceived(1n, 2n, 2, 90);
  checker.readAnswered(1n, 2, "r1", config, leaderLog);
  assert.deepEqual(invariants(checker), ["readIndexConfirmed"]);
  checker.heartbeatAckReceived(1n, 3n, 2, 105);
  checker.readAnswered(1n, 2, "r1", config, leaderLog);
  assert.deepEqual(invariants(checker), ["readIndexConfirmed"]);
  const joint = { voters: [1n, 2n, 3n], votersOutgoing: [4n, 5n, 6n] };
  checker.readAnswered(1n, 2, "r1", joint, leaderLog);
  assert.deepEqual(invariants(checker), ["readIndexConfirmed", "readIndexConfirmed"]);
});

Deno.test("Checker readIndexConfirmed needs an entry of the leader's term committed", () => {
  const checker = new Checker();
  checker.readArrived(1n, 3, "r1", 100);
  checker.readAnswered(
    1n,
    3,
    "r1",
    { voters: [1n], votersOutgoing: [] },
    log([1, 2], { term: 3, commit: 2 }),
  );
  assert.deepEqual(invariants(checker), ["readIndexConfirmed"]);
});

Deno.test("Checker ignores disabled invariants", () => {
  const checker = new Checker(new Set(["electionSafety"]));
  checker.roleObserved(1n, "leader", 5, log([5]));
  checker.roleObserved(2n, "leader", 5, log([5]));
  assert.equal(checker.failed, false);
});
