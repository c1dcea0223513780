/**
 * Golden tests: the calls of etcd 3.4.23's gateway recorded in the
 * reference transcript, replayed through {@linkcode createHandler} over a
 * fake service that answers with the recorded values. Every status and
 * body must match the recording byte for byte; a gateway error must come
 * without a call to the service.
 */

import assert from "node:assert/strict";
import { createHandler } from "../../src/api/mod.ts";
import {
  CompactionResponseSchema,
  compare,
  DeleteRangeResponseSchema,
  EtcdError,
  fromJson,
  type GrpcCode,
  HashResponseSchema,
  MemberAddResponseSchema,
  MemberListResponseSchema,
  MemberPromoteResponseSchema,
  MemberRemoveResponseSchema,
  MemberUpdateResponseSchema,
  putRequest,
  PutResponseSchema,
  rangeRequest,
  RangeResponseSchema,
  type Schema,
  StatusResponseSchema,
  txnRequest,
  TxnResponseSchema,
  utf8Encode,
} from "./_imports.ts";
import { FakeService, post } from "./fake_service.ts";
import { RECORDED_CALLS, type RecordedCall } from "./recorded_calls.ts";
import { RECORDED_MEMBER_CALLS } from "./recorded_member_calls.ts";

const RESPONSE_SCHEMAS: Readonly<Record<string, Schema<unknown>>> = {
  "/v3/kv/range": RangeResponseSchema,
  "/v3/kv/put": PutResponseSchema,
  "/v3/kv/deleterange": DeleteRangeResponseSchema,
  "/v3/kv/txn": TxnResponseSchema,
  "/v3/kv/compaction": CompactionResponseSchema,
  "/v3/maintenance/status": StatusResponseSchema,
  "/v3/maintenance/hash": HashResponseSchema,
  "/v3/cluster/member/list": MemberListResponseSchema,
  "/v3/cluster/member/add": MemberAddResponseSchema,
  "/v3/cluster/member/remove": MemberRemoveResponseSchema,
  "/v3/cluster/member/update": MemberUpdateResponseSchema,
  "/v3/cluster/member/promote": MemberPromoteResponseSchema,
};

const FIXED_ANSWERS = new Set(["/v3/maintenance/alarm", "/v3/maintenance/defragment"]);

function canonicalPath(path: string): string {
  return path.startsWith("/v3beta/") ? "/v3/" + path.slice(8) : path;
}

/** Scripts the fake to answer `call` as etcd's server did. */
function script(service: FakeService, call: RecordedCall): void {
  const schema = RESPONSE_SCHEMAS[canonicalPath(call.path)];
  if (call.serverError) {
    const body = JSON.parse(call.response) as { message: string; code: GrpcCode };
    service.answer = () => {
      throw new EtcdError(body.message, body.code);
    };
  } else if (call.status === 200 && schema !== undefined) {
    service.answer = () => fromJson(schema, call.response);
  }
}

function expectsServiceCall(call: RecordedCall): boolean {
  if (FIXED_ANSWERS.has(canonicalPath(call.path))) return false;
  return call.status === 200 || call.serverError;
}

for (const call of [...RECORDED_CALLS, ...RECORDED_MEMBER_CALLS]) {
  Deno.test(`golden ${call.section} ${call.path} ${call.request}`, async () => {
    const service = new FakeService();
    script(service, call);
    const response = await createHandler(service)(post(call.path, call.request));
    assert.equal(await response.text(), call.response);
    assert.equal(response.status, call.status);
    const textType = "text/plain; charset=utf-8";
    const type = call.response.endsWith("\n") ? textType : "application/json";
    assert.equal(response.headers.get("content-type"), type);
    assert.equal(response.headers.get("access-control-allow-origin"), "*");
    assert.equal(
      response.headers.get("grpc-metadata-content-type"),
      call.status === 200 ? "application/grpc" : null,
    );
    // Bad bodies are refused before the service sees them; the empty-op txn
    // error is etcd's server's, but ours comes from the decoder (no call).
    const emptyOp = call.response.includes("key not found") && call.path.endsWith("/txn");
    assert.equal(service.calls.length, expectsServiceCall(call) && !emptyOp ? 1 : 0);
  });
}

// ---- the decoded requests ---------------------------------------------------------

const bytes = utf8Encode;

