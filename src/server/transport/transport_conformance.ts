/**
 * The conformance suite every {@linkcode Transport} must pass, in the style
 * of `src/raft/storage_conformance.ts`: call {@linkcode transportConformance}
 * from a test file with a fixture factory and `Deno.test`, and it registers
 * one test per rule (with the op and resource sanitizers on).
 *
 * ```ts
 * transportConformance("MemoryTransport", () => memoryFixture(), Deno.test);
 * ```
 *
 * @module
 */

import assert from "node:assert/strict";
import type { Message, NodeId } from "../../raft/types.ts";
import type { PeerTransportHandler, Transport } from "./transport.ts";
import {
  A,
  appendMessage,
  B,
  C,
  heartbeatMessage,
  RecordingHandler,
  sampleMessages,
  sleep,
  snapshotMessage,
  waitFor,
} from "./transport_fixtures.ts";

/** A transport started by a fixture, with the URLs its peers dial. */
export interface StartedTransport {
  /** The started transport. */
  readonly transport: Transport;
  /** The URLs its peers dial. */
  readonly urls: readonly string[];
}

/** Starts transports for one test, and cleans up after it. */
export interface TransportFixture {
  /** Starts a transport for member `id`; a restarted member may get new URLs. */
  start(id: NodeId, handler: PeerTransportHandler): Promise<StartedTransport>;
  /** Releases what the fixture holds (transports are stopped by the tests). */
  close(): Promise<void>;
}

/** Makes a fresh fixture for one test. */
export type TransportFixtureFactory = () => TransportFixture | Promise<TransportFixture>;

/** What the suite needs of a test runner: `Deno.test` fits. */
export type TransportTestRegistrar = (definition: {
  name: string;
  fn: () => Promise<void>;
  sanitizeOps: boolean;
  sanitizeResources: boolean;
}) => void;

/** Two started members that know each other. */
interface Pair {
  readonly fixture: TransportFixture;
  readonly a: StartedTransport;
  readonly b: StartedTransport;
  readonly ha: RecordingHandler;
  readonly hb: RecordingHandler;
}

/** Sends with the handler's re-entrancy flag up: a callback from inside `send` is recorded. */
function sendFrom(
  transport: Transport,
  handler: RecordingHandler,
  messages: readonly Message[],
): void {
  handler.inSend = true;
  try {
    transport.send(messages);
  } finally {
    handler.inSend = false;
  }
}

/** Sends `make()` every 10 ms until `condition` holds (a peer may be reconnecting meanwhile). */
async function sendUntil(
  transport: Transport,
  handler: RecordingHandler,
  make: () => Message[],
  condition: () => boolean,
  what: string,
): Promise<void> {
  const deadline = performance.now() + 5000;
  while (!condition()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    sendFrom(transport, handler, make());
    await sleep(10);
  }
}

const heartbeat = (from: NodeId, to: NodeId) => [heartbeatMessage(from, to)];

async function withPair(
  factory: TransportFixtureFactory,
  body: (pair: Pair) => Promise<void>,
): Promise<void> {
  const fixture = await factory();
  const ha = new RecordingHandler();
  const hb = new RecordingHandler();
  const started: StartedTransport[] = [];
  try {
    const a = await fixture.start(A, ha);
    started.push(a);
    const b = await fixture.start(B, hb);
    started.push(b);
    a.transport.addPeer(B, b.urls);
    b.transport.addPeer(A, a.urls);
    await body({ fixture, a, b, ha, hb });
    assert.equal(ha.reentered || hb.reentered, false, "a handler was called from inside send");
  } finally {
    for (const s of started) await s.transport.stop();
    await fixture.close();
  }
}

type Rule = (factory: TransportFixtureFactory) => Promise<void>;

