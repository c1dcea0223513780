import assert from "node:assert/strict";
import fc from "fast-check";
import { EtcdError, GrpcCode } from "./errors.ts";
import {
  CompactionResponseSchema,
  DeleteRangeResponseSchema,
  errorToJson,
  EventSchema,
  fromJson,
  HashResponseSchema,
  MemberListResponseSchema,
  PutRequestSchema,
  PutResponseSchema,
  RangeRequestSchema,
  RangeResponseSchema,
  StatusResponseSchema,
  toJson,
  TxnRequestSchema,
  TxnResponseSchema,
} from "./json.ts";
import {
  type Compare,
  compare,
  type KeyValue,
  putRequest,
  rangeRequest,
  type RequestOp,
  type ResponseHeader,
  type TxnRequest,
  txnRequest,
} from "./rpc.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);
const EMPTY = new Uint8Array(0);

// The ids of the reference transcript's cluster (etcd 3.4.23).
const CLUSTER = 8275919166029150406n;
const MEMBER = 7578380740807422932n;
const HEADER_TEXT = '"cluster_id":"8275919166029150406","member_id":"7578380740807422932"';

function header(revision: number): ResponseHeader {
  return { clusterId: CLUSTER, memberId: MEMBER, revision, raftTerm: 2 };
}

function onlyRevision(revision: number): ResponseHeader {
  return { clusterId: 0n, memberId: 0n, revision, raftTerm: 0 };
}

function kv(key: string, create: number, mod: number, version: number, value = ""): KeyValue {
  return {
    key: bytes(key),
    createRevision: create,
    modRevision: mod,
    version,
    value: bytes(value),
    lease: 0n,
  };
}

// Every expected text below is a body recorded from etcd 3.4.23 (reference
// transcript sections 2.1-2.9).
Deno.test("toJson: KV responses as etcd writes them", () => {
  assert.equal(
    toJson(PutResponseSchema, { header: header(19), prevKv: null }),
    `{"header":{${HEADER_TEXT},"revision":"19","raft_term":"2"}}`,
  );
  assert.equal(
    toJson(PutResponseSchema, { header: header(21), prevKv: kv("foo", 19, 20, 2, "baz") }),
    `{"header":{${HEADER_TEXT},"revision":"21","raft_term":"2"},"prev_kv":{"key":"Zm9v",` +
      `"create_revision":"19","mod_revision":"20","version":"2","value":"YmF6"}}`,
  );
  assert.equal(
    toJson(RangeResponseSchema, {
      header: header(23),
      kvs: [kv("emptyval", 23, 23, 1)],
      more: false,
      count: 1,
    }),
    `{"header":{${HEADER_TEXT},"revision":"23","raft_term":"2"},"kvs":[{"key":"ZW1wdHl2YWw=",` +
      `"create_revision":"23","mod_revision":"23","version":"1"}],"count":"1"}`,
  );
  assert.equal(
    toJson(RangeResponseSchema, { header: header(28), kvs: [], more: false, count: 0 }),
    `{"header":{${HEADER_TEXT},"revision":"28","raft_term":"2"}}`,
  );
  assert.equal(
    toJson(RangeResponseSchema, {
      header: header(28),
      kvs: [kv("pfx/a", 25, 28, 2, "a2")],
      more: true,
      count: 3,
    }),
    `{"header":{${HEADER_TEXT},"revision":"28","raft_term":"2"},"kvs":[{"key":"cGZ4L2E=",` +
      `"create_revision":"25","mod_revision":"28","version":"2","value":"YTI="}],"more":true,` +
      `"count":"3"}`,
  );
  assert.equal(
    toJson(DeleteRangeResponseSchema, {
      header: header(31),
      deleted: 1,
      prevKvs: [kv("del1", 29, 29, 1, "d1")],
    }),
    `{"header":{${HEADER_TEXT},"revision":"31","raft_term":"2"},"deleted":"1","prev_kvs":[{` +
      `"key":"ZGVsMQ==","create_revision":"29","mod_revision":"29","version":"1","value":"ZDE="}]}`,
  );
  assert.equal(
    toJson(CompactionResponseSchema, { header: header(36) }),
    `{"header":{${HEADER_TEXT},"revision":"36","raft_term":"2"}}`,
  );
});

