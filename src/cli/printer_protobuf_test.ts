// Expected bytes are etcdctl 3.4.23's `-w protobuf` output (hex), from our
// runs against etcd 3.4.23 (cluster 4089569825126805789, member
// 16769247907681106511, key "pct").
import assert from "node:assert/strict";
import { emptyHeader, type ResponseHeader } from "../proto/rpc.ts";
import { capture, kv } from "./_test_fixtures.ts";
import { ProtobufPrinter } from "./printer_protobuf.ts";

const hdr = (revision: number): ResponseHeader => ({
  clusterId: 4089569825126805789n,
  memberId: 16769247907681106511n,
  revision,
  raftTerm: 2,
});

function printHex(run: (p: ProtobufPrinter) => void): string {
  const c = capture();
  run(new ProtobufPrinter(c.output));
  return [...c.stdoutBytes()].map((b) => b.toString(16).padStart(2, "0")).join("");
}

Deno.test("protobuf: get", () => {
  const hex = printHex((p) =>
    p.get({ header: hdr(31), kvs: [kv("pct", "a%sb", 31)], more: false, count: 1 })
  );
  assert.equal(
    hex,
    "0a19089de2dbb6eac2c4e03810cff4adfefec395dce801181f200212110a03706374101f181f20012a04612573622001",
  );
});

Deno.test("protobuf: put with the previous kv", () => {
  const hex = printHex((p) => p.put({ header: hdr(33), prevKv: kv("pct", "x", 31, 32, 2) }));
  assert.equal(
    hex,
    "0a19089de2dbb6eac2c4e03810cff4adfefec395dce80118212002120e0a03706374101f182020022a0178",
  );
});

Deno.test("protobuf: member list", () => {
  const hex = printHex((p) =>
    p.memberList({
      header: { ...hdr(0) },
      members: [{
        id: 16769247907681106511n,
        name: "twin",
        peerUrls: ["http://127.0.0.1:47500"],
        clientUrls: ["http://127.0.0.1:47511"],
        isLearner: false,
      }],
    })
  );
  assert.equal(
    hex,
    "0a17089de2dbb6eac2c4e03810cff4adfefec395dce8012002124108cff4adfefec395dce80112047477696e1a16687474703a2f2f3132372e302e302e313a34373530302216687474703a2f2f3132372e302e302e313a3437353131",
  );
});

Deno.test("protobuf: txn with range, put and delete responses", () => {
  const nested = (revision: number) => ({ ...emptyHeader(), revision });
  const hex = printHex((p) =>
    p.txn({
      header: hdr(35),
      succeeded: true,
      responses: [
        {
          responseRange: {
            header: nested(34),
            kvs: [kv("pct", "z", 31, 34, 4)],
            more: false,
            count: 1,
          },
        },
        { responsePut: { header: nested(35), prevKv: null } },
        { responseDeleteRange: { header: nested(35), deleted: 0, prevKvs: [] } },
      ],
    })
  );
  assert.equal(
    hex,
    "0a19089de2dbb6eac2c4e03810cff4adfefec395dce8011823200210011a180a160a021822120e0a03706374101f182220042a017a20011a0612040a0218231a061a040a021823",
  );
});

Deno.test("protobuf: endpoint status is not supported", () => {
  const c = capture();
  assert.throws(() => new ProtobufPrinter(c.output).endpointStatus([]), {
    message: "Error: protobuf not supported as output format",
  });
});
