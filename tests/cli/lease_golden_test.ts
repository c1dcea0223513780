// Golden tests of `ctl lease …` and `ctl put --lease`: ctl against a fake gateway answering
// as etcd 3.4.23's gateway does, compared byte for byte with what etcdctl 3.4.23 printed
// against a real etcd 3.4.23 (the reference transcript's section 1.5, and runs of
// etcdctl recorded for this work: one member, cluster 15118495548433857066, member
// 13668033151171901709, revision 3, term 2). etcdctl's zap "warn" lines on stderr are left
// out, as in ctl_golden_test.ts.
import assert from "node:assert/strict";
import { ctl } from "./_ctl_io.ts";
import { FakeGateway, type Route } from "./_fake_gateway.ts";

const T_CLUSTER = "8275919166029150406";
const T_MEMBER = "7578380740807422932";
const tHdr = (revision: number) =>
  `{"cluster_id":"${T_CLUSTER}","member_id":"${T_MEMBER}","revision":"${revision}","raft_term":"2"}`;

const CLUSTER = "15118495548433857066";
const MEMBER = "13668033151171901709";
const HDR = `{"cluster_id":"${CLUSTER}","member_id":"${MEMBER}","revision":"3","raft_term":"2"}`;
const JSON_HDR = `"cluster_id":${CLUSTER},"member_id":${MEMBER},"revision":3,"raft_term":2`;
const FIELDS_HDR =
  `"ClusterID" : ${CLUSTER}\n"MemberID" : ${MEMBER}\n"Revision" : 3\n"RaftTerm" : 2\n`;
const PROTOBUF_HDR = Uint8Array.from([
  0x08,
  0xaa,
  0xf4,
  0xe5,
  0xf5,
  0x99,
  0xf3,
  0xeb,
  0xe7,
  0xd1,
  0x01,
  0x10,
  0x8d,
  0xf2,
  0xf4,
  0x8e,
  0xc1,
  0xf7,
  0xa6,
  0xd7,
  0xbd,
  0x01,
  0x18,
  0x03,
  0x20,
  0x02,
]);
const gatewayError = (message: string, code: number) =>
  JSON.stringify({ error: message, message, code });
const NOT_FOUND = gatewayError("etcdserver: requested lease not found", 5);

interface Golden {
  readonly args: string[];
  readonly routes: Route[];
  readonly stdout: string | Uint8Array;
  readonly stderr?: string;
  readonly code?: number;
}

function goldenTest(name: string, cases: Golden[]): void {
  Deno.test(`lease golden: ${name}`, async () => {
    const gateway = new FakeGateway();
    try {
      for (const g of cases) {
        gateway.routes = g.routes;
        const run = await ctl(g.args, { fetch: gateway.fetch });
        const label = `etcdctl ${g.args.join(" ")}`;
        if (typeof g.stdout === "string") assert.equal(run.stdout, g.stdout, label);
        else assert.deepEqual(run.stdoutBytes, g.stdout, label);
        assert.equal(run.stderr, g.stderr ?? "", label);
        assert.equal(run.code, g.code ?? 0, label);
      }
    } finally {
      await gateway.close();
    }
  });
}

const T_ID = "8346474173627693844"; // 73d4a20a160cfb14

