import assert from "node:assert/strict";
import { EtcdError } from "./errors.ts";
import {
  fromJson,
  fromJsonBytes,
  fromJsonBytesAt,
  MemberListResponseSchema,
  PutRequestSchema,
  RangeRequestSchema,
  RangeResponseSchema,
  StatusResponseSchema,
  TxnRequestSchema,
  TxnResponseSchema,
} from "./json.ts";
import { MESSAGE_NESTING_MAX } from "./json_decode.ts";
import { AlarmRequestSchema, CompareSchema, EventSchema, MemberSchema } from "./json_schemas.ts";
import { compare, putRequest, rangeRequest, txnRequest } from "./rpc.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

function errorOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    assert.ok(error instanceof EtcdError, String(error));
    return `${error.code} ${error.message}`;
  }
  return "no error";
}

Deno.test("fromJson: an empty body, whitespace or null is the zero message", () => {
  for (const text of ["", "  \n", "{}", "null", " null "]) {
    assert.deepEqual(fromJson(RangeRequestSchema, text), rangeRequest(), JSON.stringify(text));
  }
});

Deno.test("fromJson: every field of a RangeRequest", () => {
  const text = '{"key":"Zm9v","range_end":"Zm9w","limit":"5","revision":7,"sort_order":"ASCEND",' +
    '"sort_target":"MOD","serializable":true,"keys_only":true,"count_only":false,' +
    '"min_mod_revision":"1","max_mod_revision":2,"min_create_revision":"3","max_create_revision":4}';
  assert.deepEqual(
    fromJson(RangeRequestSchema, text),
    rangeRequest({
      key: bytes("foo"),
      rangeEnd: bytes("fop"),
      limit: 5,
      revision: 7,
      sortOrder: "ASCEND",
      sortTarget: "MOD",
      serializable: true,
      keysOnly: true,
      minModRevision: 1,
      maxModRevision: 2,
      minCreateRevision: 3,
      maxCreateRevision: 4,
    }),
  );
});

Deno.test("fromJson: 64-bit integers are exact as numbers and as strings", () => {
  const put = (lease: string) =>
    fromJson(PutRequestSchema, `{"key":"YQ==","lease":${lease}}`).lease;
  assert.equal(put("9007199254740993"), 9007199254740993n);
  assert.equal(put('"9007199254740993"'), 9007199254740993n);
  assert.equal(put("8346474173627693844"), 8346474173627693844n);
  assert.equal(put("9223372036854775807"), 9223372036854775807n);
  assert.equal(put("-9223372036854775808"), -9223372036854775808n);
  assert.equal(put('" 42 "'), 42n);
  assert.equal(put('"null"'), 0n);
  const member = fromJson(MemberSchema, '{"ID":"18446744073709551615"}');
  assert.equal(member.id, 18446744073709551615n);
  // Taken from etcd 3.4.23.
  assert.equal(
    errorOf(() => put('"9223372036854775808"')),
    "3 json: cannot unmarshal number 9223372036854775808 into Go value of type int64",
  );
  assert.equal(
    errorOf(() => fromJson(MemberSchema, '{"ID":-1}')),
    "3 json: cannot unmarshal number -1 into Go value of type uint64",
  );
});

Deno.test("fromJson: number fields beyond 2^53 are clamped to the safe range", () => {
  const range = (field: string) => fromJson(RangeRequestSchema, `{${field}}`);
  assert.equal(range('"revision":"9223372036854775807"').revision, Number.MAX_SAFE_INTEGER);
  assert.equal(range('"revision":9007199254740993').revision, Number.MAX_SAFE_INTEGER);
  assert.equal(range('"revision":"-9223372036854775808"').revision, -Number.MAX_SAFE_INTEGER);
  assert.equal(range('"revision":"9007199254740991"').revision, 9007199254740991);
  assert.equal(range('"limit":-0').limit, 0);
  assert.ok(Object.is(range('"limit":"-0"').limit, 0));
});

Deno.test("fromJson: proto and camel names; camel wins; the last repeat wins", () => {
  assert.equal(fromJson(RangeRequestSchema, '{"countOnly":true}').countOnly, true);
  assert.equal(
    fromJson(RangeRequestSchema, '{"countOnly":true,"count_only":false}').countOnly,
    true,
  );
  assert.equal(
    fromJson(RangeRequestSchema, '{"count_only":false,"countOnly":true}').countOnly,
    true,
  );
  assert.deepEqual(fromJson(RangeRequestSchema, '{"key":"YQ==","key":"Yg=="}').key, bytes("b"));
  assert.deepEqual(fromJson(RangeRequestSchema, '{"k\\u0065y":"Yg=="}').key, bytes("b"));
  assert.deepEqual(fromJson(RangeRequestSchema, '{"KEY":"Yg=="}').key, new Uint8Array(0));
  assert.equal(fromJson(MemberSchema, '{"peerURLs":["a","b"]}').peerUrls.length, 2);
});

