import assert from "node:assert/strict";
import type { Member } from "../../proto/rpc.ts";
import { createLogger } from "../logger.ts";
import type { PeerConn } from "./address.ts";
import { ClusterInfoError, fetchClusterInfo } from "./cluster_info.ts";
import { frameOf, framePayload, readFrames } from "./frame.ts";
import { TcpTransport, type TcpTransportOptions } from "./tcp_transport.ts";
import {
  A,
  B,
  C,
  heartbeatMessage,
  RecordingHandler,
  sleep,
  waitFor,
} from "./transport_fixtures.ts";
import {
  type ClusterInfoSource,
  decodeFrame,
  encodeAccept,
  encodeClusterInfo,
  encodeClusterInfoRequest,
  encodeHello,
  encodeMessageFrame,
} from "./wire.ts";

const CLUSTER = 0x8000_0000_0000_0001n;
const test = (name: string, fn: () => Promise<void>) =>
  Deno.test({ name: `cluster info: ${name}`, fn, sanitizeOps: true, sanitizeResources: true });

const MEMBERS: Member[] = [
  {
    id: A,
    name: "infra1",
    peerUrls: ["http://127.0.0.1:12380", "http://10.0.0.1:12380"],
    clientUrls: ["http://127.0.0.1:2379"],
    isLearner: false,
  },
  {
    id: 0x8000_0000_0000_0000n,
    name: "infra2",
    peerUrls: ["http://127.0.0.1:22380"],
    clientUrls: ["http://127.0.0.1:22379"],
    isLearner: false,
  },
  // Added with `member add --learner` and not started yet: no name, no client URLs.
  { id: 3n, name: "", peerUrls: ["http://127.0.0.1:32380"], clientUrls: [], isLearner: true },
];

/** Transports and fake servers for one test, with their log lines; `close()` stops them all. */
class Harness {
  readonly lines: string[] = [];
  readonly logger = createLogger({ level: "debug", write: (line) => this.lines.push(line) });
  readonly #closers: (() => Promise<void>)[] = [];

  /** A listening member `id` (knowing A as a peer) that serves `clusterInfo` if given. */
  start(
    id: bigint,
    clusterInfo?: ClusterInfoSource,
    options: Partial<TcpTransportOptions> = {},
  ): { t: TcpTransport; h: RecordingHandler; url: string } {
    const h = new RecordingHandler();
    const t = new TcpTransport({
      memberId: id,
      clusterId: CLUSTER,
      listenUrls: ["http://127.0.0.1:0"],
      handler: h,
      logger: this.logger,
      limits: { backoffMinMs: 10, backoffMaxMs: 50, handshakeTimeoutMs: 500 },
      ...(clusterInfo === undefined ? {} : { clusterInfo }),
      ...options,
    });
    this.#closers.push(() => t.stop());
    return { t, h, url: t.listenUrls[0]! };
  }

  /** A TCP server that runs `serve` on each accepted connection, then closes it. */
  fake(serve: (conn: Deno.Conn) => Promise<void>): string {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const conns = new Set<Deno.Conn>();
    const served: Promise<void>[] = [];
    const accepting = (async () => {
      for await (const conn of listener) {
        conns.add(conn);
        served.push(
          serve(conn).catch(() => {}).finally(() => {
            if (conns.delete(conn)) conn.close();
          }),
        );
      }
    })();
    this.#closers.push(async () => {
      listener.close();
      for (const conn of conns) conn.close();
      conns.clear();
      await accepting;
      await Promise.all(served);
    });
    return `http://127.0.0.1:${listener.addr.port}`;
  }

  /** A URL nothing listens on. */
  deadUrl(): string {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    listener.close();
    return `http://127.0.0.1:${listener.addr.port}`;
  }

  /** Lines at `level` whose text matches `pattern`. */
  logged(level: string, pattern: RegExp): string[] {
    return this.lines.filter((l) => l.includes(`"level":"${level}"`) && pattern.test(l));
  }

  fetch(urls: readonly string[], timeoutMs = 2000) {
    return fetchClusterInfo(urls, { timeoutMs, logger: this.logger });
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) await close();
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

/** Reads the request frame the fetcher sends (so closing cannot reset the connection). */
async function readRequest(conn: Deno.Conn): Promise<void> {
  const buffer = new Uint8Array(64);
  const length = request().length;
  let got = 0;
  while (got < length) {
    const n = await conn.read(buffer.subarray(got));
    if (n === null) return;
    got += n;
  }
}

