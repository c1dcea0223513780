import assert from "node:assert/strict";
import { type Message, message } from "../../raft/types.ts";
import { createLogger } from "../logger.ts";
import type { PeerConn } from "./address.ts";
import { frameOf, framePayload } from "./frame.ts";
import type { TransportLimits } from "./limits.ts";
import { TcpTransport } from "./tcp_transport.ts";
import {
  A,
  appendMessage,
  B,
  C,
  heartbeatMessage,
  RecordingHandler,
  sleep,
  snapshotMessage,
  waitFor,
} from "./transport_fixtures.ts";
import { encodeAccept, encodeHello, encodeMessageFrame } from "./wire.ts";

const CLUSTER = 0xc1a5_7e12n;
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `TcpTransport: ${name}`, fn, sanitizeOps: true, sanitizeResources: true });

/** Transports for one test, with their log lines; `close()` stops them all. */
class Harness {
  readonly lines: string[] = [];
  readonly #transports: TcpTransport[] = [];
  readonly logger = createLogger({ level: "debug", write: (line) => this.lines.push(line) });

  start(
    id: bigint,
    handler = new RecordingHandler(),
    options: {
      limits?: Partial<TransportLimits>;
      port?: number;
      connect?: () => Promise<PeerConn>;
    } = {},
  ): { t: TcpTransport; h: RecordingHandler } {
    const t = new TcpTransport({
      memberId: id,
      clusterId: CLUSTER,
      listenUrls: [`http://127.0.0.1:${options.port ?? 0}`],
      handler,
      logger: this.logger,
      limits: { backoffMinMs: 10, backoffMaxMs: 50, handshakeTimeoutMs: 500, ...options.limits },
      ...(options.connect === undefined ? {} : { connect: options.connect }),
    });
    this.#transports.push(t);
    return { t, h: handler };
  }

  /** Lines at `level` whose text matches `pattern`. */
  logged(level: string, pattern: RegExp): string[] {
    return this.lines.filter((l) => l.includes(`"level":"${level}"`) && pattern.test(l));
  }

  async close(): Promise<void> {
    for (const t of this.#transports) await t.stop();
  }
}

async function withHarness(body: (h: Harness) => Promise<void>): Promise<void> {
  const harness = new Harness();
  try {
    await body(harness);
  } finally {
    await harness.close();
  }
}

function portOf(t: TcpTransport): number {
  const addr = t.listenAddrs[0];
  assert.ok(addr !== undefined && addr.transport === "tcp");
  return addr.port;
}

/** A raw client: writes `frames` at once, then reads until the server closes. */
async function rawSession(
  t: TcpTransport,
  bytes: readonly Uint8Array[],
  options: { closeWrite?: boolean } = {},
): Promise<{ received: number; closedByServer: boolean }> {
  const conn = await Deno.connect({ hostname: "127.0.0.1", port: portOf(t) });
  let closedByServer = false;
  let received = 0;
  const timer = setTimeout(() => conn.close(), 3000);
  try {
    for (const b of bytes) await conn.write(b);
    if (options.closeWrite) await conn.closeWrite();
    const buffer = new Uint8Array(4096);
    for (;;) {
      const n = await conn.read(buffer);
      if (n === null) break;
      received += n;
    }
    closedByServer = true;
  } catch (error) {
    closedByServer = error instanceof Deno.errors.ConnectionReset;
  } finally {
    clearTimeout(timer);
    try {
      conn.close();
    } catch {
      // Closed by the timer.
    }
  }
  return { received, closedByServer };
}

const hello = (from: bigint, to: bigint, cluster = CLUSTER) =>
  framePayload(encodeHello(cluster, from, to));
const msgFrame = (m: Message) => framePayload(encodeMessageFrame(m));
const ACCEPT_FRAME_BYTES = hello(B, B).length - 9; // accept has one id fewer

/** A listener for member B that knows A (A's own link to nowhere just backs off). */
function serverB(h: Harness, limits: Partial<TransportLimits> = {}) {
  const server = h.start(B, new RecordingHandler(), { limits });
  server.t.addPeer(A, ["http://127.0.0.1:1"]);
  return server;
}

test("refuses a peer of another cluster, with a warning naming both members", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const r = await rawSession(t, [hello(A, B, 0xbadn), msgFrame(heartbeatMessage(A, B))]);
    assert.deepEqual(r, { received: 0, closedByServer: true });
    assert.deepEqual(hb.messages, []);
    const [line] = h.logged("warn", /cluster ID mismatch/);
    assert.ok(line !== undefined, h.lines.join("\n"));
    assert.match(line, /"local-member-id":"8e9e05c52164694d"/);
    assert.match(line, /"remote-peer-id":"ffffffffffffffff"/);
    assert.match(line, /"remote-peer-cluster-id":"bad"/);
  }));