Deno.test("fromJson: null is every field's zero value", () => {
  const text = '{"key":null,"limit":null,"sort_order":null,"serializable":null,"revision":"null"}';
  assert.deepEqual(fromJson(RangeRequestSchema, text), rangeRequest());
  assert.deepEqual(fromJson(TxnRequestSchema, '{"compare":null,"success":null}'), txnRequest());
  assert.deepEqual(fromJson(MemberSchema, '{"name":null,"peerURLs":[null,"x"]}').peerUrls, [
    "",
    "x",
  ]);
  assert.equal(fromJson(EventSchema, '{"prev_kv":null}').prevKv, null);
  assert.deepEqual(fromJson(EventSchema, '{"kv":null}').kv.key, new Uint8Array(0));
});

Deno.test("fromJson: enums by name or number", () => {
  const order = (value: string) =>
    fromJson(RangeRequestSchema, `{"sort_order":${value}}`).sortOrder;
  assert.equal(order('"DESCEND"'), "DESCEND");
  assert.equal(order("2"), "DESCEND");
  assert.equal(order("0"), "NONE");
  // etcd keeps an unknown number (and sorts as with NONE); we read the zero value.
  assert.equal(order("7"), "NONE");
  assert.equal(order("-1"), "NONE");
  assert.equal(
    errorOf(() => order('"2"')),
    '3 unknown value "2" for enum etcdserverpb.RangeRequest_SortOrder',
  );
  assert.equal(
    errorOf(() => order("2.0")),
    "3 json: cannot unmarshal number 2.0 into Go value of type etcdserverpb.RangeRequest_SortOrder",
  );
  assert.equal(
    errorOf(() => fromJson(AlarmRequestSchema, '{"alarm":"BOGUS"}')),
    '3 unknown value "BOGUS" for enum etcdserverpb.AlarmType',
  );
});

Deno.test("fromJson: bytes as base64 or, as Go allows, as an array of bytes", () => {
  assert.deepEqual(fromJson(RangeRequestSchema, '{"key":[102,111,111]}').key, bytes("foo"));
  assert.deepEqual(fromJson(RangeRequestSchema, '{"key":[null, 0]}').key, new Uint8Array(2));
  assert.deepEqual(fromJson(RangeRequestSchema, '{"key":[]}').key, new Uint8Array(0));
  assert.deepEqual(fromJson(RangeRequestSchema, '{"key":"Zm9\\u0076"}').key, bytes("foo"));
  assert.equal(
    errorOf(() => fromJson(RangeRequestSchema, '{"key":[300]}')),
    "3 json: cannot unmarshal number 300 into Go value of type uint8",
  );
});

Deno.test("fromJson: fields are decoded in proto order (the first error wins)", () => {
  // Taken from etcd 3.4.23: the key's error wins over the limit's wherever they stand.
  const base64 = "3 illegal base64 data at input byte 0";
  assert.equal(errorOf(() => fromJson(RangeRequestSchema, '{"limit":"x","key":"!!!"}')), base64);
  const limit = "3 invalid character 'x' looking for beginning of value";
  assert.equal(
    errorOf(() => fromJson(RangeRequestSchema, '{"sort_order":"X","limit":"x"}')),
    limit,
  );
  // A syntax error anywhere wins over any type error.
  assert.equal(
    errorOf(() => fromJson(RangeRequestSchema, '{"key":1,"x":tru}')),
    "3 invalid character '}' in literal true (expecting 'e')",
  );
  // In a Compare, the oneof operand comes after range_end.
  assert.equal(
    errorOf(() => fromJson(CompareSchema, '{"version":"x","range_end":"!"}')),
    base64,
  );
});

Deno.test("fromJson: txn ops and compares", () => {
  const text = '{"compare":[{"key":"Zm9v","target":"MOD","version":"4","mod_revision":"5"}],' +
    '"success":[{"request_range":{"key":"YQ=="},"request_put":{"key":"Yg=="}}],' +
    '"failure":[{"requestDeleteRange":{"key":"Yw=="}}]}';
  const txn = fromJson(TxnRequestSchema, text);
  assert.deepEqual(txn.compare, [
    compare({ key: bytes("foo"), target: "MOD", version: 4, modRevision: 5 }),
  ]);
  // Several members in one op: the last in proto order is kept.
  assert.deepEqual(txn.success, [{ requestPut: putRequest({ key: bytes("b") }) }]);
  assert.deepEqual(Object.keys(txn.failure[0]!), ["requestDeleteRange"]);
});