const RULES: Record<string, Rule> = {
  "delivers every message type intact and in order on each link": (factory) =>
    withPair(factory, async ({ a, b, ha, hb }) => {
      const ab = sampleMessages(A, B);
      const ba = sampleMessages(B, A);
      sendFrom(a.transport, ha, ab);
      sendFrom(b.transport, hb, ba);
      for (let i = 0; i < 300; i++) {
        const batch = [appendMessage(A, B, 100 + 2 * i), appendMessage(A, B, 101 + 2 * i)];
        ab.push(...batch);
        sendFrom(a.transport, ha, batch);
        if (i % 50 === 0) await sleep(0);
      }
      await waitFor(
        () => hb.messages.length >= ab.length && ha.messages.length >= ba.length,
        "delivery",
      );
      assert.deepEqual(hb.messages, ab);
      assert.deepEqual(ha.messages, ba);
      for (const m of hb.messages) {
        for (const e of m.entries) assert.equal(e.data.constructor, Uint8Array);
        assert.equal(m.context.constructor, Uint8Array);
      }
    }),

  "drops messages to a member that is not a peer, quietly": (factory) =>
    withPair(factory, async ({ a, ha, hb }) => {
      sendFrom(a.transport, ha, [...heartbeat(A, C), ...heartbeat(A, 0n)]);
      sendFrom(a.transport, ha, []);
      await sleep(50);
      assert.deepEqual(hb.messages, []);
      assert.deepEqual(ha.unreachable, []);
      assert.equal(a.transport.activePeers().has(C), false);
    }),

  "a removed peer's messages are dropped both ways, and it can be added again": (factory) =>
    withPair(factory, async ({ a, b, ha, hb }) => {
      sendFrom(a.transport, ha, heartbeat(A, B));
      await waitFor(() => hb.messages.length === 1, "first message");
      a.transport.removePeer(B);
      a.transport.removePeer(B);
      sendFrom(a.transport, ha, heartbeat(A, B));
      sendFrom(b.transport, hb, heartbeat(B, A));
      await sleep(100);
      sendFrom(b.transport, hb, heartbeat(B, A));
      await sleep(50);
      assert.equal(hb.messages.length, 1);
      assert.deepEqual(ha.messages, []);
      assert.equal(a.transport.activePeers().has(B), false);
      a.transport.addPeer(B, b.urls);
      await sendUntil(
        b.transport,
        hb,
        () => heartbeat(B, A),
        () => ha.messages.length > 0,
        "B → A again",
      );
      await sendUntil(
        a.transport,
        ha,
        () => heartbeat(A, B),
        () => hb.messages.length > 1,
        "A → B again",
      );
    }),

  "updatePeer follows a peer restarted at new URLs": (factory) =>
    withPair(factory, async ({ fixture, a, b, ha }) => {
      await b.transport.stop();
      const hb2 = new RecordingHandler();
      const b2 = await fixture.start(B, hb2);
      try {
        b2.transport.addPeer(A, a.urls);
        a.transport.updatePeer(B, b2.urls);
        a.transport.updatePeer(C, b2.urls); // not a peer: ignored
        await sendUntil(
          a.transport,
          ha,
          () => heartbeat(A, B),
          () => hb2.messages.length > 0,
          "B restarted",
        );
        await waitFor(() => a.transport.activePeers().has(B), "active again");
        assert.deepEqual(hb2.messages[0], heartbeat(A, B)[0]);
      } finally {
        await b2.transport.stop();
      }
    }),

  "reports a peer that is down unreachable, never from inside send": (factory) =>
    withPair(factory, async ({ a, b, ha }) => {
      sendFrom(a.transport, ha, heartbeat(A, B));
      await b.transport.stop();
      await sendUntil(
        a.transport,
        ha,
        () => heartbeat(A, B),
        () => ha.unreachable.includes(B),
        "unreachable",
      );
      assert.ok(ha.unreachable.every((id) => id === B));
    }),

  "delivers a snapshot whole and reports finish": (factory) =>
    withPair(factory, async ({ a, ha, hb }) => {
      const big = snapshotMessage(A, B, 300_000);
      sendFrom(a.transport, ha, [big]);
      await waitFor(() => ha.snapshotStatuses.length === 1, "snapshot status");
      assert.deepEqual(ha.snapshotStatuses, [[B, "finish"]]);
      assert.deepEqual(hb.messages, [big]);
      assert.equal(hb.messages[0]?.snapshot?.data.constructor, Uint8Array);
      const empty = snapshotMessage(A, B, 0);
      sendFrom(a.transport, ha, [empty, ...heartbeat(A, B)]);
      await waitFor(
        () => ha.snapshotStatuses.length === 2 && hb.messages.length === 3,
        "empty snapshot",
      );
      assert.deepEqual(ha.snapshotStatuses[1], [B, "finish"]);
      assert.deepEqual(hb.messages.filter((m) => m.type === "MsgSnap")[1], empty);
    }),

  "reports a snapshot to a peer that is down as failed": (factory) =>
    withPair(factory, async ({ a, b, ha, hb }) => {
      await b.transport.stop();
      await sendUntil(
        a.transport,
        ha,
        () => [snapshotMessage(A, B, 1000)],
        () => ha.snapshotStatuses.some(([, status]) => status === "failure"),
        "snapshot failure",
      );
      assert.ok(ha.snapshotStatuses.every(([peer, status]) => peer === B && status === "failure"));
      assert.ok(ha.unreachable.includes(B));
      assert.deepEqual(hb.messages, []);
    }),

  "activePeers lists the peers with a live connection": (factory) =>
    withPair(factory, async ({ a, b }) => {
      await waitFor(() => a.transport.activePeers().has(B), "A → B active");
      await waitFor(() => b.transport.activePeers().has(A), "B → A active");
      assert.deepEqual([...a.transport.activePeers()], [B]);
      await b.transport.stop();
      await waitFor(() => !a.transport.activePeers().has(B), "A → B inactive");
      assert.equal(b.transport.activePeers().size, 0);
    }),

  "activeSince marks when a connection came up, and restarts after it broke": (factory) =>
    withPair(factory, async ({ fixture, a, b, ha }) => {
      const before = Date.now();
      await waitFor(() => a.transport.activeSince(B) !== null, "A → B active since");
      const since = a.transport.activeSince(B)!;
      assert.ok(since >= before - 1 && since <= Date.now(), `${since} not in [${before}, now]`);
      assert.equal(a.transport.activePeers().has(B), true);
      assert.equal(a.transport.activeSince(C), null, "not a peer");
      assert.equal(a.transport.activeSince(A), null, "itself");
      await sleep(20);
      sendFrom(a.transport, ha, heartbeat(A, B));
      assert.equal(a.transport.activeSince(B), since, "unchanged while the connection stays up");

      await b.transport.stop();
      await waitFor(() => a.transport.activeSince(B) === null, "A → B down");
      assert.equal(a.transport.activePeers().has(B), false);
      await sleep(5);
      const hb2 = new RecordingHandler();
      const b2 = await fixture.start(B, hb2);
      try {
        b2.transport.addPeer(A, a.urls);
        a.transport.updatePeer(B, b2.urls);
        await waitFor(() => a.transport.activeSince(B) !== null, "A → B active again");
        assert.ok(a.transport.activeSince(B)! > since, "the time restarted");
        a.transport.removePeer(B);
        assert.equal(a.transport.activeSince(B), null, "a removed peer");
      } finally {
        await b2.transport.stop();
      }
    }),

  "request is answered by the peer's onRequest, values intact, both ways": (factory) =>
    withPair(factory, async ({ a, b, ha, hb }) => {
      const request = { op: "leaseRenew", id: -(2n ** 63n), keys: [new Uint8Array([0, 255])] };
      const answer = await a.transport.request(B, request, 5000);
      assert.deepEqual(hb.requests, [[A, request]]);
      const echo = (answer as { echo: typeof request }).echo;
      assert.equal(echo.id, -(2n ** 63n));
      assert.deepEqual([...echo.keys[0]!], [0, 255]);
      assert.deepEqual(await b.transport.request(A, [1, "two"], 5000), { echo: [1, "two"] });
      assert.deepEqual(ha.requests, [[B, [1, "two"]]]);
    }),

  "request fails with the handler's message, and to a member that is not a peer": (factory) =>
    withPair(factory, async ({ a, hb }) => {
      hb.answer = () => Promise.reject(new Error("etcdserver: not primary"));
      await assert.rejects(a.transport.request(B, {}, 5000), /etcdserver: not primary/);
      await assert.rejects(a.transport.request(C, {}, 5000), /not a peer/);
      assert.equal(hb.requests.length, 1);
    }),

  "request is refused by a peer that does not know the asker, or is down": (factory) =>
    withPair(factory, async ({ a, b, hb }) => {
      b.transport.removePeer(A);
      await assert.rejects(a.transport.request(B, {}, 5000));
      assert.deepEqual(hb.requests, []);
      await b.transport.stop();
      await assert.rejects(a.transport.request(B, {}, 5000));
    }),

  "request without an answer fails after its timeout": (factory) =>
    withPair(factory, async ({ a, hb }) => {
      let release = () => {};
      hb.answer = () => new Promise((resolve) => (release = () => resolve("late")));
      await assert.rejects(a.transport.request(B, {}, 100), /no answer within 100 ms/);
      release();
      await sleep(20);
    }),

  "stop is idempotent, silences the handler and makes send a no-op": (factory) =>
    withPair(factory, async ({ a, b, ha, hb }) => {
      sendFrom(a.transport, ha, heartbeat(A, B));
      await waitFor(() => hb.messages.length === 1, "first message");
      await Promise.all([a.transport.stop(), a.transport.stop()]);
      await a.transport.stop();
      sendFrom(a.transport, ha, [...heartbeat(A, B), snapshotMessage(A, B, 10)]);
      a.transport.addPeer(C, ["http://127.0.0.1:1"]);
      sendFrom(b.transport, hb, heartbeat(B, A));
      await sleep(50);
      assert.equal(hb.messages.length, 1);
      assert.deepEqual(ha.messages, []);
      assert.deepEqual(ha.unreachable, []);
      assert.deepEqual(ha.snapshotStatuses, []);
      assert.equal(a.transport.activePeers().size, 0);
      assert.equal(a.transport.activeSince(B), null);
    }),
};

/**
 * Registers the suite's tests for one implementation. `factory` makes a
 * fixture per test; `test` is `Deno.test` (or anything of its shape).
 */
export function transportConformance(
  name: string,
  factory: TransportFixtureFactory,
  test: TransportTestRegistrar,
): void {
  for (const [rule, run] of Object.entries(RULES)) {
    test({
      name: `${name}: ${rule}`,
      fn: () => run(factory),
      sanitizeOps: true,
      sanitizeResources: true,
    });
  }
}
