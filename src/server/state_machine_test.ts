import assert from "node:assert/strict";
import { encodeConfChangeContext, encodeRequest } from "./entry_codec.ts";
import { StateMachine } from "./state_machine.ts";
import type { Member } from "../proto/rpc.ts";

const options = { quotaBytes: 1 << 30 };
const member = (id: bigint, name: string, isLearner = false): Member => ({
  id,
  name,
  peerUrls: [`http://127.0.0.1:${2380 + Number(id)}`],
  clientUrls: [],
  isLearner,
});

Deno.test("StateMachine applies membership changes and keeps them in its snapshot", () => {
  const machine = StateMachine.create([member(1n, "a")], options);
  const added = machine.applyConfChange(2, {
    transition: "auto",
    changes: [{ type: "addLearnerNode", nodeId: 2n }],
    context: encodeConfChangeContext({ id: "r1", member: member(2n, "", true) }),
  });
  assert.equal(added.id, "r1");
  assert.equal(machine.member(2n)?.isLearner, true);
  machine.applyConfChange(3, {
    transition: "auto",
    changes: [{ type: "addNode", nodeId: 2n }],
    context: encodeConfChangeContext({ id: "r2", member: null }),
  });
  assert.equal(machine.member(2n)?.isLearner, false);
  const update = encodeRequest({
    kind: "memberUpdate",
    id: "r3",
    memberId: 2n,
    peerUrls: ["http://x:1"],
  });
  assert.equal(machine.applyEntry(4, update).result.ok, true);
  assert.deepEqual(machine.member(2n)?.peerUrls, ["http://x:1"]);
  machine.applyConfChange(5, {
    transition: "auto",
    changes: [{ type: "removeNode", nodeId: 1n }],
    context: encodeConfChangeContext({ id: "r4", member: null }),
  });
  assert.equal(machine.member(1n), undefined);
  assert.equal(machine.isRemoved(1n), true);

  const restored = StateMachine.restore(machine.snapshot(), 5, options);
  assert.deepEqual(restored.members(), machine.members());
  assert.equal(restored.isRemoved(1n), true);
  assert.equal(restored.appliedIndex, 5);
});

Deno.test("StateMachine refuses to skip an index", () => {
  const machine = StateMachine.create([member(1n, "a")], options);
  assert.throws(() => machine.skip(3), /apply: index 3 after 1/);
});

Deno.test("StateMachine.restore refuses data that is not its snapshot", () => {
  assert.throws(
    () => StateMachine.restore(new Uint8Array([1, 2, 3]), 1, options),
    /Cannot restore/,
  );
});

Deno.test("StateMachine refuses, at apply, a change that conflicts with the members", () => {
  const machine = StateMachine.create([member(1n, "a"), member(2n, "b")], options);
  const change = (type: "addNode" | "removeNode", nodeId: bigint, m: Member | null) => ({
    transition: "auto" as const,
    changes: [{ type, nodeId }],
    context: encodeConfChangeContext({ id: `r${nodeId}`, member: m }),
  });
  // Member 3 with member 2's peer URL.
  const clash = { ...member(3n, ""), peerUrls: member(2n, "").peerUrls };
  const refused = machine.applyConfChange(2, change("addNode", 3n, clash));
  assert.equal(refused.result.ok, false);
  assert.equal(machine.member(3n), undefined);
  assert.equal(machine.appliedIndex, 2);
  const unknown = machine.applyConfChange(3, change("removeNode", 9n, null));
  assert.deepEqual(
    unknown.result.ok ? null : unknown.result.error.message,
    "etcdserver: member not found",
  );
  const again = machine.applyConfChange(4, change("addNode", 2n, member(2n, "b")));
  assert.deepEqual(
    again.result.ok ? null : again.result.error.message,
    "etcdserver: member ID already exist",
  );
  assert.equal(machine.applyConfChange(5, change("removeNode", 2n, null)).result.ok, true);
  const back = machine.applyConfChange(6, change("addNode", 2n, member(2n, "b")));
  assert.equal(back.result.ok, false, "a removed id may not come back");
});
