/**
 * The Ready loop's ordering rules, on a follower with an in-memory disk whose
 * fdatasync the test holds: committed entries are applied while the sync
 * runs, but nothing is acknowledged before it ends; forwarded proposals go
 * one batch per leader message (a busy follower does not send one MsgProp per
 * request).
 */

import assert from "node:assert/strict";
import { EMPTY_CONF_STATE, type Entry, type Message, message } from "../raft/types.ts";
import { MemFileSystem } from "../storage/mem_fs.ts";
import { DiskStorage } from "../storage/raft_storage.ts";
import { SeededPrng } from "../util/prng.ts";
import { encodeRequest } from "./entry_codec.ts";
import { RaftNode, type RaftNodeHooks } from "./raft_node.ts";
import { StateMachine, type StateSnapshotWriter } from "./state_machine.ts";
import {
  snapshotIdleSliceMs,
  snapshotStepBytes,
  snapshotTimeSharePercent,
} from "../util/limits.ts";

const encoder = new TextEncoder();

interface Harness {
  readonly node: RaftNode;
  readonly sent: Message[];
  readonly applied: string[];
  /** Syncs waiting for the test to let them finish. */
  readonly heldSyncs: (() => void)[];
  holdSyncs: boolean;
}

function putEntry(index: number, id: string): Entry {
  const data = encodeRequest({
    kind: "put",
    id,
    request: {
      key: encoder.encode(id),
      value: encoder.encode("v"),
      lease: 0n,
      prevKv: false,
      ignoreValue: false,
      ignoreLease: false,
    },
  });
  return { term: 1, index, type: "normal", data };
}

/** Member 1 of voters 1, 2, 3 with an empty log after the bootstrap entry (index 1). */
function follower(
  snapshotCount = 100_000,
  machine = StateMachine.create([], { quotaBytes: 1 << 30 }),
): Harness {
  const fs = new MemFileSystem();
  const storage = DiskStorage.create(fs, "m", { memberId: 1n, clusterId: 9n });
  storage.bootstrap({ ...EMPTY_CONF_STATE, voters: [1n, 2n, 3n] });
  storage.syncSync();
  const harness: Harness = {
    node: null as unknown as RaftNode,
    sent: [],
    applied: [],
    heldSyncs: [],
    holdSyncs: false,
  };
  fs.asyncGate = (op) => {
    if (op.kind !== "sync" || !harness.holdSyncs) return;
    return new Promise<void>((resolve) => harness.heldSyncs.push(resolve));
  };
  const hooks: RaftNodeHooks = {
    onApplied: (request) => harness.applied.push(request.id),
    onReadStates: () => {},
    onSoftState: () => {},
    onAppliedUpTo: () => {},
    onSnapshotApplied: () => {},
    onConfChange: () => {},
    onFatal: (error) => {
      throw error;
    },
    restoreMachine: () => {
      throw new Error("no snapshot expected");
    },
  };
  const node = new RaftNode({
    id: 1n,
    storage,
    machine,
    electionTicks: 10,
    heartbeatTicks: 1,
    prng: new SeededPrng(3),
    snapshotPolicy: { snapshotCount, catchUpEntries: 5_000 },
    transport: { send: (messages) => harness.sent.push(...messages) },
    hooks,
    pendingProposalsMax: 100,
  });
  (harness as { node: RaftNode }).node = node;
  return harness;
}

/** Lets the loop run until `done()` holds (at most about a second). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((r) => setTimeout(r, 1));
  assert.ok(done(), "condition not reached");
}

/** Lets the loop run a while (for asserting that something does not happen). */
function settle(): Promise<void> {
  return new Promise((r) => setTimeout(r, 20));
}

function heartbeatFrom2(): Message {
  return message({ type: "MsgHeartbeat", from: 2n, to: 1n, term: 1, commit: 0 });
}

/** The leader's entries 2 and 3 ("a.1", "a.2"), already committed by its quorum. */
function committedPutsFrom2(): Message {
  return message({
    type: "MsgApp",
    from: 2n,
    to: 1n,
    term: 1,
    index: 1,
    logTerm: 0, // the bootstrap snapshot's
    commit: 3,
    entries: [putEntry(2, "a.1"), putEntry(3, "a.2")],
  });
}

Deno.test("raft node: a follower applies committed entries during its fdatasync, acknowledges after it", async () => {
  const h = follower();
  h.node.start();
  try {
    h.node.step(heartbeatFrom2());
    // Its answer leaves once the new term is synced: that Ready is done.
    await until(() => h.sent.some((m) => m.type === "MsgHeartbeatResp"));
    h.sent.length = 0;
    h.holdSyncs = true;
    h.node.step(committedPutsFrom2());
    await until(() => h.heldSyncs.length > 0);
    await until(() => h.applied.length === 2);
    assert.deepEqual(h.applied, ["a.1", "a.2"], "applied while the sync is held");
    await settle();
    assert.deepEqual(h.sent.filter((m) => m.type === "MsgAppResp"), [], "no ack before the sync");
    h.holdSyncs = false;
    h.heldSyncs.splice(0).forEach((release) => release());
    await until(() => h.sent.some((m) => m.type === "MsgAppResp"));
    const ack = h.sent.find((m) => m.type === "MsgAppResp")!;
    assert.equal(ack.index, 3);
    assert.equal(ack.to, 2n);
  } finally {
    h.holdSyncs = false;
    h.heldSyncs.splice(0).forEach((release) => release());
    await h.node.stop();
  }
});

