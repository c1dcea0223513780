import assert from "node:assert/strict";
import type { NodeId } from "../../raft/types.ts";
import { SeededPrng } from "../../util/prng.ts";
import { MemoryNetwork } from "./memory_transport.ts";
import {
  A,
  appendMessage,
  B,
  C,
  heartbeatMessage,
  RecordingHandler,
  snapshotMessage,
} from "./transport_fixtures.ts";

function trio(network: MemoryNetwork) {
  const ids: NodeId[] = [A, B, C];
  const members = ids.map((id) => {
    const handler = new RecordingHandler();
    return { id, handler, transport: network.transport(id, handler) };
  });
  for (const m of members) {
    for (const peer of members) if (peer !== m) m.transport.addPeer(peer.id, [peer.transport.url]);
  }
  const [a, b, c] = members;
  assert.ok(a && b && c);
  return { a, b, c };
}

Deno.test("MemoryNetwork: a cut link reports unreachable one way only", async () => {
  const network = new MemoryNetwork();
  const { a, b } = trio(network);
  network.setFault(A, B, { dropRate: 1 });
  a.transport.send([heartbeatMessage(A, B), snapshotMessage(A, B, 10)]);
  b.transport.send([heartbeatMessage(B, A)]);
  await network.settle();
  assert.deepEqual(b.handler.messages, []);
  assert.deepEqual(a.handler.unreachable, [B]);
  assert.deepEqual(a.handler.snapshotStatuses, [[B, "failure"]]);
  assert.equal(a.handler.messages.length, 1);
  assert.deepEqual([...a.transport.activePeers()], [C]);
  network.setFault(A, B, null);
  a.transport.send([heartbeatMessage(A, B)]);
  await network.settle();
  assert.equal(b.handler.messages.length, 1);
});

Deno.test("MemoryNetwork: a lossy link drops a seeded fraction silently, keeping order", async () => {
  const network = new MemoryNetwork({ prng: new SeededPrng(42) });
  const { a, b } = trio(network);
  network.setFault(A, B, { dropRate: 0.5 });
  const sent = Array.from({ length: 1000 }, (_, i) => appendMessage(A, B, i + 1));
  a.transport.send(sent);
  await network.settle();
  const got = b.handler.messages.map((m) => m.entries[0]?.index ?? 0);
  assert.ok(got.length > 400 && got.length < 600, `${got.length} delivered`);
  assert.deepEqual(got, [...got].sort((x, y) => x - y));
  assert.deepEqual(a.handler.unreachable, []);
});

Deno.test("MemoryNetwork: partitions separate groups until healed", async () => {
  const network = new MemoryNetwork();
  const { a, b, c } = trio(network);
  network.partition([A], [B, C]);
  a.transport.send([heartbeatMessage(A, B), heartbeatMessage(A, C)]);
  b.transport.send([heartbeatMessage(B, C), heartbeatMessage(B, A)]);
  await network.settle();
  assert.deepEqual(c.handler.messages, [heartbeatMessage(B, C)]);
  assert.deepEqual(b.handler.messages, []);
  assert.deepEqual(a.handler.unreachable.toSorted(), [B, C].toSorted());
  assert.deepEqual(b.handler.unreachable, [A]);
  network.partition([C]);
  a.transport.send([heartbeatMessage(A, B)]);
  await network.settle();
  assert.equal(b.handler.messages.length, 1);
  network.heal();
  a.transport.send([heartbeatMessage(A, C)]);
  await network.settle();
  assert.equal(c.handler.messages.length, 2);
});

Deno.test("MemoryNetwork: copies through the codec by default, shares bytes when asked not to", async () => {
  for (const roundTrip of [true, false]) {
    const network = new MemoryNetwork({ roundTrip, schedule: (run) => setTimeout(run, 0) });
    const { a, b } = trio(network);
    const sent = appendMessage(A, B, 1);
    a.transport.send([sent]);
    assert.equal(network.inFlight, 1);
    await network.settle();
    const got = b.handler.messages[0];
    assert.deepEqual(got, sent);
    assert.equal(got?.entries[0]?.data === sent.entries[0]?.data, !roundTrip);
  }
});

Deno.test("MemoryNetwork: an address in use is refused; a stopped member's address is free", async () => {
  const network = new MemoryNetwork();
  const first = network.transport(A, new RecordingHandler());
  assert.throws(() => network.transport(A, new RecordingHandler()), /in use/);
  await first.stop();
  const second = network.transport(A, new RecordingHandler());
  assert.equal(second.url, first.url);
});

Deno.test("MemoryNetwork: a message in flight to a member that stops is reported unreachable", async () => {
  const network = new MemoryNetwork();
  const { a, b } = trio(network);
  a.transport.send([heartbeatMessage(A, B), snapshotMessage(A, B, 5)]);
  await b.transport.stop();
  await network.settle();
  assert.deepEqual(b.handler.messages, []);
  assert.deepEqual(a.handler.snapshotStatuses, [[B, "failure"]]);
  assert.deepEqual(a.handler.unreachable, [B, B]);
});

Deno.test("MemoryNetwork: activeSince follows cuts, partitions and heals on the network's clock", () => {
  let now = 1000;
  const network = new MemoryNetwork({ now: () => now });
  const { a, b, c } = trio(network);
  assert.equal(a.transport.activeSince(B), 1000);
  assert.equal(b.transport.activeSince(A), 1000);
  now = 2000;
  network.setFault(A, B, { dropRate: 0.5 }); // lossy, still up
  assert.equal(a.transport.activeSince(B), 1000);
  network.setFault(A, B, { dropRate: 1 }); // cut one way
  assert.equal(a.transport.activeSince(B), null);
  assert.equal(b.transport.activeSince(A), 1000);
  now = 3000;
  network.setFault(A, B, null);
  assert.equal(a.transport.activeSince(B), 3000);
  network.partition([C], [A, B]);
  assert.equal(a.transport.activeSince(C), null);
  assert.equal(c.transport.activeSince(B), null);
  assert.equal(a.transport.activeSince(B), 3000);
  now = 4000;
  network.heal();
  assert.equal(a.transport.activeSince(C), 4000);
  assert.equal(c.transport.activeSince(A), 4000);
  assert.deepEqual(
    [B, C].filter((id) => a.transport.activeSince(id) !== null),
    [...a.transport.activePeers()],
  );
  // A peer that forgets this member refuses it (TCP's handshake): down until re-added.
  c.transport.removePeer(A);
  assert.equal(a.transport.activeSince(C), null);
  now = 5000;
  c.transport.addPeer(A, [a.transport.url]);
  assert.equal(a.transport.activeSince(C), 5000);
});