goldenTest("1.5 leases (transcript)", [
  {
    args: ["lease", "grant", "60"],
    routes: [{
      path: "/v3/lease/grant",
      request: { TTL: "60" },
      body: `{"header":${tHdr(8)},"ID":"${T_ID}","TTL":"60"}`,
    }],
    stdout: "lease 73d4a20a160cfb14 granted with TTL(60s)\n",
  },
  {
    args: ["put", "leasedkey", "leasedvalue", "--lease=73d4a20a160cfb14"],
    routes: [{
      path: "/v3/kv/put",
      request: { key: btoa("leasedkey"), value: btoa("leasedvalue"), lease: T_ID },
      body: `{"header":${tHdr(9)}}`,
    }],
    stdout: "OK\n",
  },
  ...[[false, ""], [true, ", attached keys([leasedkey])"]].map(([keys, tail]) => ({
    args: ["lease", "timetolive", "73d4a20a160cfb14", ...(keys ? ["--keys"] : [])],
    routes: [{
      path: "/v3/lease/timetolive",
      request: keys ? { ID: T_ID, keys: true } : { ID: T_ID },
      body: `{"header":${tHdr(9)},"ID":"${T_ID}","TTL":"59","grantedTTL":"60"${
        keys ? `,"keys":["${btoa("leasedkey")}"]` : ""
      }}`,
    }],
    stdout: `lease 73d4a20a160cfb14 granted with TTL(60s), remaining(59s)${tail}\n`,
  })),
  {
    args: ["lease", "timetolive", "73d4a20a160cfb14", "--keys", "-w", "json"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${tHdr(9)},"ID":"${T_ID}","TTL":"59","grantedTTL":"60","keys":["${
        btoa("leasedkey")
      }"]}`,
    }],
    stdout:
      `{"cluster_id":${T_CLUSTER},"member_id":${T_MEMBER},"revision":9,"raft_term":2,"id":${T_ID},"ttl":59,"granted-ttl":60,"keys":["bGVhc2Vka2V5"]}\n`,
  },
  {
    args: ["lease", "list"],
    routes: [{
      path: "/v3/lease/leases",
      body: `{"header":${tHdr(9)},"leases":[{"ID":"${T_ID}"}]}`,
    }],
    stdout: "found 1 leases\n73d4a20a160cfb14\n",
  },
  {
    args: ["lease", "keep-alive", "--once", "73d4a20a160cfb14"],
    routes: [{
      path: "/v3/lease/keepalive",
      request: { ID: T_ID },
      body: `{"result":{"header":${tHdr(9)},"ID":"${T_ID}","TTL":"60"}}\n`,
    }],
    stdout: "lease 73d4a20a160cfb14 keepalived with TTL(60)\n",
  },
  {
    args: ["lease", "revoke", "73d4a20a160cfb14"],
    routes: [{ path: "/v3/lease/revoke", request: { ID: T_ID }, body: `{"header":${tHdr(10)}}` }],
    stdout: "lease 73d4a20a160cfb14 revoked\n",
  },
  {
    args: ["lease", "timetolive", "73d4a20a160cfb14"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${tHdr(10)},"ID":"${T_ID}","TTL":"-1"}`,
    }],
    stdout: "lease 73d4a20a160cfb14 already expired\n",
  },
  {
    args: ["lease", "timetolive", "1234abcd"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${tHdr(10)},"ID":"305441741","TTL":"-1"}`,
    }],
    stdout: "lease 000000001234abcd already expired\n",
  },
]);

const ID = "4111120204315281183"; // 390da20b4f24c71f
const GRANT = { path: "/v3/lease/grant", body: `{"header":${HDR},"ID":"${ID}","TTL":"50"}` };

goldenTest("grant in every output format", [
  {
    args: ["lease", "grant", "50"],
    routes: [GRANT],
    stdout: "lease 390da20b4f24c71f granted with TTL(50s)\n",
  },
  {
    args: ["lease", "grant", "50", "-w", "json"],
    routes: [GRANT],
    stdout: `{${JSON_HDR},"ID":${ID},"TTL":50,"Error":""}\n`,
  },
  {
    args: ["lease", "grant", "50", "-w", "fields"],
    routes: [GRANT],
    stdout: `${FIELDS_HDR}"ID" : ${ID}\n"TTL" : 50\n`,
  },
  { args: ["lease", "grant", "50", "-w", "protobuf"], routes: [GRANT], stdout: PROTOBUF_HDR },
  {
    args: ["lease", "grant", "50", "-w", "table"],
    routes: [GRANT],
    stdout: "",
    stderr: "Error: table not supported as output format\n",
    code: 4,
  },
]);

const TTL_KEYS = {
  path: "/v3/lease/timetolive",
  body: `{"header":${HDR},"ID":"${ID}","TTL":"99","grantedTTL":"100","keys":["${btoa("a b")}","${
    btoa('q"')
  }"]}`,
};