Deno.test("fromJson: an op with no request is refused after the whole body decoded", () => {
  const keyNotFound = "3 etcdserver: key not found";
  for (
    const text of ['{"success":[{}]}', '{"success":[null]}', '{"failure":[{"request_put":null}]}']
  ) {
    assert.equal(errorOf(() => fromJson(TxnRequestSchema, text)), keyNotFound, text);
  }
  // A JSON error later in the body wins (etcd decodes the whole body first).
  assert.equal(
    errorOf(() =>
      fromJson(TxnRequestSchema, '{"success":[{}],"failure":[{"request_range":{"key":"!"}}]}')
    ),
    "3 illegal base64 data at input byte 0",
  );
});

Deno.test("fromJson: nested txns up to the nesting bound", () => {
  const nest = (depth: number) => {
    let text = "{}";
    for (let i = 0; i < depth; i++) text = `{"success":[{"request_txn":${text}}]}`;
    return text;
  };
  const deep = nest(MESSAGE_NESTING_MAX / 2 - 1);
  let txn = fromJson(TxnRequestSchema, deep);
  let levels = 0;
  while (txn.success.length > 0) {
    const op = txn.success[0]!;
    assert.ok("requestTxn" in op);
    txn = op.requestTxn;
    levels++;
  }
  assert.equal(levels, MESSAGE_NESTING_MAX / 2 - 1);
  assert.equal(
    errorOf(() => fromJson(TxnRequestSchema, nest(MESSAGE_NESTING_MAX))),
    "3 etcdserver: too many operations in txn request",
  );
});

Deno.test("fromJsonBytesAt: a stream of whitespace-separated messages", () => {
  const stream = bytes(' {"key":"YQ=="}\n{"key":"Yg=="} {"limit":3}  ');
  const keys: number[] = [];
  let at = 0;
  for (;;) {
    const next = fromJsonBytesAt(RangeRequestSchema, stream, at);
    if (next === undefined) break;
    keys.push(next.value.key[0] ?? next.value.limit);
    at = next.end;
  }
  assert.deepEqual(keys, [0x61, 0x62, 3]);
});

Deno.test("fromJsonBytes: strings as Go unquotes them", () => {
  const name = (raw: Uint8Array) =>
    fromJsonBytes(MemberSchema, new Uint8Array([...bytes('{"name":"'), ...raw, ...bytes('"}')]))
      .name;
  assert.equal(name(bytes("etcd1")), "etcd1");
  assert.equal(name(bytes("\\u00e9\\ud83d\\ude00\\n\\/")), "é😀\n/");
  assert.equal(name(bytes("a\\ud800b")), "a\ufffdb");
  assert.equal(name(bytes("\\udc00\\ud800")), "\ufffd\ufffd");
  assert.equal(name(new Uint8Array([0x61, 0xff, 0xe2, 0x82])), "a\ufffd\ufffd\ufffd");
});

Deno.test("fromJson: responses as a client reads them", () => {
  // Recorded from etcd 3.4.23 (reference transcript 2.3, 2.5 and 2.9).
  const range = fromJson(
    RangeResponseSchema,
    '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932",' +
      '"revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=","create_revision":"25",' +
      '"mod_revision":"28","version":"2","value":"YTI="}],"more":true,"count":"3"}',
  );
  assert.equal(range.header.clusterId, 8275919166029150406n);
  assert.equal(range.header.revision, 28);
  assert.deepEqual(range.kvs[0], {
    key: bytes("pfx/a"),
    createRevision: 25,
    modRevision: 28,
    version: 2,
    value: bytes("a2"),
    lease: 0n,
  });
  assert.equal(range.more, true);
  assert.equal(range.count, 3);
  const status = fromJson(
    StatusResponseSchema,
    '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932",' +
      '"revision":"48","raft_term":"2"},"version":"3.4.23","dbSize":"24576",' +
      '"leader":"16369265254150603570","raftIndex":"105","raftTerm":"2",' +
      '"raftAppliedIndex":"105","dbSizeInUse":"20480"}',
  );
  assert.equal(status.leader, 16369265254150603570n);
  assert.equal(status.dbSizeInUse, 20480);
  assert.deepEqual(status.errors, []);
  const members = fromJson(
    MemberListResponseSchema,
    '{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932",' +
      '"raft_term":"2"},"members":[{"ID":"15679842276203101306","name":"etcd3",' +
      '"peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]}]}',
  );
  assert.deepEqual(members.members, [{
    id: 15679842276203101306n,
    name: "etcd3",
    peerUrls: ["http://127.0.0.1:32380"],
    clientUrls: ["http://127.0.0.1:32379"],
    isLearner: false,
  }]);
  const txn = fromJson(
    TxnResponseSchema,
    '{"header":{},"succeeded":true,"responses":[{"response_put":{"header":{"revision":"36"}}}]}',
  );
  assert.ok("responsePut" in txn.responses[0]!);
  assert.equal(txn.responses[0].responsePut.header.revision, 36);
  assert.equal(txn.responses[0].responsePut.prevKv, null);
});
