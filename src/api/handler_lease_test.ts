import assert from "node:assert/strict";
import { Errors, type LeaseKeepAliveRequest } from "../proto/mod.ts";
import { FakeService } from "./_testing.ts";
import { createHandler } from "./handler.ts";

const HEADER = {
  clusterId: 8275919166029150406n,
  memberId: 7578380740807422932n,
  revision: 45,
  raftTerm: 2,
};
const HEADER_JSON =
  '"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"45","raft_term":"2"}';

function send(
  service: FakeService,
  path: string,
  body?: BodyInit,
  method = "POST",
): Promise<Response> {
  const init: RequestInit = body === undefined ? { method } : { method, body };
  return createHandler(service)(new Request("http://127.0.0.1:2379" + path, init));
}

async function expectJson(response: Response, status: number, body: string): Promise<void> {
  assert.equal(await response.text(), body);
  assert.equal(response.status, status);
  assert.equal(response.headers.get("content-type"), "application/json");
}

Deno.test("lease gateway: grant, revoke, timetolive and leases as etcd's gateway answers", async () => {
  const service = new FakeService();
  service.answer = (method, request) => {
    switch (method) {
      case "leaseGrant":
        return { header: HEADER, id: 8346474173627693963n, ttl: 60, error: "" };
      case "leaseRevoke":
        return { header: HEADER };
      case "leaseTimeToLive":
        return {
          header: HEADER,
          id: (request as { id: bigint }).id,
          ttl: 59,
          grantedTtl: 60,
          keys: [new TextEncoder().encode("leased1")],
        };
      case "leaseLeases":
        return { header: HEADER, leases: [{ id: 8346474173627693963n }, { id: 1000n }] };
    }
    throw new Error(method);
  };
  await expectJson(
    await send(service, "/v3/lease/grant", '{"TTL":60}'),
    200,
    `{${HEADER_JSON},"ID":"8346474173627693963","TTL":"60"}`,
  );
  assert.deepEqual(service.calls.at(-1)?.request, { ttl: 60, id: 0n });
  await send(service, "/v3/lease/grant", '{"TTL":"30","ID":9007199254740993}');
  assert.deepEqual(service.calls.at(-1)?.request, { ttl: 30, id: 9007199254740993n });
  for (const path of ["/v3/lease/revoke", "/v3/kv/lease/revoke", "/v3beta/lease/revoke"]) {
    await expectJson(await send(service, path, '{"ID":"1000"}'), 200, `{${HEADER_JSON}}`);
    assert.deepEqual(service.calls.at(-1), {
      method: "leaseRevoke",
      request: { id: 1000n },
      options: service.calls.at(-1)?.options,
    });
  }
  for (const path of ["/v3/lease/timetolive", "/v3/kv/lease/timetolive"]) {
    await expectJson(
      await send(service, path, '{"ID":"8346474173627693963","keys":true}'),
      200,
      `{${HEADER_JSON},"ID":"8346474173627693963","TTL":"59","grantedTTL":"60","keys":["bGVhc2VkMQ=="]}`,
    );
  }
  assert.deepEqual(service.calls.at(-1)?.request, { id: 8346474173627693963n, keys: true });
  for (const path of ["/v3/lease/leases", "/v3/kv/lease/leases"]) {
    await expectJson(
      await send(service, path, "{}"),
      200,
      `{${HEADER_JSON},"leases":[{"ID":"8346474173627693963"},{"ID":"1000"}]}`,
    );
  }
});

Deno.test("lease gateway: etcd's errors; the old path has no grant or keepalive", async () => {
  const service = new FakeService();
  service.answer = (method) => {
    if (method === "leaseRevoke") throw Errors.leaseNotFound();
    if (method === "leaseGrant") throw Errors.leaseExist();
    throw Errors.leaseTtlTooLarge();
  };
  const error = (message: string, code: number) =>
    `{"error":"${message}","message":"${message}","code":${code}}`;
  await expectJson(
    await send(service, "/v3/lease/revoke", '{"ID":"1"}'),
    404,
    error("etcdserver: requested lease not found", 5),
  );
  await expectJson(
    await send(service, "/v3/lease/grant", '{"TTL":"30","ID":"1001"}'),
    412,
    error("etcdserver: lease already exists", 9),
  );
  for (const path of ["/v3/kv/lease/grant", "/v3/kv/lease/keepalive"]) {
    const response = await send(service, path, "{}");
    assert.equal(response.status, 404);
    assert.equal(await response.text(), "Not Found\n");
  }
  const get = await send(service, "/v3/lease/keepalive", undefined, "GET");
  assert.equal(get.status, 405);
  await get.body?.cancel();
});

