import assert from "node:assert/strict";
import { createLogger } from "../logger.ts";
import { askPeer, PeerRequestError, RequestGate } from "./peer_request.ts";
import { TcpTransport } from "./tcp_transport.ts";
import { A, B, RecordingHandler } from "./transport_fixtures.ts";
import { decodeFrame, encodePeerReply, encodePeerRequest } from "./wire.ts";

const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `peer request: ${name}`, fn, sanitizeOps: true, sanitizeResources: true });

test("request and reply frames round trip; byte arrays come back plain", () => {
  const request = decodeFrame(encodePeerRequest(7n, A, B, { id: 5n, keys: [new Uint8Array([1])] }));
  assert.equal(request.kind, "peerRequest");
  if (request.kind !== "peerRequest") return Promise.resolve();
  assert.deepEqual([request.clusterId, request.from, request.to], [7n, A, B]);
  assert.deepEqual(request.body, { id: 5n, keys: [new Uint8Array([1])] });
  assert.deepEqual(decodeFrame(encodePeerReply(false, "boom")), {
    kind: "peerReply",
    ok: false,
    body: "boom",
  });
  assert.throws(() => decodeFrame(encodePeerReply(false, 3)), /error is not a string/);
  assert.throws(() => decodeFrame(encodePeerRequest(7n, 0n, B, {})), /from member id is 0/);
  return Promise.resolve();
});

test("the gate refuses a request beyond its limit and frees its room after", async () => {
  const gate = new RequestGate(2);
  const releases: (() => void)[] = [];
  const hold = () => new Promise<void>((resolve) => releases.push(resolve));
  const first = gate.run(hold);
  const second = gate.run(hold);
  assert.equal(gate.inFlight, 2);
  await assert.rejects(
    gate.run(hold),
    (e: unknown) => e instanceof PeerRequestError && /too many/.test(e.message),
  );
  for (const release of releases) release();
  await Promise.all([first, second]);
  assert.equal(gate.inFlight, 0);
  await gate.run(() => Promise.resolve());
});

test("a request too large is refused before dialling", async () => {
  await assert.rejects(
    askPeer(
      { clusterId: 1n, from: A, to: B, urls: ["http://127.0.0.1:1"], timeoutMs: 1000 },
      "x".repeat(300),
    ),
    /too large/,
  );
});

test("a listener of another cluster refuses the request unanswered; no handler refuses too", async () => {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", write: (line) => lines.push(line) });
  const handler = new RecordingHandler();
  const listener = new TcpTransport({
    memberId: B,
    clusterId: 2n,
    listenUrls: ["http://127.0.0.1:0"],
    handler,
    logger,
  });
  const silent = new TcpTransport({
    memberId: B,
    clusterId: 1n,
    listenUrls: ["http://127.0.0.1:0"],
    handler: { onMessage() {}, onUnreachable() {}, onSnapshotStatus() {} },
    logger,
  });
  try {
    listener.addPeer(A, ["http://127.0.0.1:1"]);
    silent.addPeer(A, ["http://127.0.0.1:1"]);
    const ask = (urls: readonly string[]) =>
      askPeer({ clusterId: 1n, from: A, to: B, urls, timeoutMs: 2000 }, { op: "x" });
    await assert.rejects(ask(listener.listenUrls), /closed the connection without answering/);
    assert.deepEqual(handler.requests, []);
    assert.ok(lines.some((l) => /cluster ID mismatch/.test(l)));
    await assert.rejects(ask(silent.listenUrls), /this member answers no requests/);
  } finally {
    await listener.stop();
    await silent.stop();
  }
});