Deno.test("toJson: txn responses, nested headers and a nested txn's empty header", () => {
  const nested = toJson(TxnResponseSchema, {
    header: header(36),
    succeeded: true,
    responses: [
      { responsePut: { header: onlyRevision(36), prevKv: null } },
      {
        responseTxn: {
          header: onlyRevision(0),
          succeeded: true,
          responses: [{
            responseRange: {
              header: onlyRevision(36),
              kvs: [kv("foo", 35, 36, 2, "cas")],
              more: false,
              count: 1,
            },
          }],
        },
      },
    ],
  });
  assert.equal(
    nested,
    `{"header":{${HEADER_TEXT},"revision":"36","raft_term":"2"},"succeeded":true,"responses":[` +
      `{"response_put":{"header":{"revision":"36"}}},{"response_txn":{"header":{},"succeeded":true,` +
      `"responses":[{"response_range":{"header":{"revision":"36"},"kvs":[{"key":"Zm9v",` +
      `"create_revision":"35","mod_revision":"36","version":"2","value":"Y2Fz"}],"count":"1"}}]}}]}`,
  );
  assert.equal(
    toJson(TxnResponseSchema, { header: header(36), succeeded: false, responses: [] }),
    `{"header":{${HEADER_TEXT},"revision":"36","raft_term":"2"}}`,
  );
});

Deno.test("toJson: cluster and maintenance responses", () => {
  assert.equal(
    toJson(MemberListResponseSchema, {
      header: { clusterId: CLUSTER, memberId: MEMBER, revision: 0, raftTerm: 2 },
      members: [{
        id: 16369265254150603570n,
        name: "etcd2",
        peerUrls: ["http://127.0.0.1:22380"],
        clientUrls: ["http://127.0.0.1:22379"],
        isLearner: false,
      }],
    }),
    `{"header":{${HEADER_TEXT},"raft_term":"2"},"members":[{"ID":"16369265254150603570",` +
      `"name":"etcd2","peerURLs":["http://127.0.0.1:22380"],"clientURLs":["http://127.0.0.1:22379"]}]}`,
  );
  assert.equal(
    toJson(StatusResponseSchema, {
      header: header(48),
      version: "3.4.23",
      dbSize: 24576,
      leader: 16369265254150603570n,
      raftIndex: 105,
      raftTerm: 2,
      raftAppliedIndex: 105,
      errors: [],
      dbSizeInUse: 20480,
      isLearner: false,
    }),
    `{"header":{${HEADER_TEXT},"revision":"48","raft_term":"2"},"version":"3.4.23",` +
      `"dbSize":"24576","leader":"16369265254150603570","raftIndex":"105","raftTerm":"2",` +
      `"raftAppliedIndex":"105","dbSizeInUse":"20480"}`,
  );
  assert.equal(
    toJson(HashResponseSchema, { header: header(48), hash: 3431708645 }),
    `{"header":{${HEADER_TEXT},"revision":"48","raft_term":"2"},"hash":3431708645}`,
  );
});

Deno.test("toJson: watch events (PUT is enum 0 and left out)", () => {
  assert.equal(
    toJson(EventSchema, { type: "PUT", kv: kv("foo", 2, 3, 2, "bar"), prevKv: null }),
    '{"kv":{"key":"Zm9v","create_revision":"2","mod_revision":"3","version":"2","value":"YmFy"}}',
  );
  assert.equal(
    toJson(EventSchema, { type: "DELETE", kv: kv("foo", 0, 4, 0), prevKv: null }),
    '{"type":"DELETE","kv":{"key":"Zm9v","mod_revision":"4"}}',
  );
});

Deno.test("toJson: requests, as a client sends them", () => {
  assert.equal(toJson(RangeRequestSchema, rangeRequest()), "{}");
  assert.equal(
    toJson(RangeRequestSchema, rangeRequest({ key: bytes("foo"), sortOrder: "DESCEND", limit: 2 })),
    '{"key":"Zm9v","limit":"2","sort_order":"DESCEND"}',
  );
  assert.equal(
    toJson(PutRequestSchema, putRequest({ key: bytes("k"), lease: 8346474173627693844n })),
    '{"key":"aw==","lease":"8346474173627693844"}',
  );
  // The compare's operand is always written (etcd's clients set the oneof).
  assert.equal(
    toJson(TxnRequestSchema, txnRequest({ compare: [compare({ key: bytes("foo") })] })),
    '{"compare":[{"key":"Zm9v","version":"0"}]}',
  );
  assert.equal(
    toJson(TxnRequestSchema, {
      compare: [compare({ key: bytes("a"), target: "MOD", result: "LESS", modRevision: 5 })],
      success: [{ requestRange: rangeRequest({ key: bytes("a"), rangeEnd: new Uint8Array([0]) }) }],
      failure: [{ requestTxn: txnRequest() }],
    }),
    '{"compare":[{"result":"LESS","target":"MOD","key":"YQ==","mod_revision":"5"}],' +
      '"success":[{"request_range":{"key":"YQ==","range_end":"AA=="}}],' +
      '"failure":[{"request_txn":{}}]}',
  );
  assert.equal(
    toJson(TxnRequestSchema, {
      compare: [compare({ key: bytes("a"), target: "VALUE", value: EMPTY, rangeEnd: bytes("b") })],
      success: [],
      failure: [],
    }),
    '{"compare":[{"target":"VALUE","key":"YQ==","value":"","range_end":"Yg=="}]}',
  );
});

