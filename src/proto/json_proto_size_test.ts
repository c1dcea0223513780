import assert from "node:assert/strict";
import {
  CompactionRequestSchema,
  protoSize,
  PutRequestSchema,
  RangeRequestSchema,
  TxnRequestSchema,
} from "./json.ts";
import { varintSize } from "./json_proto_size.ts";
import { AlarmRequestSchema } from "./json_schemas.ts";
import { compare, putRequest, rangeRequest, txnRequest } from "./rpc.ts";

const encoder = new TextEncoder();
const bytes = (text: string) => encoder.encode(text);

Deno.test("varintSize", () => {
  assert.equal(varintSize(0), 1);
  assert.equal(varintSize(127), 1);
  assert.equal(varintSize(128), 2);
  assert.equal(varintSize(2097152), 4);
  assert.equal(varintSize(Number.MAX_SAFE_INTEGER), 8);
  assert.equal(varintSize(-1), 10);
  assert.equal(varintSize((1n << 64n) - 1n), 10);
  assert.equal(varintSize(-1n), 10);
});

// The sizes etcd 3.4.23's gRPC server reported for these requests
// ("grpc: received message larger than max (N vs. 2097152)").
Deno.test("protoSize: the sizes etcd's gRPC server measured", () => {
  const value = new Uint8Array(2 * 1024 * 1024);
  assert.equal(protoSize(PutRequestSchema, putRequest({ key: bytes("foo"), value })), 2097162);
  const big = new Uint8Array(8 * 1024 * 1024);
  assert.equal(protoSize(PutRequestSchema, putRequest({ key: bytes("foo"), value: big })), 8388618);
  const key = new Uint8Array(2100 * 1024);
  assert.equal(protoSize(RangeRequestSchema, rangeRequest({ key })), 2150405);
  const mib = new Uint8Array(1024 * 1024);
  const txn = txnRequest({
    success: [
      { requestPut: putRequest({ key: bytes("foo"), value: mib }) },
      { requestPut: putRequest({ key: bytes("bar"), value: mib }) },
    ],
  });
  assert.equal(protoSize(TxnRequestSchema, txn), 2097186);
});

Deno.test("protoSize: proto3 field rules", () => {
  assert.equal(protoSize(RangeRequestSchema, rangeRequest()), 0);
  assert.equal(protoSize(RangeRequestSchema, rangeRequest({ key: bytes("a"), limit: 1 })), 5);
  assert.equal(protoSize(RangeRequestSchema, rangeRequest({ limit: -1 })), 11);
  assert.equal(protoSize(RangeRequestSchema, rangeRequest({ sortOrder: "DESCEND" })), 2);
  assert.equal(protoSize(RangeRequestSchema, rangeRequest({ countOnly: true })), 2);
  assert.equal(protoSize(PutRequestSchema, putRequest({ lease: -1n })), 11);
  assert.equal(protoSize(CompactionRequestSchema, { revision: 300, physical: true }), 5);
  assert.equal(protoSize(AlarmRequestSchema, { action: "GET", memberId: 0n, alarm: "NONE" }), 0);
  // A set oneof operand is written even when zero; range_end (field 64) has a 2-byte tag.
  const cmp = compare({ key: bytes("a"), rangeEnd: bytes("b") });
  assert.equal(protoSize(TxnRequestSchema, txnRequest({ compare: [cmp] })), 2 + 3 + 2 + 4);
  // An op: its request is a set message even when empty.
  const txn = txnRequest({
    success: [{ requestRange: rangeRequest() }, { requestTxn: txnRequest() }],
  });
  assert.equal(protoSize(TxnRequestSchema, txn), 4 + 4);
});
