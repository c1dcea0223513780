// Expected output is etcdctl 3.4.23's `-w fields`, from our runs of etcdctl
// 3.4.23 against etcd 3.4.23 (values substituted with the transcript's ids).
import assert from "node:assert/strict";
import { emptyHeader } from "../proto/rpc.ts";
import { capture, ETCD1, header, kv, status } from "./_test_fixtures.ts";
import { FieldsPrinter } from "./printer_fields.ts";

const HDR = (rev: number) =>
  `"ClusterID" : 8275919166029150406\n"MemberID" : 7578380740807422932\n"Revision" : ${rev}\n` +
  `"RaftTerm" : 2\n`;

function printer() {
  const c = capture();
  return { ...c, p: new FieldsPrinter(c.output) };
}

Deno.test("fields: get lists every kv, then More and Count", () => {
  const { p, stdout } = printer();
  p.get({ header: header(4), kvs: [kv("foo", "bar", 2, 4, 3)], more: false, count: 1 });
  p.get({ header: header(15), kvs: [], more: false, count: 0 });
  assert.equal(
    stdout(),
    HDR(4) +
      `"Key" : "foo"\n"CreateRevision" : 2\n"ModRevision" : 4\n"Version" : 3\n"Value" : "bar"\n` +
      `"Lease" : 0\n"More" : false\n"Count" : 1\n` + HDR(15) + `"More" : false\n"Count" : 0\n`,
  );
});

Deno.test("fields: put and del with Prev, values in Go quoting", () => {
  const { p, stdout } = printer();
  p.put({ header: header(7), prevKv: kv("k1", "v3", 4, 6, 3) });
  p.del({
    header: header(22),
    deleted: 1,
    prevKvs: [{ ...kv("bin", "", 21), value: new Uint8Array([0xff, 0x01, 0x22]) }],
  });
  assert.equal(
    stdout(),
    HDR(7) + `"PrevKey" : "k1"\n"PrevCreateRevision" : 4\n"PrevModRevision" : 6\n` +
      `"PrevVersion" : 3\n"PrevValue" : "v3"\n"PrevLease" : 0\n` +
      HDR(22) + `"Deleted" : 1\n"PrevKey" : "bin"\n"PrevCreateRevision" : 21\n` +
      `"PrevModRevision" : 21\n"PrevVersion" : 1\n"PrevValue" : "\\xff\\x01\\""\n"PrevLease" : 0\n`,
  );
});

Deno.test("fields: txn prints nested headers with zeros", () => {
  const { p, stdout } = printer();
  p.txn({
    header: header(23),
    succeeded: true,
    responses: [{
      responseRange: {
        header: { ...emptyHeader(), revision: 23 },
        kvs: [kv("foo", "bar", 2)],
        more: false,
        count: 1,
      },
    }],
  });
  assert.equal(
    stdout(),
    HDR(23) + `"Succeeded" : true\n"ClusterID" : 0\n"MemberID" : 0\n"Revision" : 23\n` +
      `"RaftTerm" : 0\n"Key" : "foo"\n"CreateRevision" : 2\n"ModRevision" : 2\n"Version" : 1\n` +
      `"Value" : "bar"\n"Lease" : 0\n"More" : false\n"Count" : 1\n`,
  );
});

Deno.test("fields: member list, a blank line after each member", () => {
  const { p, stdout } = printer();
  p.memberList({
    header: { ...header(0) },
    members: [{
      id: 8922237007658953056n,
      name: "",
      peerUrls: ["http://127.0.0.1:47398", "http://127.0.0.1:47399"],
      clientUrls: [],
      isLearner: true,
    }, {
      id: ETCD1,
      name: "e1",
      peerUrls: ["http://127.0.0.1:47392"],
      clientUrls: ["http://127.0.0.1:47391"],
      isLearner: false,
    }],
  });
  assert.equal(
    stdout(),
    HDR(0) + `"ID" : 8922237007658953056\n"Name" : ""\n"PeerURL" : "http://127.0.0.1:47398"\n` +
      `"PeerURL" : "http://127.0.0.1:47399"\n"IsLearner" : true\n\n` +
      `"ID" : 7578380740807422932\n"Name" : "e1"\n"PeerURL" : "http://127.0.0.1:47392"\n` +
      `"ClientURL" : "http://127.0.0.1:47391"\n"IsLearner" : false\n\n`,
  );
});

Deno.test("fields: endpoint status and health", () => {
  const { p, stdout } = printer();
  p.endpointStatus([{ ep: "127.0.0.1:2379", resp: { ...status(ETCD1), errors: ["a b", "c"] } }]);
  p.endpointHealth([{ ep: "127.0.0.1:2379", health: true, took: "1.254653ms", error: "" }]);
  assert.equal(
    stdout(),
    HDR(8) + `"Version" : "3.4.23"\n"DBSize" : 20480\n"Leader" : 16369265254150603570\n` +
      `"IsLearner" : false\n"RaftIndex" : 18\n"RaftTerm" : 2\n"RaftAppliedIndex" : 18\n` +
      `"Errors" : [a b c]\n"Endpoint" : "127.0.0.1:2379"\n\n` +
      `"Endpoint" : "127.0.0.1:2379"\n"Health" : true\n"Took" : 1.254653ms\n"Error" : \n\n`,
  );
});