function keepAliveService(): FakeService {
  const service = new FakeService();
  service.answer = (method, request) => {
    assert.equal(method, "leaseKeepAlive");
    const id = (request as LeaseKeepAliveRequest).id;
    if (id === 503n) throw Errors.timeout();
    return { header: HEADER, id, ttl: id === 12n ? 0 : 60 };
  };
  return service;
}

const line = (id: string, ttl?: string) =>
  `{"result":{${HEADER_JSON},"ID":"${id}"${ttl === undefined ? "" : `,"TTL":"${ttl}"`}}}\n`;

Deno.test("lease gateway: keepalive answers each object of the body, then ends", async () => {
  const service = keepAliveService();
  const response = await send(
    service,
    "/v3/lease/keepalive",
    '{"ID":"8346474173627693963"} {"ID":8346474173627693963}\n{"ID":"12"}',
  );
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("grpc-metadata-content-type"), "application/grpc");
  assert.equal(
    await response.text(),
    line("8346474173627693963", "60") + line("8346474173627693963", "60") + line("12"),
  );
});

Deno.test("lease gateway: keepalive with an empty body, bad JSON first and later", async () => {
  const service = keepAliveService();
  const empty = await send(service, "/v3/lease/keepalive", "");
  assert.equal(empty.status, 200);
  assert.equal(empty.headers.get("grpc-metadata-content-type"), null);
  assert.equal(await empty.text(), "");
  await expectJson(
    await send(service, "/v3/lease/keepalive", '{"ID":"abc"}'),
    500,
    '{"error":"invalid character \'a\' looking for beginning of value","message":"invalid character \'a\' looking for beginning of value","code":2}',
  );
  await expectJson(
    await send(service, "/v3/lease/keepalive", "[1]"),
    500,
    '{"error":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","message":"json: cannot unmarshal array into Go value of type map[string]json.RawMessage","code":2}',
  );
  const later = await send(service, "/v3/lease/keepalive", '{"ID":"1"} nonsense {"ID":"2"}');
  assert.equal(await later.text(), line("1", "60"));
  const cut = await send(service, "/v3/lease/keepalive", '{"ID":"1"}{');
  assert.equal(await cut.text(), line("1", "60"));
});

Deno.test("lease gateway: a server error ends the keepalive stream with an error chunk", async () => {
  const service = keepAliveService();
  const chunk =
    '{"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: request timed out","http_status":"Service Unavailable"}}';
  const first = await send(service, "/v3/lease/keepalive", '{"ID":"503"} {"ID":"1"}');
  assert.equal(first.status, 503);
  assert.equal(await first.text(), chunk);
  const later = await send(service, "/v3/lease/keepalive", '{"ID":"1"} {"ID":"503"} {"ID":"2"}');
  assert.equal(later.status, 200);
  assert.equal(await later.text(), line("1", "60") + chunk);
  assert.deepEqual(service.calls.map((c) => (c.request as LeaseKeepAliveRequest).id), [
    503n,
    1n,
    503n,
  ]);
});

Deno.test("lease gateway: keepalive answers messages as they arrive on an open body", async () => {
  const service = keepAliveService();
  let push: (text: string | null) => void = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      push = (text) =>
        text === null ? controller.close() : controller.enqueue(new TextEncoder().encode(text));
    },
  });
  push('{"ID":');
  const answered = send(service, "/v3/lease/keepalive", body);
  push('"7"} {"I');
  const response = await answered; // the first answer, while the body is still open
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  assert.equal((await reader.read()).value, line("7", "60"));
  push('D":"8"}');
  assert.equal((await reader.read()).value, line("8", "60"));
  push(null);
  assert.equal((await reader.read()).done, true);
});
