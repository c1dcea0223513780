// Expected output is etcdctl 3.4.23's `-w json`, from the reference
// transcript (sections 1.3, 1.4, 1.5, 1.6, 1.9) and our runs of etcdctl 3.4.23.
import assert from "node:assert/strict";
import { emptyHeader } from "../proto/rpc.ts";
import { capture, ETCD1, header, kv, MEMBERS, status } from "./_test_fixtures.ts";
import { goJsonString, JsonPrinter } from "./printer_json.ts";

const HDR = '"header":{"cluster_id":8275919166029150406,"member_id":7578380740807422932';

function printer() {
  const c = capture();
  return { ...c, p: new JsonPrinter(c.output) };
}

Deno.test("json: get, with and without kvs (transcript 1.3, 1.9)", () => {
  const { p, stdout } = printer();
  p.get({ header: header(6), kvs: [kv("mykey", "myvalue2", 6)], more: false, count: 1 });
  p.get({ header: header(17), kvs: [], more: false, count: 0 });
  assert.equal(
    stdout(),
    `{${HDR},"revision":6,"raft_term":2},"kvs":[{"key":"bXlrZXk=","create_revision":6,` +
      `"mod_revision":6,"version":1,"value":"bXl2YWx1ZTI="}],"count":1}\n` +
      `{${HDR},"revision":17,"raft_term":2}}\n`,
  );
});

Deno.test("json: lease as a number, more:true (transcript 1.5)", () => {
  const { p, stdout } = printer();
  p.get({
    header: header(9),
    kvs: [kv("leasedkey", "leasedvalue", 9, 9, 1, 8346474173627693844n)],
    more: true,
    count: 3,
  });
  assert.equal(
    stdout(),
    `{${HDR},"revision":9,"raft_term":2},"kvs":[{"key":"bGVhc2Vka2V5","create_revision":9,` +
      `"mod_revision":9,"version":1,"value":"bGVhc2VkdmFsdWU=","lease":8346474173627693844}],` +
      `"more":true,"count":3}\n`,
  );
});

Deno.test("json: put and del (transcript 1.3)", () => {
  const { p, stdout } = printer();
  p.put({ header: header(7), prevKv: null });
  p.del({ header: header(8), deleted: 1, prevKvs: [] });
  assert.equal(
    stdout(),
    `{${HDR},"revision":7,"raft_term":2}}\n{${HDR},"revision":8,"raft_term":2},"deleted":1}\n`,
  );
});

Deno.test("json: txn responses under Go's oneof names (transcript 1.6)", () => {
  const { p, stdout } = printer();
  p.txn({
    header: header(12),
    succeeded: true,
    responses: [{
      responseRange: {
        header: { ...emptyHeader(), revision: 12 },
        kvs: [kv("mykey", "txn-failed-2", 6, 12, 3)],
        more: false,
        count: 1,
      },
    }, {
      responseDeleteRange: { header: { ...emptyHeader(), revision: 12 }, deleted: 0, prevKvs: [] },
    }],
  });
  assert.equal(
    stdout(),
    `{${HDR},"revision":12,"raft_term":2},"succeeded":true,"responses":[{"Response":` +
      `{"ResponseRange":{"header":{"revision":12},"kvs":[{"key":"bXlrZXk=","create_revision":6,` +
      `"mod_revision":12,"version":3,"value":"dHhuLWZhaWxlZC0y"}],"count":1}}},` +
      `{"Response":{"ResponseDeleteRange":{"header":{"revision":12}}}}]}\n`,
  );
});

Deno.test("json: member list, endpoint status and health (transcript 1.4, our runs)", () => {
  const { p, stdout } = printer();
  p.memberList({ header: { ...header(0) }, members: MEMBERS.slice(0, 1) });
  p.endpointStatus([{ ep: "127.0.0.1:2379", resp: status(ETCD1) }]);
  p.endpointHealth([
    { ep: "127.0.0.1:47391", health: true, took: "2.118497ms", error: "" },
    { ep: "127.0.0.1:1", health: false, took: "5.000950601s", error: "context deadline exceeded" },
  ]);
  assert.equal(
    stdout(),
    `{${HDR},"raft_term":2},"members":[{"ID":7578380740807422932,"name":"etcd1",` +
      `"peerURLs":["http://127.0.0.1:2380"],"clientURLs":["http://127.0.0.1:2379"]}]}\n` +
      `[{"Endpoint":"127.0.0.1:2379","Status":{${HDR},"revision":8,"raft_term":2},` +
      `"version":"3.4.23","dbSize":20480,"leader":16369265254150603570,"raftIndex":18,` +
      `"raftTerm":2,"raftAppliedIndex":18,"dbSizeInUse":16384}}]\n` +
      `[{"endpoint":"127.0.0.1:47391","health":true,"took":"2.118497ms"},` +
      `{"endpoint":"127.0.0.1:1","health":false,"took":"5.000950601s",` +
      `"error":"context deadline exceeded"}]\n`,
  );
});

Deno.test("goJsonString escapes as Go's encoding/json", () => {
  assert.equal(goJsonString('a"b\\c'), '"a\\"b\\\\c"');
  assert.equal(goJsonString("<&>"), '"\\u003c\\u0026\\u003e"');
  assert.equal(goJsonString("\n\t\r\b\x01\x7f"), '"\\n\\t\\r\\u0008\\u0001\x7f"');
  assert.equal(goJsonString("\u2028\u00e9"), '"\\u2028\u00e9"');
});