test("refuses an unknown member and a handshake addressed to another member", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const unknown = await rawSession(t, [hello(C, B), msgFrame(heartbeatMessage(C, B))]);
    const misdirected = await rawSession(t, [hello(A, C), msgFrame(heartbeatMessage(A, C))]);
    assert.deepEqual([unknown, misdirected].map((r) => r.received), [0, 0]);
    assert.ok(unknown.closedByServer && misdirected.closedByServer);
    assert.deepEqual(hb.messages, []);
    assert.match(h.logged("warn", /failed to find remote peer/)[0] ?? "", /"remote-peer-id":"3"/);
    assert.match(h.logged("warn", /ID mismatch/)[0] ?? "", /"requested-member-id":"3"/);
  }));

test("closes on garbage before or after the handshake; earlier messages stay delivered", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const garbage = new Uint8Array([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]);
    const before = await rawSession(t, [garbage]);
    assert.deepEqual(before, { received: 0, closedByServer: true });
    const after = await rawSession(t, [hello(A, B), msgFrame(heartbeatMessage(A, B)), garbage]);
    assert.ok(after.closedByServer);
    assert.equal(after.received, ACCEPT_FRAME_BYTES);
    assert.deepEqual(hb.messages, [heartbeatMessage(A, B)]);
    assert.equal(h.logged("warn", /closed a peer connection.*not msgpack/).length, 2);
  }));

test("a truncated frame changes nothing and is logged", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const whole = msgFrame(appendMessage(A, B, 5));
    const r = await rawSession(t, [hello(A, B), whole.subarray(0, whole.length - 10)], {
      closeWrite: true,
    });
    assert.ok(r.closedByServer);
    assert.deepEqual(hb.messages, []);
    assert.equal(h.logged("warn", /connection closed inside a frame/).length, 1);
  }));

test("an oversized length prefix closes the connection without allocating it", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h, { frameBytesMax: 2 << 20 });
    const huge = new Uint8Array([0xff, 0xff, 0xff, 0xf0]);
    const r = await rawSession(t, [hello(A, B), huge]);
    assert.ok(r.closedByServer);
    // Before the handshake only a handshake-sized frame is read.
    const early = await rawSession(t, [frameOf(new Uint8Array(1000))]);
    assert.deepEqual(early, { received: 0, closedByServer: true });
    assert.deepEqual(hb.messages, []);
    assert.equal(h.logged("warn", /4294967280 bytes exceeds the limit of 2097152/).length, 1);
    assert.equal(h.logged("warn", /exceeds the limit of 256/).length, 1);
  }));

test("closes on a malformed message, one from another member, or one to another member", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const cases = [
      frameOf([2, 8, B, A, "three"]),
      frameOf([2, 8, B, A, 1, 0, 0, 0, null, null, null, "context"]),
      msgFrame(heartbeatMessage(C, B)),
      msgFrame(heartbeatMessage(A, C)),
      frameOf([2, 0, B, A, 1]), // MsgHup is local
    ];
    for (const bad of cases) {
      const r = await rawSession(t, [hello(A, B), bad, msgFrame(heartbeatMessage(A, B))]);
      assert.ok(r.closedByServer);
    }
    assert.deepEqual(hb.messages, []);
    assert.equal(h.logged("warn", /closed a peer connection/).length, cases.length);
  }));

