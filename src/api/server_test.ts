import assert from "node:assert/strict";
import { PutResponseSchema } from "../proto/mod.ts";
import { FakeService } from "./_testing.ts";
import { serveApi } from "./server.ts";

Deno.test({
  name: "serveApi: a real socket on port 0, then a clean shutdown",
  sanitizeOps: true,
  sanitizeResources: true,
  async fn() {
    const service = new FakeService();
    service.answer = () => ({
      ...PutResponseSchema.create(),
      header: { clusterId: 1n, memberId: 2n, revision: 3, raftTerm: 4 },
    });
    let announced: Deno.NetAddr | undefined;
    const server = serveApi(service, {
      hostname: "127.0.0.1",
      port: 0,
      onListen: (address) => (announced = address),
    });
    try {
      assert.equal(announced?.port, server.addr.port);
      assert.ok(server.addr.port > 0);
      const base = `http://127.0.0.1:${server.addr.port}`;
      const put = await fetch(base + "/v3/kv/put", {
        method: "POST",
        body: '{"key":"Zm9v","value":"YmFy"}',
      });
      assert.equal(put.status, 200);
      assert.equal(put.headers.get("content-length"), "76");
      assert.equal(
        await put.text(),
        '{"header":{"cluster_id":"1","member_id":"2","revision":"3","raft_term":"4"}}',
      );
      const health = await fetch(base + "/health");
      assert.equal(await health.text(), '{"health":"true"}');
      const preflight = await fetch(base + "/v3/kv/range", { method: "OPTIONS" });
      assert.equal(preflight.headers.get("content-length"), "0");
      assert.equal(await preflight.text(), "");
      assert.equal(service.calls.length, 2);
    } finally {
      await server.shutdown();
      await server.finished;
    }
  },
});

Deno.test("serveApi: a certificate needs its key", () => {
  assert.throws(
    () => serveApi(new FakeService(), { hostname: "127.0.0.1", port: 0, cert: "x" }),
    /cert and key go together/,
  );
});
