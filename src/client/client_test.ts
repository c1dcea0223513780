// The fake gateway answers with bodies recorded from etcd 3.4.23's gateway
// (reference transcript, section 2).
import assert from "node:assert/strict";
import { EtcdError, GrpcCode } from "../proto/errors.ts";
import { putRequest, rangeRequest, txnRequest } from "../proto/rpc.ts";
import { utf8Decode, utf8Encode } from "../util/bytes.ts";
import { EtcdClient } from "./client.ts";
import { parseEndpoint } from "./endpoint.ts";

const HEADER =
  '{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"28","raft_term":"2"}';
const RANGE_FOO = `{"header":${HEADER},"kvs":[{"key":"Zm9v","create_revision":"19",` +
  `"mod_revision":"24","version":"4","value":"YmFy"}],"count":"1"}`;
const PUT_OK = `{"header":${HEADER}}`;

interface Seen {
  readonly path: string;
  readonly body: string;
  readonly authorization: string | null;
}

/** A gateway on a loopback port; `handle` answers, every request is recorded. */
class FakeGateway {
  readonly seen: Seen[] = [];
  readonly #server: Deno.HttpServer<Deno.NetAddr>;
  readonly #pending: (() => void)[] = [];

  constructor(handle: (seen: Seen, gateway: FakeGateway) => Response | Promise<Response>) {
    this.#server = Deno.serve(
      { hostname: "127.0.0.1", port: 0, onListen: () => {} },
      async (req) => {
        const seen = {
          path: new URL(req.url).pathname,
          body: await req.text(),
          authorization: req.headers.get("authorization"),
        };
        this.seen.push(seen);
        return await handle(seen, this);
      },
    );
  }

  get endpoint(): string {
    return `127.0.0.1:${this.#server.addr.port}`;
  }

  /** A response that waits until the test ends (a hung member). */
  hang(): Promise<Response> {
    return new Promise((resolve) => this.#pending.push(() => resolve(new Response("{}"))));
  }

  async close(): Promise<void> {
    for (const release of this.#pending) release();
    await this.#server.shutdown();
  }
}

function json(body: string, status = 200): Response {
  return new Response(body, { status, headers: { "content-type": "application/json" } });
}

function errorBody(message: string, code: number, status: number): Response {
  return json(JSON.stringify({ error: message, message, code }), status);
}

/** A loopback port nothing listens on. */
function closedPort(): string {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return `127.0.0.1:${port}`;
}

async function withGateways(
  handlers: ((seen: Seen, gateway: FakeGateway) => Response | Promise<Response>)[],
  test: (gateways: FakeGateway[]) => Promise<void>,
): Promise<void> {
  const gateways = handlers.map((h) => new FakeGateway(h));
  try {
    await test(gateways);
  } finally {
    await Promise.all(gateways.map((g) => g.close()));
  }
}

Deno.test("client: range encodes the request and decodes the gateway's answer", async () => {
  await withGateways([() => json(RANGE_FOO)], async ([g]) => {
    const client = new EtcdClient({ endpoints: [g!.endpoint] });
    const resp = await client.range(rangeRequest({ key: utf8Encode("foo"), limit: 2 }));
    assert.equal(resp.header.revision, 28);
    assert.equal(resp.header.clusterId, 8275919166029150406n);
    assert.equal(utf8Decode(resp.kvs[0]!.value), "bar");
    assert.equal(resp.count, 1);
    assert.equal(g!.seen[0]!.path, "/v3/kv/range");
    assert.deepEqual(JSON.parse(g!.seen[0]!.body), { key: "Zm9v", limit: "2" });
  });
});

Deno.test("client: fails over to the next endpoint and stays there", async () => {
  await withGateways([
    () => errorBody("etcdserver: request timed out", 14, 503),
    () => json(RANGE_FOO),
  ], async ([a, b]) => {
    const client = new EtcdClient({ endpoints: [closedPort(), a!.endpoint, b!.endpoint] });
    await client.range(rangeRequest({ key: utf8Encode("foo") }));
    await client.range(rangeRequest({ key: utf8Encode("foo") }));
    assert.equal(a!.seen.length, 1);
    assert.equal(b!.seen.length, 2);
  });
});

Deno.test("client: a write goes to the next endpoint only when it was never sent", async () => {
  await withGateways([() => json(PUT_OK)], async ([g]) => {
    const client = new EtcdClient({ endpoints: ["http//bad:::1", closedPort(), g!.endpoint] });
    const resp = await client.put(putRequest({ key: utf8Encode("foo"), value: utf8Encode("bar") }));
    assert.equal(resp.header.revision, 28);
    assert.equal(g!.seen.length, 1);
  });
});

Deno.test("client: a write that reached a hung member is not sent again", async () => {
  await withGateways([(_, g) => g.hang(), () => json(PUT_OK)], async ([a, b]) => {
    const client = new EtcdClient({
      endpoints: [a!.endpoint, b!.endpoint],
      dialTimeoutMs: 50,
      commandTimeoutMs: 300,
    });
    await assert.rejects(
      client.put(putRequest({ key: utf8Encode("foo"), value: utf8Encode("bar") })),
      (e: unknown) => e instanceof EtcdError && e.message === "context deadline exceeded",
    );
    assert.equal(a!.seen.length, 1);
    assert.equal(b!.seen.length, 0);
  });
});

Deno.test("client: a read on a hung member moves on after the dial timeout", async () => {
  await withGateways([(_, g) => g.hang(), () => json(RANGE_FOO)], async ([a, b]) => {
    const client = new EtcdClient({
      endpoints: [a!.endpoint, b!.endpoint],
      dialTimeoutMs: 50,
      commandTimeoutMs: 2000,
    });
    const started = performance.now();
    await client.range(rangeRequest({ key: utf8Encode("foo") }));
    assert.ok(performance.now() - started < 1000);
    const readOnly = txnRequest({
      success: [{ requestRange: rangeRequest({ key: utf8Encode("a") }) }],
    });
    const fresh = new EtcdClient({ endpoints: [a!.endpoint, b!.endpoint], dialTimeoutMs: 50 });
    await fresh.txn(readOnly);
    assert.deepEqual(b!.seen.map((s) => s.path), ["/v3/kv/range", "/v3/kv/txn"]);
    assert.equal(a!.seen.length, 2);
  });
});

Deno.test("client: no endpoint reachable → context deadline exceeded after the timeout", async () => {
  const client = new EtcdClient({ endpoints: [closedPort(), closedPort()], commandTimeoutMs: 200 });
  const started = performance.now();
  await assert.rejects(
    client.range(rangeRequest({ key: utf8Encode("foo") })),
    (e: unknown) =>
      e instanceof EtcdError && e.message === "context deadline exceeded" &&
      e.code === GrpcCode.DeadlineExceeded,
  );
  assert.ok(performance.now() - started >= 180);
});

Deno.test("client: gateway errors become EtcdErrors with etcd's message and code", async () => {
  await withGateways([
    (seen) =>
      seen.path === "/v3/kv/put"
        ? errorBody("etcdserver: key is not provided", 3, 400)
        : seen.path === "/v3/kv/range"
        ? errorBody("etcdserver: mvcc: required revision is a future revision", 11, 400)
        : new Response("Not Found\n", { status: 404 }),
  ], async ([g]) => {
    const client = new EtcdClient({ endpoints: [g!.endpoint] });
    await assert.rejects(client.put(putRequest({ value: utf8Encode("bar") })), {
      message: "etcdserver: key is not provided",
      code: GrpcCode.InvalidArgument,
    });
    await assert.rejects(client.range(rangeRequest({ key: utf8Encode("a"), revision: 99 })), {
      message: "etcdserver: mvcc: required revision is a future revision",
      code: GrpcCode.OutOfRange,
    });
    await assert.rejects(client.hash(), { message: "Not Found", code: GrpcCode.NotFound });
  });
});

Deno.test("client: a write answered Unavailable is not retried elsewhere", async () => {
  await withGateways([
    () => errorBody("etcdserver: request timed out", 14, 503),
    () => json(PUT_OK),
  ], async ([a, b]) => {
    const client = new EtcdClient({ endpoints: [a!.endpoint, b!.endpoint] });
    await assert.rejects(client.put(putRequest({ key: utf8Encode("k") })), {
      message: "etcdserver: request timed out",
      code: GrpcCode.Unavailable,
    });
    assert.equal(b!.seen.length, 0);
  });
});

Deno.test("client: cancelled by the caller's signal", async () => {
  await withGateways([(_, g) => g.hang()], async ([g]) => {
    const client = new EtcdClient({ endpoints: [g!.endpoint] });
    const controller = new AbortController();
    const call = client.range(rangeRequest({ key: utf8Encode("foo") }), {
      signal: controller.signal,
    });
    setTimeout(() => controller.abort(), 20);
    await assert.rejects(call, { message: "context canceled", code: GrpcCode.Canceled });
  });
});

Deno.test("client: authenticate, send the token, renew it once when rejected", async () => {
  let tokens = 0;
  await withGateways([(seen) => {
    if (seen.path === "/v3/auth/authenticate") {
      tokens++;
      return json(`{"header":${HEADER},"token":"tok${tokens}.1"}`);
    }
    if (seen.authorization === "tok1.1" && tokens === 1) {
      return errorBody("etcdserver: invalid auth token", 16, 401);
    }
    return json(RANGE_FOO);
  }], async ([g]) => {
    const client = new EtcdClient({ endpoints: [g!.endpoint], username: "root", password: "pw" });
    assert.equal(await client.authenticate(), "tok1.1");
    assert.deepEqual(JSON.parse(g!.seen[0]!.body), { name: "root", password: "pw" });
    await client.range(rangeRequest({ key: utf8Encode("foo") }));
    assert.deepEqual(g!.seen.map((s) => s.authorization), [null, "tok1.1", null, "tok2.1"]);
  });
});

Deno.test("client: authentication disabled on the server is not an error", async () => {
  await withGateways(
    [() => errorBody("etcdserver: authentication is not enabled", 9, 412)],
    async ([g]) => {
      const client = new EtcdClient({ endpoints: [g!.endpoint], username: "u", password: "p" });
      assert.equal(await client.authenticate(), null);
    },
  );
});

Deno.test("client: status, member list, health and version of one endpoint", async () => {
  const status = `{"header":${HEADER},"version":"3.4.23","dbSize":"24576",` +
    `"leader":"16369265254150603570","raftIndex":"105","raftTerm":"2",` +
    `"raftAppliedIndex":"105","dbSizeInUse":"20480"}`;
  const members = `{"header":${HEADER},"members":[{"ID":"7578380740807422932","name":"etcd1",` +
    `"peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}`;
  await withGateways([(seen) => {
    switch (seen.path) {
      case "/v3/maintenance/status":
        return json(status);
      case "/v3/cluster/member/list":
        return json(members);
      case "/health":
        return new Response('{"health":"false"}\n', { status: 503 });
      default:
        return json('{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}');
    }
  }], async ([g]) => {
    const client = new EtcdClient({ endpoints: [closedPort()], commandTimeoutMs: 1000 });
    const s = await client.status(`http://${g!.endpoint}`);
    assert.equal(s.leader, 16369265254150603570n);
    assert.equal(s.dbSize, 24576);
    const m = await new EtcdClient({ endpoints: [g!.endpoint] }).memberList();
    assert.equal(m.members[0]!.id, 7578380740807422932n);
    assert.deepEqual(await client.health(g!.endpoint), { health: false, httpStatus: 503 });
    assert.deepEqual(await client.version(g!.endpoint), {
      etcdserver: "3.4.23",
      etcdcluster: "3.4.0",
    });
  });
});

Deno.test("endpoint: etcdctl's endpoint forms", () => {
  assert.equal(parseEndpoint("127.0.0.1:2379").baseUrl, "http://127.0.0.1:2379");
  assert.equal(parseEndpoint("127.0.0.1:2379", true).baseUrl, "https://127.0.0.1:2379");
  assert.equal(parseEndpoint("http://127.0.0.1:2379/").baseUrl, "http://127.0.0.1:2379");
  assert.equal(parseEndpoint("https://etcd.example:2379").baseUrl, "https://etcd.example:2379");
  assert.equal(parseEndpoint("[::1]:2379").baseUrl, "http://[::1]:2379");
  assert.equal(parseEndpoint("unix://sock").baseUrl, null);
  assert.equal(parseEndpoint("http://a b").baseUrl, null);
  assert.equal(parseEndpoint("127.0.0.1:2379").name, "127.0.0.1:2379");
});