/** A raw client: writes `bytes`, then collects decoded frames until the server closes. */
async function rawSession(url: string, bytes: readonly Uint8Array[]) {
  const port = Number(new URL(url).port);
  const conn = await Deno.connect({ hostname: "127.0.0.1", port });
  const frames: string[] = [];
  let closedByServer = false;
  const timer = setTimeout(() => conn.close(), 3000);
  try {
    for (const b of bytes) await conn.write(b);
    await readFrames(conn, { frameBytesMax: 1 << 20, readBufferBytes: 4096 }, (payload) => {
      frames.push(decodeFrame(payload).kind);
    });
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
  return { frames, closedByServer };
}

const request = () => framePayload(encodeClusterInfoRequest());

test("a listener with a source answers: ids above 2^63 exact, learners, every field", () =>
  withHarness(async (h) => {
    let calls = 0;
    const { url } = h.start(B, () => {
      calls++;
      return { clusterId: CLUSTER, members: calls === 1 ? MEMBERS : MEMBERS.slice(0, 1) };
    });
    const info = await h.fetch([url]);
    assert.deepEqual(info, { clusterId: CLUSTER, members: MEMBERS });
    assert.equal(info.members[0]!.id, 0xffff_ffff_ffff_ffffn);
    // Asked again on each request.
    assert.deepEqual((await h.fetch([url])).members, MEMBERS.slice(0, 1));
    assert.equal(calls, 2);
    assert.equal(h.logged("debug", /served the cluster information/).length, 2);
    assert.deepEqual(h.logged("warn", /./), []);
  }));

test("the listener closes the connection after its one reply; later frames are refused", () =>
  withHarness(async (h) => {
    const { t, url, h: hb } = h.start(B, () => ({ clusterId: CLUSTER, members: MEMBERS }), {
      limits: { handshakeTimeoutMs: 50 },
    });
    t.addPeer(A, ["http://127.0.0.1:1"]);
    assert.deepEqual(await rawSession(url, [request()]), {
      frames: ["clusterInfo"],
      closedByServer: true,
    });
    // A request is a first frame only: a hello after it is not served.
    const after = await rawSession(url, [
      request(),
      framePayload(encodeHello(CLUSTER, A, B)),
      framePayload(encodeMessageFrame(heartbeatMessage(A, B))),
    ]);
    assert.ok(after.closedByServer);
    assert.ok(!after.frames.includes("accept"));
    // And after a handshake a request is a protocol error.
    const r = await rawSession(url, [framePayload(encodeHello(CLUSTER, A, B)), request()]);
    assert.deepEqual(r, { frames: ["accept"], closedByServer: true });
    assert.equal(h.logged("warn", /unexpected clusterInfoRequest frame/).length, 1);
    assert.equal(h.logged("warn", /frame after a cluster information request/).length, 1);
    await sleep(100);
    assert.deepEqual(hb.messages, []);
    assert.deepEqual(h.logged("warn", /sent no handshake/), []);
  }));

test("without a source the request is closed unanswered and the fetch fails", () =>
  withHarness(async (h) => {
    const { url } = h.start(B);
    assert.deepEqual(await rawSession(url, [request()]), { frames: [], closedByServer: true });
    const error = await h.fetch([url]).then(() => null, (e) => e);
    assert.ok(error instanceof ClusterInfoError, String(error));
    assert.equal(
      error.message,
      `could not retrieve cluster information from the given URLs: ${url} ` +
        "(the peer closed the connection without answering)",
    );
    assert.deepEqual(error.urls, [url]);
    assert.equal(h.logged("debug", /does not serve it/).length, 2);
    assert.deepEqual(h.logged("warn", /closed a peer connection/), []);
    assert.equal(h.logged("warn", /failed to get cluster response/).length, 1);
  }));

test("the first URL down and the second up works", () =>
  withHarness(async (h) => {
    const dead = h.deadUrl();
    const { url } = h.start(B, () => ({ clusterId: CLUSTER, members: MEMBERS }));
    const unanswered = h.start(C).url;
    assert.deepEqual(await h.fetch([dead, unanswered, url]), {
      clusterId: CLUSTER,
      members: MEMBERS,
    });
    const warned = h.logged("warn", /failed to get cluster response/);
    assert.equal(warned.length, 2);
    assert.match(warned[0]!, new RegExp(dead));
  }));

test("garbage, oversized, wrong or silent replies fail within the timeout, never hang", () =>
  withHarness(async (h) => {
    const reply = (bytes: Uint8Array) => async (conn: Deno.Conn) => {
      await readRequest(conn);
      await conn.write(bytes);
    };
    const urls = [
      h.fake(reply(new Uint8Array([0, 0, 0, 3, 0xc1, 0xc1, 0xc1]))),
      h.fake(reply(new Uint8Array([0, 0x10, 0, 1]))), // 1 MiB + 1: refused before allocating
      h.fake(reply(framePayload(encodeAccept(CLUSTER, B)))),
      h.fake(reply(frameOf([7, 1, CLUSTER, [[5, "m", [], [], false]]]))),
      h.fake(reply(frameOf([7, 2, CLUSTER, []]))),
      h.fake(reply(framePayload(encodeClusterInfo(CLUSTER, MEMBERS)).subarray(0, 20))),
      h.fake(async (conn) => {
        await readRequest(conn);
        await conn.read(new Uint8Array(1)); // never answers
      }),
      h.fake(() => sleep(0)), // accepts and closes
    ];
    const started = performance.now();
    const error = await h.fetch(urls, 300).then(() => null, (e) => e);
    const elapsed = performance.now() - started;
    assert.ok(error instanceof ClusterInfoError, String(error));
    assert.ok(elapsed < 3000, `took ${elapsed} ms`);
    assert.deepEqual(error.urls, urls);
    const expected = [
      /not msgpack/,
      /exceeds the limit of 1048576/,
      /unexpected accept frame/,
      /member 0 id is not a uint64 id/,
      /peer protocol version 2, not 1/,
      /connection closed inside a frame/,
      /no answer within 300 ms/,
      /without answering|reset|broken pipe/i,
    ];
    assert.equal(error.failures.length, expected.length);
    for (const [i, pattern] of expected.entries()) assert.match(error.failures[i]!, pattern);
    assert.ok(!error.message.includes("\n"));
    for (const url of urls) assert.ok(error.message.includes(url));
  }));

test("a connector that ignores its signal is abandoned at the timeout", () =>
  withHarness(async (h) => {
    const never = () => new Promise<PeerConn>(() => {});
    const started = performance.now();
    const error = await fetchClusterInfo(["http://127.0.0.1:9", "http://127.0.0.1:10"], {
      timeoutMs: 50,
      connect: never,
      logger: h.logger,
    }).then(() => null, (e) => e);
    assert.ok(error instanceof ClusterInfoError);
    assert.deepEqual(error.failures, ["no answer within 50 ms", "no answer within 50 ms"]);
    assert.ok(performance.now() - started < 1000);
  }));

test("bad arguments: no URLs, a bad URL, a bad timeout", () =>
  withHarness(async (h) => {
    const none = await h.fetch([]).then(() => null, (e) => e);
    assert.ok(none instanceof ClusterInfoError);
    assert.equal(
      none.message,
      "could not retrieve cluster information from the given URLs: no URLs given",
    );
    const { url } = h.start(B, () => ({ clusterId: CLUSTER, members: MEMBERS }));
    assert.deepEqual((await h.fetch(["unix:///tmp/x", url])).members, MEMBERS);
    assert.match(h.logged("warn", /failed to get cluster response/)[0]!, /scheme must be http/);
    await assert.rejects(() => fetchClusterInfo([url], { timeoutMs: 0 }), RangeError);
  }));

test("a source that throws, or too many members to send, closes the request", () =>
  withHarness(async (h) => {
    const thrower = h.start(B, () => {
      throw new Error("not ready");
    }).url;
    const huge: Member[] = Array.from({ length: 1100 }, (_, i) => ({
      id: BigInt(i + 1),
      name: `m${i}`,
      peerUrls: [`http://${"h".repeat(1000)}:2380`],
      clientUrls: [],
      isLearner: false,
    }));
    const big = h.start(C, () => ({ clusterId: CLUSTER, members: huge })).url;
    const error = await h.fetch([thrower, big]).then(() => null, (e) => e);
    assert.ok(error instanceof ClusterInfoError);
    assert.equal(h.logged("error", /failed to get the cluster information.*not ready/).length, 1);
    assert.equal(h.logged("error", /too large to send.*"limit":1048576/).length, 1);
  }));

test("a request of another protocol version is refused with a warning", () =>
  withHarness(async (h) => {
    const { url } = h.start(B, () => ({ clusterId: CLUSTER, members: MEMBERS }));
    const r = await rawSession(url, [frameOf([6, 2])]);
    assert.deepEqual(r, { frames: [], closedByServer: true });
    assert.match(
      h.logged("warn", /request version incompatibility/)[0] ?? "",
      /"remote-protocol-version":2/,
    );
  }));

test("members of a transport that serves cluster information still talk as before", () =>
  withHarness(async (h) => {
    const source = () => ({ clusterId: CLUSTER, members: MEMBERS });
    const a = h.start(A, source);
    const b = h.start(B, source);
    a.t.addPeer(B, [b.url]);
    b.t.addPeer(A, [a.url]);
    const fetched = h.fetch([b.url]);
    a.t.send([heartbeatMessage(A, B)]);
    b.t.send([heartbeatMessage(B, A)]);
    await waitFor(() => a.h.messages.length === 1 && b.h.messages.length === 1, "messages");
    assert.deepEqual((await fetched).members, MEMBERS);
    assert.ok(a.t.activePeers().has(B) && b.t.activePeers().has(A));
  }));
