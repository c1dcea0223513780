// The membership calls through the gateway; bodies as etcd 3.4.23's gateway
// answered them (tests/compat/recorded_member_calls.ts has the recording).
import assert from "node:assert/strict";
import { Errors, EtcdError, GrpcCode, type Member, type ResponseHeader } from "../proto/mod.ts";
import { FakeService, post } from "./_testing.ts";
import { createHandler } from "./handler.ts";

const HEADER: ResponseHeader = {
  clusterId: 639251452477487419n,
  memberId: 7483549097294873886n,
  revision: 0,
  raftTerm: 2,
};
const H = '{"cluster_id":"639251452477487419","member_id":"7483549097294873886","raft_term":"2"}';

const M1: Member = {
  id: 7483549097294873886n,
  name: "m1",
  peerUrls: ["http://127.0.0.1:51380"],
  clientUrls: ["http://127.0.0.1:51379"],
  isLearner: false,
};
const M1_JSON =
  '{"ID":"7483549097294873886","name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}';
const LEARNER: Member = {
  id: 12974857349106113492n,
  name: "",
  peerUrls: ["http://127.0.0.1:54380"],
  clientUrls: [],
  isLearner: true,
};
const LEARNER_JSON =
  '{"ID":"12974857349106113492","peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';

async function call(service: FakeService, path: string, body: string) {
  const response = await createHandler(service)(post(path, body));
  return { status: response.status, text: await response.text() };
}

Deno.test("handler: member add decodes peerURLs and isLearner, answers the new member", async () => {
  const service = new FakeService();
  service.answer = () => ({ header: HEADER, member: LEARNER, members: [M1, LEARNER] });
  const body = '{"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';
  assert.deepEqual(await call(service, "/v3/cluster/member/add", body), {
    status: 200,
    text: `{"header":${H},"member":${LEARNER_JSON},"members":[${M1_JSON},${LEARNER_JSON}]}`,
  });
  assert.equal(service.calls[0]!.method, "memberAdd");
  assert.deepEqual(service.calls[0]!.request, {
    peerUrls: ["http://127.0.0.1:54380"],
    isLearner: true,
  });
  service.answer = () => ({ header: HEADER, member: null, members: [] });
  assert.equal((await call(service, "/v3beta/cluster/member/add", "")).text, `{"header":${H}}`);
  assert.deepEqual(service.calls[1]!.request, { peerUrls: [], isLearner: false });
});

Deno.test("handler: member remove, update and promote take the ID as etcd's gateway does", async () => {
  const service = new FakeService();
  service.answer = () => ({ header: HEADER, members: [M1] });
  const expected = { status: 200, text: `{"header":${H},"members":[${M1_JSON}]}` };
  assert.deepEqual(await call(service, "/v3/cluster/member/remove", '{"ID":"4660"}'), expected);
  const update = '{"ID":7483549097294873886,"peerURLs":["http://127.0.0.1:51380"]}';
  assert.deepEqual(await call(service, "/v3/cluster/member/update", update), expected);
  const promote = '{"ID":"18446744073709551615"}';
  assert.deepEqual(await call(service, "/v3beta/cluster/member/promote", promote), expected);
  assert.deepEqual(service.calls.map((c) => [c.method, c.request]), [
    ["memberRemove", { id: 4660n }],
    ["memberUpdate", { id: 7483549097294873886n, peerUrls: ["http://127.0.0.1:51380"] }],
    ["memberPromote", { id: 18446744073709551615n }],
  ]);
});

Deno.test("handler: the service's membership errors become etcd's bodies", async () => {
  const service = new FakeService();
  const cases: [string, EtcdError, number][] = [
    ["/v3/cluster/member/remove", new EtcdError("etcdserver: member not found", 5), 404],
    [
      "/v3/cluster/member/promote",
      new EtcdError("etcdserver: can only promote a learner member", 9),
      412,
    ],
    ["/v3/cluster/member/add", new EtcdError("etcdserver: unhealthy cluster", 14), 503],
    ["/v3/cluster/member/update", new EtcdError("etcdserver: Peer URLs already exists", 9), 412],
    ["/v3/cluster/member/promote", Errors.timeout(), 503],
  ];
  for (const [path, error, status] of cases) {
    service.answer = () => {
      throw error;
    };
    const { message, code } = error;
    assert.deepEqual(await call(service, path, '{"ID":"1"}'), {
      status,
      text: JSON.stringify({ error: message, message, code }),
    });
  }
});

Deno.test("handler: a bad membership body never reaches the service", async () => {
  const service = new FakeService();
  const cases: [string, string, string][] = [
    [
      "/v3/cluster/member/remove",
      '{"ID":"abc"}',
      "invalid character 'a' looking for beginning of value",
    ],
    [
      "/v3/cluster/member/promote",
      '{"ID":-1}',
      "json: cannot unmarshal number -1 into Go value of type uint64",
    ],
    [
      "/v3/cluster/member/update",
      '{"peerURLs":[1]}',
      "json: cannot unmarshal number into Go value of type string",
    ],
    [
      "/v3/cluster/member/add",
      '{"isLearner":"yes"}',
      "json: cannot unmarshal string into Go value of type bool",
    ],
  ];
  for (const [path, body, message] of cases) {
    const text = JSON.stringify({ error: message, message, code: GrpcCode.InvalidArgument });
    assert.deepEqual(await call(service, path, body), { status: 400, text });
  }
  assert.equal(service.calls.length, 0);
});
