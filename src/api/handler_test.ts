import assert from "node:assert/strict";
import {
  Errors,
  EtcdError,
  GrpcCode,
  HashResponseSchema,
  PutResponseSchema,
  RangeResponseSchema,
  StatusResponseSchema,
} from "../proto/mod.ts";
import { FakeService, post } from "./_testing.ts";
import { createHandler, defaultBodyBytesMax } from "./handler.ts";

const CORS = {
  "access-control-allow-headers": "accept, content-type, authorization",
  "access-control-allow-methods": "POST, GET, OPTIONS, PUT, DELETE",
  "access-control-allow-origin": "*",
};

function send(
  service: FakeService,
  method: string,
  path: string,
  body?: string,
): Promise<Response> {
  const init: RequestInit = body === undefined ? { method } : { method, body };
  return createHandler(service)(new Request("http://127.0.0.1:2379" + path, init));
}

async function expectText(
  response: Response,
  status: number,
  body: string,
  headers: Record<string, string | null>,
): Promise<void> {
  assert.equal(response.status, status);
  assert.equal(await response.text(), body);
  for (const [name, value] of Object.entries({ ...CORS, ...headers })) {
    assert.equal(response.headers.get(name), value, name);
  }
}

const TEXT_ERROR = {
  "content-type": "text/plain; charset=utf-8",
  "x-content-type-options": "nosniff",
};

Deno.test("handler: OPTIONS on any path is 200 with no body", async () => {
  const service = new FakeService();
  for (const path of ["/v3/kv/range", "/nope", "/health", "/v3/nope"]) {
    await expectText(await send(service, "OPTIONS", path), 200, "", { "content-type": null });
  }
  assert.equal(service.calls.length, 0);
});

Deno.test("handler: unknown paths and methods as etcd answers them", async () => {
  const service = new FakeService();
  const notFound = "Not Found\n";
  const pageNotFound = "404 page not found\n";
  await expectText(await send(service, "POST", "/v3/kv/nope", "{}"), 404, notFound, TEXT_ERROR);
  await expectText(await send(service, "POST", "/v3/", "{}"), 404, notFound, TEXT_ERROR);
  await expectText(await send(service, "POST", "/v3/kv/range/", "{}"), 404, notFound, TEXT_ERROR);
  await expectText(await send(service, "POST", "/v3/kv/range:x", "{}"), 404, notFound, TEXT_ERROR);
  await expectText(await send(service, "POST", "/v3/maintenance/hashkv", "{}"), 404, notFound, {});
  await expectText(await send(service, "POST", "/v3beta/kv/nope", "{}"), 404, notFound, {});
  await expectText(await send(service, "POST", "/nope", "{}"), 404, pageNotFound, TEXT_ERROR);
  await expectText(await send(service, "POST", "/v3alpha/kv/range", "{}"), 404, pageNotFound, {});
  await expectText(await send(service, "POST", "/v3beta", "{}"), 404, pageNotFound, {});
  await expectText(await send(service, "GET", "/health/"), 404, pageNotFound, {});
  await expectText(await send(service, "GET", "/metrics"), 404, pageNotFound, {});
  const notAllowed = "Method Not Allowed\n";
  for (const method of ["GET", "PUT", "DELETE", "HEAD"]) {
    const response = await send(service, method, "/v3/kv/range");
    await expectText(response, 405, notAllowed, { ...TEXT_ERROR, allow: null });
  }
  await expectText(await send(service, "POST", "/health"), 405, notAllowed, { allow: "GET" });
  await expectText(await send(service, "POST", "/version"), 405, notAllowed, { allow: "GET" });
  assert.equal(service.calls.length, 0);
});

Deno.test("handler: unclean paths are redirected as Go's ServeMux does", async () => {
  const service = new FakeService();
  let response = await send(service, "POST", "/v3//kv/range?x=1", "{}");
  await expectText(response, 301, "", { location: "/v3/kv/range?x=1", "content-type": null });
  response = await send(service, "GET", "/v3");
  await expectText(response, 301, '<a href="/v3/">Moved Permanently</a>.\n\n', {
    location: "/v3/",
    "content-type": "text/html; charset=utf-8",
  });
  assert.equal(service.calls.length, 0);
});