test("a connection that sends no handshake is closed after the handshake timeout", () =>
  withHarness(async (h) => {
    const { t } = serverB(h, { handshakeTimeoutMs: 50 });
    const started = performance.now();
    const r = await rawSession(t, []);
    assert.ok(r.closedByServer);
    assert.ok(performance.now() - started < 2000);
    assert.equal(h.logged("warn", /sent no handshake/).length, 1);
  }));

test("a newer stream from the same peer replaces the older one", () =>
  withHarness(async (h) => {
    const { t, h: hb } = serverB(h);
    const first = await Deno.connect({ hostname: "127.0.0.1", port: portOf(t) });
    try {
      await first.write(hello(A, B));
      const buffer = new Uint8Array(64);
      let received = 0;
      while (received < ACCEPT_FRAME_BYTES) received += (await first.read(buffer)) ?? Infinity;
      assert.equal(received, ACCEPT_FRAME_BYTES);
      const second = rawSession(t, [hello(A, B), msgFrame(heartbeatMessage(A, B))]);
      assert.equal(await first.read(buffer).catch(() => null), null);
      await waitFor(() => hb.messages.length === 1, "message on the second stream");
      t.removePeer(A);
      assert.ok((await second).closedByServer);
    } finally {
      first.close();
    }
  }));

test("listens on port 0, exposes the bound URL, and closes listeners when one URL is bad", () =>
  withHarness(async (h) => {
    const { t } = h.start(A);
    assert.match(t.listenUrls[0] ?? "", /^http:\/\/127\.0\.0\.1:[1-9][0-9]*$/);
    assert.equal(t.listenUrls[0], `http://127.0.0.1:${portOf(t)}`);
    assert.throws(
      () =>
        new TcpTransport({
          memberId: A,
          clusterId: CLUSTER,
          listenUrls: ["http://127.0.0.1:0", "unix:///tmp/x"],
          handler: new RecordingHandler(),
          logger: h.logger,
        }),
      TypeError,
    );
    assert.throws(() => h.start(B, undefined, { limits: { queueBytesMax: 0 } }), RangeError);
    await Promise.resolve();
  }));

test("a dialled URL that belongs to another member is refused and reported unreachable", () =>
  withHarness(async (h) => {
    const { t: a, h: ha } = h.start(A);
    const { t: c } = h.start(C);
    c.addPeer(A, a.listenUrls);
    a.addPeer(B, c.listenUrls);
    a.send([heartbeatMessage(A, B)]);
    await waitFor(() => ha.unreachable.includes(B), "unreachable");
    assert.equal(a.activePeers().has(B), false);
    assert.ok(h.logged("warn", /ID mismatch/).length >= 1);
    assert.ok(h.logged("warn", /closed the connection before accepting it/).length >= 1);
  }));

test("reconnects after the peer restarts on the same port", () =>
  withHarness(async (h) => {
    const { t: a, h: ha } = h.start(A);
    const first = h.start(B);
    const port = portOf(first.t);
    a.addPeer(B, first.t.listenUrls);
    first.t.addPeer(A, a.listenUrls);
    a.send([heartbeatMessage(A, B)]);
    await waitFor(() => first.h.messages.length === 1, "first delivery");
    await first.t.stop();
    await waitFor(() => ha.unreachable.includes(B), "unreachable while down");
    const second = h.start(B, new RecordingHandler(), { port });
    second.t.addPeer(A, a.listenUrls);
    const deadline = performance.now() + 5000;
    while (second.h.messages.length === 0 && performance.now() < deadline) {
      a.send([heartbeatMessage(A, B)]);
      await sleep(10);
    }
    assert.deepEqual(second.h.messages[0], heartbeatMessage(A, B));
    assert.ok(a.activePeers().has(B));
    assert.ok(h.logged("warn", /lost TCP streaming connection/).length >= 1);
  }));