goldenTest("timetolive, list and keep-alive in every output format", [
  {
    args: ["lease", "timetolive", "390da20b4f24c71f", "--keys"],
    routes: [TTL_KEYS],
    stdout:
      `lease 390da20b4f24c71f granted with TTL(100s), remaining(99s), attached keys([a b q"])\n`,
  },
  {
    args: ["lease", "timetolive", "390da20b4f24c71f", "--keys", "-w", "fields"],
    routes: [TTL_KEYS],
    stdout:
      `${FIELDS_HDR}"ID" : ${ID}\n"TTL" : 99\n"GrantedTTL" : 100\n"Key" : "a b"\n"Key" : "q\\""\n`,
  },
  {
    args: ["lease", "timetolive", "390da20b4f24c71f", "-w", "json"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${HDR},"ID":"${ID}","TTL":"96","grantedTTL":"100"}`,
    }],
    stdout: `{${JSON_HDR},"id":${ID},"ttl":96,"granted-ttl":100,"keys":null}\n`,
  },
  {
    args: ["lease", "timetolive", "1234abcd", "-w", "json"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${HDR},"ID":"305441741","TTL":"-1"}`,
    }],
    stdout: `{${JSON_HDR},"id":305441741,"ttl":-1,"granted-ttl":0,"keys":null}\n`,
  },
  {
    args: ["lease", "timetolive", "1234abcd", "-w", "fields"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${HDR},"ID":"305441741","TTL":"-1"}`,
    }],
    stdout: `${FIELDS_HDR}"ID" : 305441741\n"TTL" : -1\n"GrantedTTL" : 0\n`,
  },
  {
    args: ["lease", "timetolive", "1234abcd", "-w", "protobuf"],
    routes: [{
      path: "/v3/lease/timetolive",
      body: `{"header":${HDR},"ID":"305441741","TTL":"-1"}`,
    }],
    stdout: PROTOBUF_HDR,
  },
  {
    args: ["lease", "list", "-w", "json"],
    routes: [{
      path: "/v3/lease/leases",
      body: `{"header":${HDR},"leases":[{"ID":"${ID}"},{"ID":"1000"}]}`,
    }],
    stdout: `{${JSON_HDR},"leases":[{"id":${ID}},{"id":1000}]}\n`,
  },
  {
    args: ["lease", "list", "-w", "fields", "ignored-argument"],
    routes: [{
      path: "/v3/lease/leases",
      body: `{"header":${HDR},"leases":[{"ID":"${ID}"},{"ID":"1000"}]}`,
    }],
    stdout: `${FIELDS_HDR}"ID" : ${ID}\n"ID" : 1000\n`,
  },
  {
    args: ["lease", "list"],
    routes: [{ path: "/v3/lease/leases", body: `{"header":${HDR}}` }],
    stdout: "found 0 leases\n",
  },
  {
    args: ["lease", "list", "-w", "json"],
    routes: [{ path: "/v3/lease/leases", body: `{"header":${HDR}}` }],
    stdout: `{${JSON_HDR},"leases":[]}\n`,
  },
  {
    args: ["lease", "list", "-w", "protobuf"],
    routes: [{ path: "/v3/lease/leases", body: `{"header":${HDR}}` }],
    stdout: PROTOBUF_HDR,
  },
  ...(["json", "fields", "protobuf", "table"] as const).map((format) => ({
    args: ["lease", "keep-alive", "--once", "390da20b4f24c70f", "-w", format],
    routes: [{
      path: "/v3/lease/keepalive",
      body: `{"result":{"header":${HDR},"ID":"4111120204315281167","TTL":"100"}}\n`,
    }],
    stdout: {
      json: `{${JSON_HDR},"ID":4111120204315281167,"TTL":100}\n`,
      fields: `${FIELDS_HDR}"ID" : 4111120204315281167\n"TTL" : 100\n`,
      protobuf: PROTOBUF_HDR,
      table: "",
    }[format],
    ...(format === "table"
      ? { stderr: "Error: table not supported as output format\n", code: 4 }
      : {}),
  })),
]);

const REVOKE = { path: "/v3/lease/revoke", body: `{"header":${HDR}}` };

goldenTest("revoke in every output format", [
  {
    args: ["lease", "revoke", "390da20b4f24c72b"],
    routes: [REVOKE],
    stdout: "lease 390da20b4f24c72b revoked\n",
  },
  {
    args: ["lease", "revoke", "390da20b4f24c72b", "-w", "json"],
    routes: [REVOKE],
    stdout: `{"header":{${JSON_HDR}}}\n`,
  },
  {
    args: ["lease", "revoke", "390da20b4f24c72b", "-w", "fields"],
    routes: [REVOKE],
    stdout: FIELDS_HDR,
  },
  {
    args: ["lease", "revoke", "390da20b4f24c72b", "-w", "protobuf"],
    routes: [REVOKE],
    stdout: "",
    stderr:
      `Error: marshal unsupported for type clientv3.LeaseRevokeResponse ({cluster_id:${CLUSTER} ` +
      `member_id:${MEMBER} revision:3 raft_term:2 })\n`,
    code: 4,
  },
]);

goldenTest("errors and argument checks", [
  {
    args: ["lease", "revoke", "390da20b4f24c72b"],
    routes: [{ ...REVOKE, status: 404, body: NOT_FOUND }],
    stdout: "",
    stderr: "Error: failed to revoke lease (etcdserver: requested lease not found)\n",
    code: 1,
  },
  {
    args: ["lease", "keep-alive", "--once", "390da20b4f24c72b", "-w", "json"],
    routes: [{
      path: "/v3/lease/keepalive",
      body: `{"result":{"header":${HDR},"ID":"4111120204315281195"}}\n`,
    }],
    stdout: "",
    stderr: "Error: etcdserver: requested lease not found\n",
    code: 2,
  },
  {
    args: ["lease", "grant", "9999999999"],
    routes: [{
      path: "/v3/lease/grant",
      status: 400,
      body: gatewayError("etcdserver: too large lease TTL", 11),
    }],
    stdout: "",
    stderr: "Error: failed to grant lease (etcdserver: too large lease TTL)\n",
    code: 1,
  },
  {
    args: ["put", "a", "b", "--lease=1234"],
    routes: [{ path: "/v3/kv/put", status: 404, body: NOT_FOUND }],
    stdout: "",
    stderr: "Error: etcdserver: requested lease not found\n",
    code: 1,
  },
  ...([
    [["lease", "grant", "abc"], 'bad TTL (strconv.ParseInt: parsing "abc": invalid syntax)'],
    [["lease", "grant"], "lease grant command needs TTL argument"],
    [["lease", "grant", "1", "2"], "lease grant command needs TTL argument"],
    [
      ["lease", "revoke", "zz"],
      'bad lease ID arg (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex',
    ],
    [["lease", "revoke"], "lease revoke command needs 1 argument"],
    [
      ["lease", "timetolive", "xyz"],
      'bad lease ID arg (strconv.ParseInt: parsing "xyz": invalid syntax), expecting ID in Hex',
    ],
    [["lease", "timetolive"], "lease timetolive command needs lease ID as argument"],
    [["lease", "keep-alive"], "lease keep-alive command needs lease ID as argument"],
    [
      ["lease", "keep-alive", "0x12"],
      'bad lease ID arg (strconv.ParseInt: parsing "0x12": invalid syntax), expecting ID in Hex',
    ],
    [
      ["lease", "revoke", "ffffffffffffffff"],
      'bad lease ID arg (strconv.ParseInt: parsing "ffffffffffffffff": value out of range), expecting ID in Hex',
    ],
    [
      ["put", "a", "b", "--lease=zz"],
      'bad lease ID (strconv.ParseInt: parsing "zz": invalid syntax), expecting ID in Hex',
    ],
  ] as const).map(([args, message]) => ({
    args: [...args],
    routes: [],
    stdout: "",
    stderr: `Error: ${message}\n`,
    code: 128,
  })),
]);

Deno.test("lease golden: keep-alive renews until the lease is gone, then says so", async () => {
  let calls = 0;
  const answers = [
    `{"result":{"header":${HDR},"ID":"4111120204315281216","TTL":"1"}}\n`,
    `{"result":{"header":${HDR},"ID":"4111120204315281216","TTL":"1"}}\n`,
    `{"result":{"header":${HDR},"ID":"4111120204315281216"}}\n`,
  ];
  const fetch: typeof globalThis.fetch = (input, init) => {
    assert.equal(new URL(String(input)).pathname, "/v3/lease/keepalive");
    assert.equal(init?.body, '{"ID":"4111120204315281216"}');
    return Promise.resolve(new Response(answers[calls++]!, { status: 200 }));
  };
  const run = await ctl(["lease", "keep-alive", "390da20b4f24c740"], { fetch });
  assert.equal(
    run.stdout,
    "lease 390da20b4f24c740 keepalived with TTL(1)\n".repeat(2) +
      "lease 390da20b4f24c740 expired or revoked.\n",
  );
  assert.equal(run.code, 0);
  assert.equal(calls, 3);
  const json = await ctl(["lease", "keep-alive", "390da20b4f24c740", "-w", "json"], {
    fetch: (() => {
      calls = 1;
      return fetch;
    })(),
  });
  assert.equal(json.stdout, `{${JSON_HDR},"ID":4111120204315281216,"TTL":1}\n`);
});
