// The strict reconfiguration check's refusal through the gateway: etcd
// 3.4.23 answered `member add` (voter and learner) and `member remove` on a
// three-member cluster, right after its start and with a member down, with
// HTTP 503 and this body (probed 2026-11-24; etcdctl printed
// `Error: etcdserver: unhealthy cluster` and exited 1).
import assert from "node:assert/strict";
import { Errors } from "../proto/mod.ts";
import { FakeService, post } from "./_testing.ts";
import { createHandler } from "./handler.ts";

const ETCD_BODY =
  '{"error":"etcdserver: unhealthy cluster","message":"etcdserver: unhealthy cluster","code":14}';

Deno.test("handler: member add and remove refused as unhealthy answer etcd's 503 and body", async () => {
  const service = new FakeService();
  service.answer = () => {
    throw Errors.unhealthy();
  };
  const calls: [string, string][] = [
    ["/v3/cluster/member/add", '{"peerURLs":["http://127.0.0.1:1"]}'],
    ["/v3/cluster/member/add", '{"peerURLs":["http://127.0.0.1:3"],"isLearner":true}'],
    ["/v3/cluster/member/remove", '{"ID":"14260283497478456266"}'],
  ];
  for (const [path, body] of calls) {
    const response = await createHandler(service)(post(path, body));
    assert.equal(response.status, 503, path);
    assert.equal(await response.text(), ETCD_BODY, path);
  }
  assert.deepEqual(service.calls.map((c) => c.method), ["memberAdd", "memberAdd", "memberRemove"]);
});