/** Requests from the transcript and the values the service must receive. */
const DECODED: readonly [string, string, unknown][] = [
  [
    "/v3/kv/put",
    '{"key":"Zm9v","value":"YmFy","prev_kv":true}',
    putRequest({ key: bytes("foo"), value: bytes("bar"), prevKv: true }),
  ],
  ["/v3/kv/put", '{"key":"ZW1wdHl2YWw="}', putRequest({ key: bytes("emptyval") })],
  [
    "/v3/kv/put",
    '{"key":"Zm9v","ignore_value":true}',
    putRequest({ key: bytes("foo"), ignoreValue: true }),
  ],
  [
    "/v3/kv/range",
    '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","limit":2}',
    rangeRequest({ key: bytes("pfx/"), rangeEnd: bytes("pfx0"), limit: 2 }),
  ],
  [
    "/v3/kv/range",
    '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","limit":"1"}',
    rangeRequest({ key: bytes("pfx/"), rangeEnd: bytes("pfx0"), limit: 1 }),
  ],
  [
    "/v3/kv/range",
    '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","sort_order":2,"sort_target":2}',
    rangeRequest({
      key: bytes("pfx/"),
      rangeEnd: bytes("pfx0"),
      sortOrder: "DESCEND",
      sortTarget: "CREATE",
    }),
  ],
  [
    "/v3/kv/range",
    '{"key":"AA==","range_end":"AA==","keys_only":true}',
    rangeRequest({ key: new Uint8Array([0]), rangeEnd: new Uint8Array([0]), keysOnly: true }),
  ],
  [
    "/v3/kv/range",
    '{"key":"cGZ4Lw==","range_end":"cGZ4MA==","min_mod_revision":"28"}',
    rangeRequest({ key: bytes("pfx/"), rangeEnd: bytes("pfx0"), minModRevision: 28 }),
  ],
  ["/v3/kv/range", '{"key":"Zm9v\\n"}', rangeRequest({ key: bytes("foo") })],
  ["/v3/kv/range", '{"key":"Zm9v","bogus":1}', rangeRequest({ key: bytes("foo") })],
  ["/v3/kv/range", "", rangeRequest()],
  [
    "/v3/kv/txn",
    '{"compare":[{"key":"Zm9v","result":"GREATER","target":"VERSION","version":"0"},' +
    '{"key":"Zm9v","target":"CREATE","create_revision":"19"}],' +
    '"success":[{"request_delete_range":{"key":"Zm9v","prev_kv":true}}],"failure":[]}',
    txnRequest({
      compare: [
        compare({ key: bytes("foo"), result: "GREATER", target: "VERSION" }),
        compare({ key: bytes("foo"), target: "CREATE", createRevision: 19 }),
      ],
      success: [{
        requestDeleteRange: { key: bytes("foo"), rangeEnd: new Uint8Array(0), prevKv: true },
      }],
    }),
  ],
  [
    "/v3/kv/txn",
    '{"compare":[{"key":"Zm9v","target":"MOD","result":"EQUAL","mod_revision":"35"}],' +
    '"success":[{"request_put":{"key":"Zm9v","value":"Y2Fz"}},' +
    '{"request_txn":{"compare":[],"success":[{"request_range":{"key":"Zm9v"}}]}}]}',
    txnRequest({
      compare: [compare({ key: bytes("foo"), target: "MOD", modRevision: 35 })],
      success: [
        { requestPut: putRequest({ key: bytes("foo"), value: bytes("cas") }) },
        {
          requestTxn: txnRequest({
            success: [{ requestRange: rangeRequest({ key: bytes("foo") }) }],
          }),
        },
      ],
    }),
  ],
  ["/v3/kv/txn", "{}", txnRequest()],
  ["/v3/kv/compaction", '{"revision":"34","physical":true}', { revision: 34, physical: true }],
  [
    "/v3/cluster/member/add",
    '{"peerURLs":["http://127.0.0.1:55380"],"isLearner":true}',
    { peerUrls: ["http://127.0.0.1:55380"], isLearner: true },
  ],
  ["/v3/cluster/member/add", "{}", { peerUrls: [], isLearner: false }],
  // etcd answered these "given member URLs are invalid": the field names are not its.
  [
    "/v3/cluster/member/add",
    '{"peer_URLs":["http://127.0.0.1:52380"]}',
    { peerUrls: [], isLearner: false },
  ],
  [
    "/v3/cluster/member/add",
    '{"peerUrls":["http://127.0.0.1:52380"]}',
    { peerUrls: [], isLearner: false },
  ],
  ["/v3/cluster/member/remove", '{"ID":"4890429767981330737"}', { id: 4890429767981330737n }],
  ["/v3/cluster/member/remove", "{}", { id: 0n }],
  [
    "/v3/cluster/member/update",
    '{"ID":7483549097294873886,"peerURLs":["http://127.0.0.1:52380"]}',
    { id: 7483549097294873886n, peerUrls: ["http://127.0.0.1:52380"] },
  ],
  ["/v3/cluster/member/promote", '{"ID":12974857349106113492}', { id: 12974857349106113492n }],
  ["/v3/cluster/member/promote", '{"id":"7483549097294873886"}', { id: 0n }],
  [
    "/v3/cluster/member/promote",
    '{"ID":"7483549097294873886","bogus":1}',
    { id: 7483549097294873886n },
  ],
];

for (const [path, body, expected] of DECODED) {
  Deno.test(`golden request ${path} ${body}`, async () => {
    const service = new FakeService();
    const schema = RESPONSE_SCHEMAS[path]!;
    service.answer = () => schema.create();
    const response = await createHandler(service)(post(path, body));
    assert.equal(response.status, 200);
    await response.body?.cancel();
    assert.equal(service.calls.length, 1);
    assert.deepEqual(service.calls[0]!.request, expected);
  });
}