Deno.test("handler: /health and /version", async () => {
  const service = new FakeService();
  await expectText(
    await send(service, "GET", "/health?serializable=true"),
    200,
    '{"health":"true"}',
    {
      "content-type": "text/plain; charset=utf-8",
      "x-content-type-options": null,
    },
  );
  service.healthy = false;
  await expectText(await send(service, "GET", "/health"), 503, '{"health":"false"}\n', TEXT_ERROR);
  const errors: unknown[] = [];
  service.healthy = () => Promise.reject(new Error("boom"));
  const response = await createHandler(service, { onError: (error) => errors.push(error) })(
    new Request("http://127.0.0.1:2379/health"),
  );
  await expectText(response, 503, '{"health":"false"}\n', {});
  assert.equal(errors.length, 1);
  service.healthy = () => Promise.reject(Errors.noLeader());
  await expectText(await send(service, "GET", "/health"), 503, '{"health":"false"}\n', {});
  await expectText(
    await send(service, "GET", "/version"),
    200,
    '{"etcdserver":"3.4.23","etcdcluster":"3.4.0"}',
    { "content-type": "application/json" },
  );
});

Deno.test("handler: a call reaches the service with the client's signal", async () => {
  const service = new FakeService();
  service.answer = () => RangeResponseSchema.create();
  const request = post("/v3beta/kv/range?x=1", '{"key":"Zm9v"}');
  const response = await createHandler(service)(request);
  await expectText(response, 200, '{"header":{}}', {
    "content-type": "application/json",
    "grpc-metadata-content-type": "application/grpc",
  });
  assert.equal(service.calls.length, 1);
  assert.equal(service.calls[0]!.method, "range");
  assert.equal(service.calls[0]!.options?.signal, request.signal);
  // A percent-encoded path is decoded first, as Go does.
  assert.equal(
    (await createHandler(service)(post("/v3/kv/%72ange", '{"key":"YQ=="}'))).status,
    200,
  );
});

Deno.test("handler: maintenance and cluster calls", async () => {
  const service = new FakeService();
  service.answer = (method) =>
    method === "status"
      ? { ...StatusResponseSchema.create(), version: "3.4.23" }
      : method === "hash"
      ? { ...HashResponseSchema.create(), hash: 7 }
      : { header: { clusterId: 1n, memberId: 2n, revision: 0, raftTerm: 3 }, members: [] };
  await expectText(
    await send(service, "POST", "/v3/maintenance/status", ""),
    200,
    '{"header":{},"version":"3.4.23"}',
    {},
  );
  await expectText(
    await send(service, "POST", "/v3/maintenance/hash", "{}"),
    200,
    '{"header":{},"hash":7}',
    {},
  );
  await expectText(
    await send(service, "POST", "/v3/cluster/member/list", '{"linearizable":true}'),
    200,
    '{"header":{"cluster_id":"1","member_id":"2","raft_term":"3"}}',
    {},
  );
  assert.deepEqual(service.calls.map((call) => call.method), ["status", "hash", "memberList"]);
  await expectText(
    await send(service, "POST", "/v3/maintenance/alarm", '{"action":"GET"}'),
    200,
    "{}",
    {},
  );
  await expectText(await send(service, "POST", "/v3/maintenance/defragment", ""), 200, "{}", {});
  assert.equal(service.calls.length, 3);
});

Deno.test("handler: the service's errors become etcd's error bodies", async () => {
  const service = new FakeService();
  service.answer = () => {
    throw Errors.timeout();
  };
  await expectText(
    await send(service, "POST", "/v3/kv/range", '{"key":"Zm9v"}'),
    503,
    '{"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14}',
    { "content-type": "application/json", "grpc-metadata-content-type": null },
  );
  service.answer = () => Promise.reject(Errors.deadlineExceeded());
  const response = await send(service, "POST", "/v3/kv/put", '{"key":"Zm9v","value":"YmFy"}');
  assert.equal(response.status, 500);
  assert.equal(
    await response.text(),
    '{"error":"context deadline exceeded","message":"context deadline exceeded","code":2}',
  );
});

Deno.test("handler: an unexpected failure is a 500, reported, never a crash", async () => {
  const service = new FakeService();
  const errors: unknown[] = [];
  const handler = createHandler(service, { onError: (error) => errors.push(error) });
  service.answer = () => {
    throw new TypeError("bug");
  };
  let response = await handler(post("/v3/kv/range", '{"key":"Zm9v"}'));
  await expectText(
    response,
    500,
    '{"error":"etcd-ts: internal server error","message":"etcd-ts: internal server error","code":13}',
    { "content-type": "application/json" },
  );
  service.answer = () => null; // a malformed answer breaks the encoder
  response = await handler(post("/v3/kv/put", '{"key":"Zm9v"}'));
  assert.equal(response.status, 500);
  await response.body?.cancel();
  assert.equal(errors.length, 2);
});

