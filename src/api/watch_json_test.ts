import assert from "node:assert/strict";
import { EtcdError, GrpcCode, toJson, WatchResponseSchema } from "../proto/mod.ts";
import type { Event, ResponseHeader } from "../proto/rpc.ts";
import type { WatchMessage } from "../server/watch_service.ts";
import { WatchLineEncoder } from "./watch_json.ts";
import { streamErrorChunk } from "./stream_error.ts";

const enc = new TextEncoder();

function kv(key: string, rev: number, value: string) {
  return {
    key: enc.encode(key),
    createRevision: rev - 1,
    modRevision: rev,
    version: 2,
    value: enc.encode(value),
    lease: 0n,
  };
}

const PUT: Event = { type: "PUT", kv: kv("a", 7, "x"), prevKv: kv("a", 6, "w") };
const DELETE: Event = {
  type: "DELETE",
  kv: { ...kv("b", 7, ""), createRevision: 0, version: 0 },
  prevKv: null,
};

function message(fields: Partial<WatchMessage>): WatchMessage {
  return {
    watchId: 0,
    revision: 7,
    created: false,
    canceled: false,
    compactRevision: 0,
    cancelReason: "",
    events: [],
    ...fields,
  };
}

function viaSchema(m: WatchMessage, header: ResponseHeader): string {
  return '{"result":' + toJson(WatchResponseSchema, {
    header,
    watchId: m.watchId,
    created: m.created,
    canceled: m.canceled,
    compactRevision: m.compactRevision,
    cancelReason: m.cancelReason,
    fragment: false,
    events: [...m.events],
  }) + "}\n";
}

Deno.test("watch json: the fast lines are the schema codec's, byte for byte", () => {
  const encoder = new WatchLineEncoder();
  const header = { clusterId: 8275919166029150406n, memberId: 75n, revision: 7, raftTerm: 2 };
  const cases: WatchMessage[] = [
    message({ events: [PUT, DELETE] }),
    message({ watchId: 3, events: [DELETE] }),
    message({ watchId: -1 }),
    message({ watchId: 0 }),
    message({ watchId: 1, created: true }),
    message({
      watchId: -1,
      created: true,
      canceled: true,
      cancelReason: "mvcc: watcher range is empty",
    }),
    message({ watchId: 4, revision: 0, canceled: true, compactRevision: 34 }),
  ];
  for (const m of cases) {
    const h = { ...header, revision: m.revision };
    assert.equal(encoder.line(m, h), viaSchema(m, h));
    assert.equal(encoder.line(m, h), viaSchema(m, h), "again, from the caches");
  }
  // A new term or revision makes a new header.
  const later = { ...header, revision: 8, raftTerm: 3 };
  assert.equal(encoder.line(cases[0]!, later), viaSchema(cases[0]!, later));
});

Deno.test("watch json: the transcript's lines", () => {
  const encoder = new WatchLineEncoder();
  const header = {
    clusterId: 8275919166029150406n,
    memberId: 7578380740807422932n,
    revision: 39,
    raftTerm: 2,
  };
  const del: Event = {
    type: "DELETE",
    kv: { ...kv("wkey", 39, ""), createRevision: 0, version: 0 },
    prevKv: null,
  };
  assert.equal(
    encoder.line(message({ revision: 39, events: [del] }), header),
    '{"result":{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","revision":"39","raft_term":"2"},"events":[{"type":"DELETE","kv":{"key":"d2tleQ==","mod_revision":"39"}}]}}\n',
  );
  assert.equal(
    encoder.line(message({ revision: 0, canceled: true, compactRevision: 34 }), {
      ...header,
      revision: 0,
    }),
    '{"result":{"header":{"cluster_id":"8275919166029150406","member_id":"7578380740807422932","raft_term":"2"},"canceled":true,"compact_revision":"34"}}\n',
  );
  assert.equal(
    streamErrorChunk(new EtcdError("transport is closing", GrpcCode.Unavailable)),
    '{"error":{"grpc_code":14,"http_code":503,"message":"transport is closing","http_status":"Service Unavailable"}}',
  );
});
