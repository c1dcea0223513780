/**
 * The leader's broadcast is owed, not sent, while inputs are stepped: every
 * proposal and acknowledgement between two Readys costs one MsgApp per
 * follower, not one each (the per-message cost dominated a busy cluster:
 * about one MsgApp and one MsgAppResp per entry). Nothing is delayed past
 * the next Ready, where the messages would leave anyway.
 */

import assert from "node:assert/strict";
import { leaderOfThree, persistAll } from "./_test_network.ts";
import { ProposalDroppedError } from "./errors.ts";
import type { RawNode } from "./raw_node.ts";
import type { MemoryStorage } from "./storage.ts";
import { type Message, message } from "./types.ts";

const encoder = new TextEncoder();

/** Member 1 leading 1, 2, 3, both followers acknowledged up to its empty entry (replicate). */
function leaderOfThreeInSync(): {
  node: RawNode;
  storage: MemoryStorage;
  ack: (from: bigint) => void;
} {
  const { node, storage } = leaderOfThree();
  const ack = (from: bigint) =>
    node.step(
      message({ type: "MsgAppResp", from, to: 1n, term: 1, index: node.status().lastIndex }),
    );
  ack(2n);
  ack(3n);
  persistAll(node, storage);
  return { node, storage, ack };
}

function appsTo(messages: readonly Message[], to: bigint): Message[] {
  return messages.filter((m) => m.type === "MsgApp" && m.to === to);
}

Deno.test("broadcast: proposals stepped between two Readys go to each follower in one MsgApp", () => {
  const { node, storage } = leaderOfThreeInSync();
  const first = node.status().lastIndex + 1;
  for (const word of ["a", "b", "c", "d", "e"]) node.propose(encoder.encode(word));
  const sent = persistAll(node, storage);
  for (const follower of [2n, 3n]) {
    const apps = appsTo(sent, follower);
    assert.equal(apps.length, 1, `one MsgApp to ${follower}`);
    assert.deepEqual(apps[0]!.entries.map((e) => e.index), [0, 1, 2, 3, 4].map((i) => first + i));
    assert.deepEqual(
      apps[0]!.entries.map((e) => new TextDecoder().decode(e.data)),
      ["a", "b", "c", "d", "e"],
    );
  }
});

Deno.test("broadcast: proposeBatch appends all its entries in one step, or none", () => {
  const { node, storage } = leaderOfThreeInSync();
  const before = node.status().lastIndex;
  node.proposeBatch(["x", "y", "z"].map((word) => encoder.encode(word)));
  assert.equal(node.status().lastIndex, before + 3);
  const sent = persistAll(node, storage);
  assert.deepEqual(appsTo(sent, 2n).map((m) => m.entries.length), [3]);

  // A transfer in progress drops the whole batch.
  node.transferLeader(2n);
  persistAll(node, storage);
  const last = node.status().lastIndex;
  assert.throws(
    () => node.proposeBatch([encoder.encode("p"), encoder.encode("q")]),
    ProposalDroppedError,
  );
  assert.equal(node.status().lastIndex, last);
  assert.throws(() => node.proposeBatch([]), /empty proposal batch/);
});

Deno.test("broadcast: acknowledgements that move the commit index cost one MsgApp per follower", () => {
  const { node, storage, ack } = leaderOfThreeInSync();
  node.propose(encoder.encode("v"));
  persistAll(node, storage);
  const index = node.status().lastIndex;
  ack(2n);
  ack(3n);
  assert.equal(node.status().commit, index);
  const sent = persistAll(node, storage);
  for (const follower of [2n, 3n]) {
    const apps = appsTo(sent, follower);
    assert.equal(apps.length, 1, `one commit broadcast to ${follower}`);
    assert.equal(apps[0]!.commit, index);
    assert.deepEqual(apps[0]!.entries, []);
  }
});

Deno.test("broadcast: a proposal and an acknowledgement in one batch share the follower's MsgApp", () => {
  const { node, storage, ack } = leaderOfThreeInSync();
  node.propose(encoder.encode("1"));
  persistAll(node, storage);
  const committed = node.status().lastIndex;
  ack(2n); // commits "1" (with the leader's own log)
  node.propose(encoder.encode("2"));
  const sent = persistAll(node, storage);
  const apps = appsTo(sent, 3n);
  assert.equal(apps.length, 1);
  assert.equal(apps[0]!.commit, committed);
  assert.deepEqual(apps[0]!.entries.map((e) => e.index), [committed + 1]);
});

Deno.test("broadcast: a leader that steps down before its Ready owes nothing", () => {
  const { node, storage } = leaderOfThreeInSync();
  node.propose(encoder.encode("lost"));
  node.step(message({ type: "MsgHeartbeat", from: 2n, to: 1n, term: 5 }));
  const sent = persistAll(node, storage);
  assert.equal(node.status().softState.raftState, "follower");
  assert.deepEqual(sent.filter((m) => m.type === "MsgApp"), []);
});