/** A connection that accepts every write and never completes it (a peer that stopped reading). */
function stalledConn(): PeerConn {
  let release: () => void = () => {};
  const closed = new Promise<void>((resolve) => (release = resolve));
  return {
    read: () => closed.then(() => null),
    write: () => closed.then(() => Promise.reject(new Deno.errors.BadResource("closed"))),
    close: () => release(),
  };
}

test("a full queue drops and reports unreachable instead of blocking", () =>
  withHarness(async (h) => {
    const { t: a, h: ha } = h.start(A, new RecordingHandler(), {
      limits: { queueMessagesMax: 10, queueBytesMax: 1 << 20 },
      connect: () => Promise.resolve(stalledConn()),
    });
    a.addPeer(B, ["http://127.0.0.1:9"]);
    await sleep(10);
    const batch = Array.from({ length: 1000 }, (_, i) => appendMessage(A, B, i + 1));
    const started = performance.now();
    a.send(batch);
    a.send(batch);
    assert.ok(performance.now() - started < 200);
    await waitFor(() => ha.unreachable.length === 2, "two unreachable reports");
    assert.deepEqual(ha.unreachable, [B, B]);
  }));

test("a peer that stops reading fills the socket, then the bounded queue drops", () =>
  withHarness(async (h) => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) accepted.push(conn);
    })();
    try {
      const { t: a, h: ha } = h.start(A, new RecordingHandler(), {
        limits: { queueBytesMax: 1 << 20 },
      });
      a.addPeer(B, [`http://127.0.0.1:${listener.addr.port}`]);
      await waitFor(() => accepted.length === 1, "connection");
      const data = new Uint8Array(64 * 1024);
      const big = message({
        ...appendMessage(A, B, 1),
        entries: [{ term: 1, index: 1, type: "normal", data }],
      });
      const deadline = performance.now() + 10_000;
      let slowestMs = 0;
      let sentBytes = 0;
      while (ha.unreachable.length === 0 && performance.now() < deadline) {
        const started = performance.now();
        a.send(Array.from({ length: 4 }, () => big));
        slowestMs = Math.max(slowestMs, performance.now() - started);
        sentBytes += 4 * data.length;
        await sleep(2);
      }
      assert.deepEqual(ha.unreachable.slice(0, 1), [B]);
      assert.ok(slowestMs < 100, `send took ${slowestMs} ms`);
      // The socket took more than the queue holds before the queue filled up.
      assert.ok(sentBytes > 2 << 20, `only ${sentBytes} bytes were taken`);
    } finally {
      listener.close();
      for (const conn of accepted) conn.close();
      await accepting;
    }
  }));

test("streams a 5 MiB snapshot in chunks that each fit a 2 MiB frame, heartbeats alongside", () =>
  withHarness(async (h) => {
    const limits = { frameBytesMax: 2 << 20, snapshotChunkBytes: 1 << 20 };
    const { t: a, h: ha } = h.start(A, new RecordingHandler(), { limits });
    const { t: b, h: hb } = h.start(B, new RecordingHandler(), { limits });
    a.addPeer(B, b.listenUrls);
    b.addPeer(A, a.listenUrls);
    const snap = snapshotMessage(A, B, 5 << 20);
    a.send([snap]);
    a.send([heartbeatMessage(A, B)]);
    await waitFor(() => ha.snapshotStatuses.length === 1 && hb.messages.length === 2, "snapshot");
    assert.deepEqual(ha.snapshotStatuses, [[B, "finish"]]);
    const got = hb.messages.find((m) => m.type === "MsgSnap");
    assert.deepEqual(got, snap);
    assert.deepEqual(hb.messages.filter((m) => m.type === "MsgHeartbeat"), [
      heartbeatMessage(A, B),
    ]);
  }));