Deno.test("raft node: a follower forwards one MsgProp per leader message, holding the rest meanwhile", async () => {
  const h = follower();
  h.node.start();
  const data = (word: string) => encoder.encode(word);
  const dropped: string[] = [];
  const propose = (word: string) => h.node.propose(data(word), (e) => dropped.push(e.message));
  const forwarded = () =>
    h.sent.filter((m) => m.type === "MsgProp").map((m) =>
      m.entries.map((e) => new TextDecoder().decode(e.data))
    );
  try {
    h.node.step(heartbeatFrom2());
    await until(() => h.node.leader === 2n);
    propose("a");
    await until(() => forwarded().length === 1);
    propose("b");
    propose("c");
    await settle();
    assert.deepEqual(forwarded(), [["a"]], "b and c wait for the leader");
    h.node.step(heartbeatFrom2());
    await until(() => forwarded().length === 2);
    assert.deepEqual(forwarded(), [["a"], ["b", "c"]]);
    // A tick (every heartbeat interval) also lets held proposals go.
    propose("d");
    await settle();
    assert.equal(forwarded().length, 2);
    h.node.tick();
    await until(() => forwarded().length === 3);
    assert.deepEqual(forwarded()[2], ["d"]);
    assert.deepEqual(dropped, []);
    assert.ok(h.sent.filter((m) => m.type === "MsgProp").every((m) => m.to === 2n));
  } finally {
    await h.node.stop();
  }
});

/** A state machine whose snapshots take `step` for each step (given the real writer). */
function withSnapshotSteps(
  step: (writer: StateSnapshotWriter, budget: number) => boolean,
): StateMachine {
  const machine = StateMachine.create([], { quotaBytes: 1 << 30 });
  const begin = machine.beginSnapshot.bind(machine);
  machine.beginSnapshot = () => {
    const writer = begin();
    return {
      index: writer.index,
      step: (budget) => step(writer, budget),
      result: () => writer.result(),
      cancel: () => writer.cancel(),
    };
  };
  return machine;
}

/** A follower that snapshots after every entry, started on `machine` and given a few puts. */
function snapshottingFollower(machine: StateMachine): Harness {
  const h = follower(1, machine);
  h.node.start();
  h.node.step(heartbeatFrom2());
  h.node.step(committedPutsFrom2());
  return h;
}

Deno.test("raft node: a snapshot is encoded in small steps, and an idle member takes many per turn", async () => {
  const budgets: number[] = [];
  const stepsOfLargeStore = 5_000;
  // Unfinished for thousands of steps, as a large store would be.
  const machine = withSnapshotSteps((writer, budget) => (
    budgets.push(budget), writer.step(budget) && budgets.length > stepsOfLargeStore
  ));
  const h = snapshottingFollower(machine);
  try {
    // One step per timer turn would need thousands of turns (seconds): `until` gives up sooner.
    await until(() => budgets.length > stepsOfLargeStore);
    assert.ok(budgets.every((budget) => budget === snapshotStepBytes));
    assert.ok(snapshotStepBytes <= 64 * 1024, "a step after a Ready stays small");
  } finally {
    await h.node.stop();
  }
});

Deno.test("raft node: snapshot steps take at most their share of the time, however slow each one is", async () => {
  const stepMs = 2; // a slow step: a cold JIT, or records spread over the heap
  let steps = 0;
  let firstStepAt = 0;
  const machine = withSnapshotSteps((writer, budget) => {
    if (steps++ === 0) firstStepAt = performance.now();
    const until = performance.now() + stepMs;
    while (performance.now() < until); // busy, as encoding is
    writer.step(budget);
    return false; // never finishes: a huge store
  });
  const h = snapshottingFollower(machine);
  try {
    await until(() => steps > 0);
    await new Promise((resolve) => setTimeout(resolve, 400));
    const elapsedMs = performance.now() - firstStepAt;
    // Steps may take snapshotTimeSharePercent of the time since the first,
    // plus one idle slice and the step that crossed the line.
    const allowedMs = (elapsedMs * snapshotTimeSharePercent) / 100 + snapshotIdleSliceMs + stepMs;
    assert.ok(steps * stepMs <= allowedMs, `${steps} steps of ${stepMs} ms in ${elapsedMs} ms`);
    assert.ok(steps >= 3, `${steps} steps: the snapshot still progresses`);
  } finally {
    await h.node.stop();
  }
});
