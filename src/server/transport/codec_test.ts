import assert from "node:assert/strict";
import { type Message, message } from "../../raft/types.ts";
import { decodeMessage, encodeMessage, PeerProtocolError } from "./codec.ts";
import { packPayload, unpackPayload } from "./frame.ts";
import { A, B, sampleMessages, snapshotMessage } from "./transport_fixtures.ts";

function roundTrip(m: Message): Message {
  return decodeMessage(unpackPayload(packPayload(encodeMessage(m))));
}

function wireSize(m: Message): number {
  return packPayload(encodeMessage(m)).length;
}

Deno.test("codec: every network message type round-trips exactly, max uint64 ids included", () => {
  for (const m of [...sampleMessages(A, B), ...sampleMessages(B, A)]) {
    const back = roundTrip(m);
    assert.deepEqual(back, m, m.type);
    for (const e of back.entries) assert.equal(e.data.constructor, Uint8Array);
    assert.equal(back.context.constructor, Uint8Array);
  }
  assert.equal(roundTrip(message({ type: "MsgApp", to: A, from: A })).to, 0xffff_ffff_ffff_ffffn);
});

Deno.test("codec: snapshots with conf states and empty or non-empty data round-trip", () => {
  for (const size of [0, 1, 4096]) {
    const m = snapshotMessage(A, B, size);
    const back = roundTrip(m);
    assert.deepEqual(back, m);
    assert.equal(back.snapshot?.data.constructor, Uint8Array);
  }
  const empty = message({
    type: "MsgSnap",
    to: B,
    from: A,
    snapshot: {
      data: new Uint8Array(0),
      metadata: {
        index: 0,
        term: 0,
        confState: {
          voters: [],
          learners: [],
          votersOutgoing: [],
          learnersNext: [],
          autoLeave: false,
        },
      },
    },
  });
  assert.deepEqual(roundTrip(empty), empty);
});

Deno.test("codec: zero values are left out, so small messages stay small", () => {
  const zero = message({ type: "MsgHeartbeat" });
  assert.deepEqual(roundTrip(zero), zero);
  assert.deepEqual(encodeMessage(zero), [8]);
  const heartbeat = message({ type: "MsgHeartbeat", to: A, from: B, term: 3, commit: 10 });
  assert.deepEqual(roundTrip(heartbeat), heartbeat);
  assert.ok(wireSize(heartbeat) <= 30, `heartbeat is ${wireSize(heartbeat)} bytes`);
  const resp = message({ type: "MsgAppResp", to: A, from: B, term: 3, index: 1000 });
  assert.ok(wireSize(resp) <= 30, `append response is ${wireSize(resp)} bytes`);
  const app = sampleMessages(A, B)[1]!;
  const dataBytes = app.entries.reduce((sum, e) => sum + e.data.length, 0);
  assert.ok(
    wireSize(app) - dataBytes <= 50,
    `append overhead is ${wireSize(app) - dataBytes} bytes`,
  );
});

const malformed: [string, unknown][] = [
  ["not a list", { type: 3 }],
  ["empty list", []],
  ["unknown type", [99]],
  ["type as string", ["MsgApp"]],
  ["local type MsgHup", [0, A, B]],
  ["local type MsgSnapStatus", [11, A, B]],
  ["to as number", [3, 1, B]],
  ["negative id", [3, -1n, B]],
  ["term as bigint", [3, A, B, 1n]],
  ["negative term", [3, A, B, -1]],
  ["fractional index", [3, A, B, 1, 1, 1.5]],
  ["unsafe commit", [3, A, B, 1, 1, 1, 2 ** 53]],
  ["entries not a list", [3, A, B, 1, 1, 1, 1, "x"]],
  ["entry not a list", [3, A, B, 1, 1, 1, 1, [5]]],
  ["entry data as string", [3, A, B, 1, 1, 1, 1, [[1, 2, "data"]]]],
  ["entry type 2", [3, A, B, 1, 1, 1, 1, [[1, 2, null, 2]]]],
  ["entry too long", [3, A, B, 1, 1, 1, 1, [[1, 2, null, 1, 5]]]],
  ["reject as number", [4, A, B, 1, 1, 1, 1, null, 1]],
  ["context as list", [8, A, B, 1, 0, 0, 0, null, null, null, [1, 2]]],
  ["snapshot not a list", [7, A, B, 1, 0, 0, 0, null, null, null, null, 5]],
  ["voter id 0", [7, A, B, 1, 0, 0, 0, null, null, null, null, [null, 1, 1, [0n]]]],
  ["voter as number", [7, A, B, 1, 0, 0, 0, null, null, null, null, [null, 1, 1, [1]]]],
  ["autoLeave as 1", [7, A, B, 1, 0, 0, 0, null, null, null, null, [
    null,
    1,
    1,
    null,
    null,
    null,
    null,
    1,
  ]]],
  ["too many fields", [3, A, B, 1, 1, 1, 1, null, null, null, null, null, 7]],
];

for (const [name, value] of malformed) {
  Deno.test(`codec: refuses a malformed message (${name})`, () => {
    const decoded = unpackPayload(packPayload(value));
    assert.throws(() => decodeMessage(decoded), PeerProtocolError);
  });
}