Deno.test("toJson: strings escaped as Go escapes them", () => {
  const text = toJson(MemberListResponseSchema, {
    header: header(1),
    members: [{ id: 1n, name: "<a&b>\u2028\n", peerUrls: [], clientUrls: [], isLearner: true }],
  });
  assert.ok(
    text.endsWith(
      '"members":[{"ID":"1","name":"\\u003ca\\u0026b\\u003e\\u2028\\n","isLearner":true}]}',
    ),
  );
});

Deno.test("errorToJson: the gateway's error body", () => {
  assert.equal(
    errorToJson(new EtcdError("etcdserver: key not found", GrpcCode.InvalidArgument)),
    '{"error":"etcdserver: key not found","message":"etcdserver: key not found","code":3}',
  );
  assert.equal(
    errorToJson(new EtcdError('unknown value "<x>"', GrpcCode.InvalidArgument)),
    '{"error":"unknown value \\"\\u003cx\\u003e\\"","message":"unknown value \\"\\u003cx\\u003e\\"","code":3}',
  );
  assert.equal(errorToJson(new EtcdError("", GrpcCode.Unknown)), '{"code":2}');
});

// ---- round trips --------------------------------------------------------------------

const bytesArb = fc.uint8Array({ maxLength: 12 });
const revisionArb = fc.oneof(fc.constant(0), fc.maxSafeNat(), fc.integer({ min: -5, max: 5 }));
const leaseArb = fc.bigInt({ min: -(1n << 63n), max: (1n << 63n) - 1n });

const rangeArb = fc.record({
  key: bytesArb,
  rangeEnd: bytesArb,
  limit: revisionArb,
  revision: revisionArb,
  sortOrder: fc.constantFrom("NONE", "ASCEND", "DESCEND" as const),
  sortTarget: fc.constantFrom("KEY", "VERSION", "CREATE", "MOD", "VALUE" as const),
  serializable: fc.boolean(),
  keysOnly: fc.boolean(),
  countOnly: fc.boolean(),
  minModRevision: revisionArb,
  maxModRevision: revisionArb,
  minCreateRevision: revisionArb,
  maxCreateRevision: revisionArb,
});

const putArb = fc.record({
  key: bytesArb,
  value: bytesArb,
  lease: leaseArb,
  prevKv: fc.boolean(),
  ignoreValue: fc.boolean(),
  ignoreLease: fc.boolean(),
});

const compareArb: fc.Arbitrary<Compare> = fc.record({
  result: fc.constantFrom("EQUAL", "GREATER", "LESS", "NOT_EQUAL" as const),
  target: fc.constantFrom("VERSION", "CREATE", "MOD", "VALUE", "LEASE" as const),
  key: bytesArb,
  rangeEnd: bytesArb,
  operand: revisionArb,
  value: bytesArb,
  lease: leaseArb,
}).map(({ operand, value, lease, ...rest }) =>
  compare({
    ...rest,
    ...(rest.target === "VERSION" ? { version: operand } : {}),
    ...(rest.target === "CREATE" ? { createRevision: operand } : {}),
    ...(rest.target === "MOD" ? { modRevision: operand } : {}),
    ...(rest.target === "VALUE" ? { value } : {}),
    ...(rest.target === "LEASE" ? { lease } : {}),
  })
);

const txnArb: fc.Arbitrary<TxnRequest> = fc.letrec<{ txn: TxnRequest; op: RequestOp }>((tie) => ({
  txn: fc.record({
    compare: fc.array(compareArb, { maxLength: 3 }),
    success: fc.array(tie("op"), { maxLength: 3 }),
    failure: fc.array(tie("op"), { maxLength: 3 }),
  }),
  op: fc.oneof(
    { depthSize: "small", withCrossShrink: true },
    rangeArb.map((requestRange) => ({ requestRange })),
    putArb.map((requestPut) => ({ requestPut })),
    fc.record({ key: bytesArb, rangeEnd: bytesArb, prevKv: fc.boolean() }).map((
      requestDeleteRange,
    ) => ({ requestDeleteRange })),
    tie("txn").map((requestTxn) => ({ requestTxn })),
  ),
})).txn;

Deno.test("toJson/fromJson: requests round trip", () => {
  fc.assert(
    fc.property(txnArb, (txn) => {
      const text = toJson(TxnRequestSchema, txn);
      // fast-check's records have no prototype; compare with plain objects.
      assert.deepEqual(fromJson(TxnRequestSchema, text), structuredClone(txn));
      assert.equal(toJson(TxnRequestSchema, fromJson(TxnRequestSchema, text)), text);
    }),
    { seed: 20261123, numRuns: 300 },
  );
});
