// The membership messages' JSON, against bodies etcd 3.4.23's gateway sent
// and accepted (tests/compat/recorded_member_calls.ts has the recording).
import assert from "node:assert/strict";
import { EtcdError } from "./errors.ts";
import { fromJson, protoSize, toJson } from "./json.ts";
import {
  MemberAddRequestSchema,
  MemberAddResponseSchema,
  MemberPromoteRequestSchema,
  MemberPromoteResponseSchema,
  MemberRemoveRequestSchema,
  MemberRemoveResponseSchema,
  MemberUpdateRequestSchema,
  MemberUpdateResponseSchema,
} from "./json_schemas.ts";

const H = '{"cluster_id":"639251452477487419","member_id":"7483549097294873886","raft_term":"2"}';
const M1 =
  '{"ID":"7483549097294873886","name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}';
const LEARNER =
  '{"ID":"12974857349106113492","peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';

Deno.test("json: member add response round-trips etcd's body; no member, no key", () => {
  const text = `{"header":${H},"member":${LEARNER},"members":[${M1},${LEARNER}]}`;
  const resp = fromJson(MemberAddResponseSchema, text);
  assert.equal(resp.member?.id, 12974857349106113492n);
  assert.equal(resp.member?.isLearner, true);
  assert.deepEqual(resp.member?.clientUrls, []);
  assert.equal(resp.members.length, 2);
  assert.equal(resp.header.revision, 0);
  assert.equal(toJson(MemberAddResponseSchema, resp), text);
  const empty = MemberAddResponseSchema.create();
  assert.equal(empty.member, null);
  assert.equal(toJson(MemberAddResponseSchema, empty), '{"header":{}}');
});

Deno.test("json: remove, update and promote responses hold header and members", () => {
  const text = `{"header":${H},"members":[${M1}]}`;
  for (const schema of [MemberRemoveResponseSchema, MemberUpdateResponseSchema]) {
    assert.equal(toJson(schema, fromJson(schema, text)), text);
  }
  const promoted = fromJson(MemberPromoteResponseSchema, text);
  assert.equal(promoted.members[0]!.name, "m1");
  assert.equal(toJson(MemberPromoteResponseSchema, promoted), text);
});

Deno.test("json: membership requests as the client sends them and etcd reads them", () => {
  const add = { peerUrls: ["http://127.0.0.1:54380"], isLearner: false };
  assert.equal(toJson(MemberAddRequestSchema, add), '{"peerURLs":["http://127.0.0.1:54380"]}');
  assert.equal(
    toJson(MemberAddRequestSchema, { ...add, isLearner: true }),
    '{"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}',
  );
  assert.equal(toJson(MemberRemoveRequestSchema, { id: 4660n }), '{"ID":"4660"}');
  assert.equal(
    toJson(MemberUpdateRequestSchema, { id: 1n, peerUrls: ["http://a:1", "http://b:2"] }),
    '{"ID":"1","peerURLs":["http://a:1","http://b:2"]}',
  );
  assert.equal(
    toJson(MemberPromoteRequestSchema, { id: 18446744073709551615n }),
    '{"ID":"18446744073709551615"}',
  );
  assert.deepEqual(fromJson(MemberPromoteRequestSchema, '{"ID":12974857349106113492}'), {
    id: 12974857349106113492n,
  });
  assert.deepEqual(fromJson(MemberRemoveRequestSchema, '{"id":"7"}'), { id: 0n });
  assert.deepEqual(fromJson(MemberAddRequestSchema, '{"peerUrls":["x"]}'), {
    peerUrls: [],
    isLearner: false,
  });
});

Deno.test("json: bad membership requests fail with Go's messages", () => {
  const cases: [string, string][] = [
    ['{"ID":"abc"}', "invalid character 'a' looking for beginning of value"],
    ['{"ID":-1}', "json: cannot unmarshal number -1 into Go value of type uint64"],
    ['{"ID":1.5}', "json: cannot unmarshal number 1.5 into Go value of type uint64"],
    ['{"ID":true}', "json: cannot unmarshal bool into Go value of type uint64"],
  ];
  for (const [text, message] of cases) {
    assert.throws(() => fromJson(MemberPromoteRequestSchema, text), (e: unknown) => {
      return e instanceof EtcdError && e.message === message && e.code === 3;
    });
  }
  assert.throws(
    () => fromJson(MemberAddRequestSchema, '{"peerURLs":"http://a:1"}'),
    /cannot unmarshal string into Go value of type \[\]json.RawMessage/,
  );
});

Deno.test("json: the membership messages' protobuf sizes", () => {
  // MemberAddRequest{peerURLs:["http://127.0.0.1:54380"], isLearner:true}: 2+22 + 2.
  const add = { peerUrls: ["http://127.0.0.1:54380"], isLearner: true };
  assert.equal(protoSize(MemberAddRequestSchema, add), 26);
  // MemberUpdateRequest{ID: 2^64-1 (10-byte varint), one URL}: 11 + 24.
  const update = { id: 18446744073709551615n, peerUrls: ["http://127.0.0.1:54380"] };
  assert.equal(protoSize(MemberUpdateRequestSchema, update), 35);
});