Deno.test("handler: a client that went away gets context canceled (408)", async () => {
  const service = new FakeService();
  const controller = new AbortController();
  service.answer = () => {
    controller.abort();
    throw new DOMException("aborted", "AbortError");
  };
  const request = new Request("http://127.0.0.1:2379/v3/kv/range", {
    method: "POST",
    body: '{"key":"Zm9v"}',
    signal: controller.signal,
  });
  const errors: unknown[] = [];
  const response = await createHandler(service, { onError: (e) => errors.push(e) })(request);
  await expectText(
    response,
    408,
    '{"error":"context canceled","message":"context canceled","code":1}',
    {},
  );
  assert.equal(errors.length, 0);
});

Deno.test("handler: a body over the cap is refused without reading it", async () => {
  const service = new FakeService(1024);
  const bodyBytesMax = defaultBodyBytesMax(1024 + 512 * 1024);
  const tooLarge =
    '{"error":"etcdserver: request is too large","message":"etcdserver: request is too large","code":3}';
  const declared = new Request("http://127.0.0.1:2379/v3/kv/put", {
    method: "POST",
    body: "x".repeat(bodyBytesMax + 1),
  });
  await expectText(await createHandler(service)(declared), 400, tooLarge, {});
  // A streamed body without a length: reading stops at the cap.
  let pulled = 0;
  const endless = new ReadableStream<Uint8Array>({
    pull(controller) {
      pulled++;
      controller.enqueue(new Uint8Array(64 * 1024).fill(0x20));
    },
  });
  const streamed = new Request("http://127.0.0.1:2379/v3/kv/put", {
    method: "POST",
    body: endless,
  });
  await expectText(await createHandler(service)(streamed), 400, tooLarge, {});
  assert.ok(pulled * 64 * 1024 <= bodyBytesMax + 2 * 64 * 1024, `pulled ${pulled} chunks`);
  assert.equal(service.calls.length, 0);
});

Deno.test("handler: a streamed body in pieces is read whole", async () => {
  const service = new FakeService();
  service.answer = () => PutResponseSchema.create();
  const pieces = ['{"key":', '"Zm9v",', '"value":"YmFy"}'].map((text) =>
    new TextEncoder().encode(text)
  );
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const piece of pieces) controller.enqueue(piece);
      controller.close();
    },
  });
  const response = await createHandler(service)(
    new Request("http://127.0.0.1:2379/v3/kv/put", { method: "POST", body }),
  );
  assert.equal(response.status, 200);
  await response.body?.cancel();
  const request = service.calls[0]!.request as { value: Uint8Array };
  assert.equal(new TextDecoder().decode(request.value), "bar");
});

// The messages and sizes etcd 3.4.23 answered for these requests with the
// default --max-request-bytes (1572864): its gRPC limit is 2097152 bytes.
Deno.test("handler: requests over etcd's gRPC limit get its 429", async () => {
  const service = new FakeService();
  const value = btoa("x".repeat(2 * 1024 * 1024));
  let response = await send(service, "POST", "/v3/kv/put", `{"key":"Zm9v","value":"${value}"}`);
  const tooBig = (n: number) =>
    `{"error":"grpc: received message larger than max (${n} vs. 2097152)",` +
    `"message":"grpc: received message larger than max (${n} vs. 2097152)","code":8}`;
  await expectText(response, 429, tooBig(2097162), {});
  const key = btoa("x".repeat(2050 * 1024));
  response = await send(service, "POST", "/v3/kv/range", `{"key":"${key}"}`);
  await expectText(response, 429, tooBig(2099205), {});
  const mib = btoa("x".repeat(1024 * 1024));
  const puts = ["Zm9v", "YmFy"].map((k) => `{"request_put":{"key":"${k}","value":"${mib}"}}`);
  response = await send(service, "POST", "/v3/kv/txn", `{"success":[${puts.join(",")}]}`);
  await expectText(response, 429, tooBig(2097186), {});
  assert.equal(service.calls.length, 0);
  // Just under the limit, the service decides (etcd: "request is too large" for a write).
  service.answer = () => {
    throw Errors.requestTooLarge();
  };
  const fits = btoa("x".repeat(1800 * 1024));
  response = await send(service, "POST", "/v3/kv/range", `{"key":"${fits}"}`);
  assert.equal(response.status, 400);
  await response.body?.cancel();
  assert.equal(service.calls.length, 1);
});

Deno.test("handler: a bad body never reaches the service", async () => {
  const service = new FakeService();
  for (const path of ["/v3/kv/range", "/v3/kv/put", "/v3/kv/txn", "/v3/maintenance/alarm"]) {
    const response = await send(service, "POST", path, '{"key":"Zm9v"');
    await expectText(
      response,
      400,
      '{"error":"unexpected EOF","message":"unexpected EOF","code":3}',
      { "content-type": "application/json", "grpc-metadata-content-type": null },
    );
  }
  assert.equal(service.calls.length, 0);
  assert.ok(new EtcdError("x", GrpcCode.InvalidArgument).httpStatus === 400);
});
