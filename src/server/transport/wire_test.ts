import assert from "node:assert/strict";
import { PeerProtocolError } from "./codec.ts";
import { packPayload } from "./frame.ts";
import { OutgoingSnapshot, SnapshotAssembler } from "./snapshot_stream.ts";
import { A, B, heartbeatMessage, snapshotMessage } from "./transport_fixtures.ts";
import {
  decodeFrame,
  encodeAccept,
  encodeClusterInfo,
  encodeClusterInfoRequest,
  encodeHello,
  encodeMessageFrame,
  encodeSnapshotAck,
  PEER_PROTOCOL_VERSION,
} from "./wire.ts";

Deno.test("wire: handshake, accept, message and ack frames round-trip", () => {
  assert.deepEqual(decodeFrame(encodeHello(7n, A, B)), {
    kind: "hello",
    version: PEER_PROTOCOL_VERSION,
    clusterId: 7n,
    from: A,
    to: B,
  });
  assert.deepEqual(decodeFrame(encodeAccept(7n, B)), {
    kind: "accept",
    version: PEER_PROTOCOL_VERSION,
    clusterId: 7n,
    memberId: B,
  });
  const m = heartbeatMessage(A, B);
  assert.deepEqual(decodeFrame(encodeMessageFrame(m)), { kind: "message", message: m });
  assert.deepEqual(decodeFrame(encodeSnapshotAck(3)), { kind: "snapshotAck", snapshotId: 3 });
});

Deno.test("wire: garbage, unknown kinds and wrong shapes are PeerProtocolErrors", () => {
  const bad = [
    new Uint8Array([0xc1]),
    new Uint8Array([0x91]),
    new Uint8Array(0),
    packPayload(5),
    packPayload([]),
    packPayload([10]),
    packPayload([8, 1]),
    packPayload([9, 0]),
    packPayload([0, 1, 7n, A]),
    packPayload([0, 1, 7, A, B]),
    packPayload([1, 1, 7n, B, 0]),
    packPayload([4, 1, "data"]),
    packPayload([5]),
    new Uint8Array([0x92, 0x02, 0x03, 0x00]),
  ];
  for (const payload of bad) assert.throws(() => decodeFrame(payload), PeerProtocolError);
});

const BIG = 0xffff_ffff_ffff_fffen;
const MEMBERS = [
  {
    id: BIG,
    name: "m1",
    peerUrls: ["http://a:2380", "http://b:2380"],
    clientUrls: [],
    isLearner: false,
  },
  { id: 1n, name: "", peerUrls: ["http://c:2380"], clientUrls: ["http://c:2379"], isLearner: true },
];

Deno.test("wire: cluster information request and reply round-trip, ids above 2^63 exact", () => {
  assert.deepEqual(decodeFrame(encodeClusterInfoRequest()), {
    kind: "clusterInfoRequest",
    version: PEER_PROTOCOL_VERSION,
  });
  assert.deepEqual(decodeFrame(encodeClusterInfo(0x8000_0000_0000_0001n, MEMBERS)), {
    kind: "clusterInfo",
    version: PEER_PROTOCOL_VERSION,
    clusterId: 0x8000_0000_0000_0001n,
    members: MEMBERS,
  });
  assert.deepEqual(decodeFrame(encodeClusterInfo(7n, [])), {
    kind: "clusterInfo",
    version: PEER_PROTOCOL_VERSION,
    clusterId: 7n,
    members: [],
  });
  assert.ok(encodeClusterInfoRequest().length < 8);
  const bad = { ...MEMBERS[0]!, id: 5 as unknown as bigint };
  assert.throws(() => encodeClusterInfo(7n, [bad]), TypeError);
  assert.throws(() => encodeClusterInfo(7n, [{ ...bad, id: 1n << 64n }]), TypeError);
});