test("a snapshot larger than the receiver's limit fails, and the link recovers", () =>
  withHarness(async (h) => {
    const { t: a, h: ha } = h.start(A);
    const { t: b, h: hb } = h.start(B, new RecordingHandler(), {
      limits: { snapshotBytesMax: 1 << 20 },
    });
    a.addPeer(B, b.listenUrls);
    b.addPeer(A, a.listenUrls);
    a.send([snapshotMessage(A, B, 2 << 20)]);
    await waitFor(() => ha.snapshotStatuses.length === 1, "snapshot status");
    assert.deepEqual(ha.snapshotStatuses, [[B, "failure"]]);
    assert.ok(ha.unreachable.includes(B));
    assert.equal(
      h.logged("warn", /snapshot of 2097152 bytes exceeds the limit of 1048576/).length,
      1,
    );
    const deadline = performance.now() + 5000;
    while (hb.messages.length === 0 && performance.now() < deadline) {
      a.send([heartbeatMessage(A, B)]);
      await sleep(10);
    }
    assert.deepEqual(hb.messages, [heartbeatMessage(A, B)]);
  }));

test("a handler that throws is logged and does not stop delivery", () =>
  withHarness(async (h) => {
    let calls = 0;
    const throwing = new RecordingHandler();
    throwing.onMessage = () => {
      calls++;
      throw new Error("handler bug");
    };
    const { t: a } = h.start(A);
    const { t: b } = h.start(B, throwing);
    a.addPeer(B, b.listenUrls);
    b.addPeer(A, a.listenUrls);
    a.send([heartbeatMessage(A, B), heartbeatMessage(A, B)]);
    await waitFor(() => calls === 2, "both messages");
    assert.equal(h.logged("error", /handler failed in onMessage.*handler bug/).length, 2);
  }));

const LIVENESS = { pingIntervalMs: 50, idleTimeoutMs: 300 };

test("an idle link stays up: the listener answers every link heartbeat", () =>
  withHarness(async (h) => {
    const { t: a } = h.start(A, new RecordingHandler(), { limits: LIVENESS });
    const { t: b } = h.start(B, new RecordingHandler(), { limits: LIVENESS });
    a.addPeer(B, b.listenUrls);
    b.addPeer(A, a.listenUrls);
    await waitFor(() => a.activeSince(B) !== null && b.activeSince(A) !== null, "links up");
    const since = a.activeSince(B);
    await sleep(6 * LIVENESS.idleTimeoutMs);
    assert.equal(a.activeSince(B), since, "the link was never dropped");
    assert.deepEqual(h.logged("warn", /silent|nothing heard/), []);
  }));

test("a stream on which the peer goes silent is closed and redialled", () =>
  withHarness(async (h) => {
    // A peer that accepts the handshake, then never answers: a link cut by the network.
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const accepted: Deno.Conn[] = [];
    const accepting = (async () => {
      for await (const conn of listener) {
        accepted.push(conn);
        await conn.write(framePayload(encodeAccept(CLUSTER, B)));
      }
    })();
    try {
      const { t: a, h: ha } = h.start(A, new RecordingHandler(), { limits: LIVENESS });
      a.addPeer(B, [`http://127.0.0.1:${listener.addr.port}`]);
      await waitFor(() => accepted.length >= 2, "a second connection", 5000);
      assert.ok(ha.unreachable.includes(B), "the dropped stream was reported");
      assert.ok(
        h.logged("warn", /nothing heard from the peer for \d+ ms/).length >= 1,
        h.lines.join("\n"),
      );
    } finally {
      listener.close();
      for (const conn of accepted) conn.close();
      await accepting.catch(() => {});
    }
  }));

test("a listener closes a dialer's stream that falls silent after the handshake", () =>
  withHarness(async (h) => {
    const { t } = serverB(h, LIVENESS);
    const started = performance.now();
    const r = await rawSession(t, [hello(A, B)]);
    assert.ok(r.closedByServer, "closed by the listener");
    assert.ok(performance.now() - started < 2000, "well before the raw session's own 3 s limit");
    assert.equal(h.logged("warn", /closed a silent peer connection/).length, 1);
  }));