Deno.test("wire: malformed cluster information frames are PeerProtocolErrors", () => {
  const good = [BIG, "m", ["http://a:2380"], ["http://a:2379"], false];
  const member = (i: number, value: unknown) => good.map((v, j) => (j === i ? value : v));
  const reply = (...members: unknown[]) => packPayload([7, 1, 9n, members]);
  const bad = [
    packPayload([6]),
    packPayload([6, null]),
    packPayload([6, "1"]),
    packPayload([6, 1, 2]),
    packPayload([7, 1, 9n]),
    packPayload([7, 1, 9n, [], 0]),
    packPayload([7, null, 9n, []]),
    packPayload([7, 1, 9, []]),
    packPayload([7, 1, null, []]),
    packPayload([7, 1, -1n, []]),
    packPayload([7, 1, 9n, null]),
    packPayload([7, 1, 9n, { 0: good }]),
    reply(good.slice(0, 4)),
    reply([...good, null]),
    reply("member"),
    reply(member(0, 5)),
    reply(member(0, 0n)),
    reply(member(0, -5n)),
    reply(member(0, null)),
    reply(member(1, null)),
    reply(member(1, 3)),
    reply(member(2, "http://a:2380")),
    reply(member(2, [1])),
    reply(member(2, null)),
    reply(member(3, [null])),
    reply(member(4, 1)),
    reply(member(4, null)),
    reply(good, member(1, "other")),
  ];
  for (const [i, payload] of bad.entries()) {
    assert.throws(() => decodeFrame(payload), PeerProtocolError, `case ${i}`);
  }
  assert.equal(decodeFrame(reply(good, member(0, 2n))).kind, "clusterInfo");
});

function streamThrough(
  size: number,
  chunkBytes: number,
  assembler = new SnapshotAssembler(1 << 20),
) {
  const m = snapshotMessage(A, B, size);
  const outgoing = new OutgoingSnapshot(4, m, chunkBytes);
  const results = [];
  let frames = 0;
  for (let frame = outgoing.nextFrame(); frame !== null; frame = outgoing.nextFrame()) {
    frames++;
    const decoded = decodeFrame(frame.subarray(4));
    if (decoded.kind === "snapshotBegin") {
      results.push(assembler.begin(decoded.snapshotId, decoded.totalBytes, decoded.message));
    } else if (decoded.kind === "snapshotChunk") {
      results.push(assembler.chunk(decoded.snapshotId, decoded.data));
    }
  }
  assert.ok(outgoing.allSent);
  return { m, frames, results };
}

Deno.test("snapshot stream: chunks are put back together into the same MsgSnap", () => {
  for (const [size, chunk, frames] of [[0, 10, 1], [10, 10, 2], [25, 10, 4], [100_000, 4096, 26]]) {
    const { m, frames: count, results } = streamThrough(size!, chunk!);
    assert.equal(count, frames, `size ${size}`);
    assert.deepEqual(results.slice(0, -1).filter((r) => r !== null), []);
    assert.deepEqual(results.at(-1), m);
  }
});

Deno.test("snapshot stream: too large, too long, unknown or interleaved snapshots are refused", () => {
  assert.throws(() => streamThrough(2000, 100, new SnapshotAssembler(1000)), /exceeds the limit/);
  const assembler = new SnapshotAssembler(1000);
  const header = { ...snapshotMessage(A, B, 0) };
  assert.equal(assembler.begin(1, 10, header), null);
  assert.throws(() => assembler.begin(2, 10, header), /inside another/);
  assert.throws(() => assembler.chunk(2, new Uint8Array(5)), /unknown snapshot/);
  assert.throws(() => assembler.chunk(1, new Uint8Array(11)), /longer than/);
  assert.throws(() => assembler.chunk(1, new Uint8Array(0)), /empty chunk/);
  assert.equal(assembler.chunk(1, new Uint8Array(4)), null);
  assert.notEqual(assembler.chunk(1, new Uint8Array(6)), null);
  assert.equal(assembler.busy, false);
  assert.throws(() => new SnapshotAssembler(10).begin(1, 0, heartbeatMessage(A, B)), /not MsgSnap/);
});
