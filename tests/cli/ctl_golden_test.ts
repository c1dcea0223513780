// Golden tests: ctl against a fake gateway answering as etcd 3.4.23's gateway
// did in the reference transcript (../shared/reference/etcd-3.4-json-and-etcdctl.md),
// compared byte for byte with what etcdctl 3.4.23 printed there (section 1).
// etcdctl's zap "level":"warn" lines on stderr (timestamps, random client
// ids) are the one thing ctl does not print; they are left out below.
import assert from "node:assert/strict";
import { ctl, type CtlRunOptions } from "./_ctl_io.ts";
import { FakeGateway, type Route } from "./_fake_gateway.ts";

const CLUSTER = "8275919166029150406";
const ETCD1 = "7578380740807422932";
const ETCD2 = "16369265254150603570";
const ETCD3 = "15679842276203101306";

const b64 = (text: string) => btoa(text);
const hdr = (revision: number, member = ETCD1) =>
  `{"cluster_id":"${CLUSTER}","member_id":"${member}","revision":"${revision}","raft_term":"2"}`;

function kv(key: string, value: string, create: number, mod = create, version = 1, lease = "") {
  return `{"key":"${b64(key)}","create_revision":"${create}","mod_revision":"${mod}",` +
    `"version":"${version}"${value === "" ? "" : `,"value":"${b64(value)}"`}` +
    `${lease === "" ? "" : `,"lease":"${lease}"`}}`;
}

const range = (revision: number, kvs: string[]) =>
  kvs.length === 0
    ? `{"header":${hdr(revision)}}`
    : `{"header":${hdr(revision)},"kvs":[${kvs.join(",")}],"count":"${kvs.length}"}`;
const headerOnly = (revision: number) => `{"header":${hdr(revision)}}`;
const gatewayError = (message: string, code: number) =>
  JSON.stringify({ error: message, message, code });

const MEMBER_LIST =
  `{"header":{"cluster_id":"${CLUSTER}","member_id":"${ETCD1}","raft_term":"2"},` +
  `"members":[{"ID":"${ETCD1}","name":"etcd1","peerURLs":["http://127.0.0.1:2380"],` +
  `"clientURLs":["http://127.0.0.1:2379"]},{"ID":"${ETCD3}","name":"etcd3",` +
  `"peerURLs":["http://127.0.0.1:32380"],"clientURLs":["http://127.0.0.1:32379"]},` +
  `{"ID":"${ETCD2}","name":"etcd2","peerURLs":["http://127.0.0.1:22380"],` +
  `"clientURLs":["http://127.0.0.1:22379"]}]}`;

function statusOf(member: string): string {
  return `{"header":${hdr(8, member)},"version":"3.4.23","dbSize":"20480",` +
    `"leader":"${ETCD2}","raftIndex":"18","raftTerm":"2","raftAppliedIndex":"18",` +
    `"dbSizeInUse":"16384"}`;
}

const STATUS_ROUTES: Route[] = [
  { path: "/v3/cluster/member/list", body: MEMBER_LIST },
  { path: "/v3/maintenance/status", endpoint: "127.0.0.1:2379", body: statusOf(ETCD1) },
  { path: "/v3/maintenance/status", endpoint: "127.0.0.1:22379", body: statusOf(ETCD2) },
  { path: "/v3/maintenance/status", endpoint: "127.0.0.1:32379", body: statusOf(ETCD3) },
];

interface Golden {
  readonly args: string[];
  readonly routes: Route[];
  readonly stdout: string;
  readonly stderr?: string;
  readonly code?: number;
  readonly options?: CtlRunOptions;
}

async function golden(gateway: FakeGateway, g: Golden): Promise<void> {
  gateway.routes = g.routes;
  const run = await ctl(g.args, { ...g.options, fetch: gateway.fetch });
  const label = `etcdctl ${g.args.join(" ")}`;
  assert.equal(run.stdout, g.stdout, label);
  assert.equal(run.stderr, g.stderr ?? "", label);
  assert.equal(run.code, g.code ?? 0, label);
}

function goldenTest(name: string, cases: Golden[]): void {
  Deno.test(`golden: ${name}`, async () => {
    const gateway = new FakeGateway();
    try {
      for (const g of cases) await golden(gateway, g);
    } finally {
      await gateway.close();
    }
  });
}

goldenTest("1.1 member list", [
  {
    args: ["member", "list", "-w", "table"],
    routes: STATUS_ROUTES,
    stdout:
      `+------------------+---------+-------+------------------------+------------------------+------------+
|        ID        | STATUS  | NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
+------------------+---------+-------+------------------------+------------------------+------------+
| 692bd121bc7cf3d4 | started | etcd1 |  http://127.0.0.1:2380 |  http://127.0.0.1:2379 |      false |
| d999fd798f3cfc7a | started | etcd3 | http://127.0.0.1:32380 | http://127.0.0.1:32379 |      false |
| e32b500543ca8332 | started | etcd2 | http://127.0.0.1:22380 | http://127.0.0.1:22379 |      false |
+------------------+---------+-------+------------------------+------------------------+------------+
`,
  },
  {
    args: ["member", "list"],
    routes: STATUS_ROUTES,
    stdout: `692bd121bc7cf3d4, started, etcd1, http://127.0.0.1:2380, http://127.0.0.1:2379, false
d999fd798f3cfc7a, started, etcd3, http://127.0.0.1:32380, http://127.0.0.1:32379, false
e32b500543ca8332, started, etcd2, http://127.0.0.1:22380, http://127.0.0.1:22379, false
`,
  },
]);

const EXAMPLES = [kv("example1", "a", 3), kv("example2", "b", 4)];
const PREFIX_EXAMPLE = { key: b64("example"), range_end: b64("examplf") };

goldenTest("1.2 put / get / prefix / del", [
  {
    args: ["put", "mykey", "myvalue"],
    routes: [{
      path: "/v3/kv/put",
      request: { key: b64("mykey"), value: b64("myvalue") },
      body: headerOnly(2),
    }],
    stdout: "OK\n",
  },
  {
    args: ["get", "mykey"],
    routes: [{
      path: "/v3/kv/range",
      request: { key: b64("mykey") },
      body: range(2, [kv("mykey", "myvalue", 2)]),
    }],
    stdout: "mykey\nmyvalue\n",
  },
  {
    args: ["get", "example", "--prefix"],
    routes: [{ path: "/v3/kv/range", request: PREFIX_EXAMPLE, body: range(4, EXAMPLES) }],
    stdout: "example1\na\nexample2\nb\n",
  },
  {
    args: ["get", "example", "--prefix", "--keys-only"],
    routes: [{
      path: "/v3/kv/range",
      request: { ...PREFIX_EXAMPLE, keys_only: true },
      body: range(4, [kv("example1", "", 3), kv("example2", "", 4)]),
    }],
    stdout: "example1\n\nexample2\n\n",
  },
  {
    args: ["get", "example", "--prefix", "--print-value-only"],
    routes: [{ path: "/v3/kv/range", request: PREFIX_EXAMPLE, body: range(4, EXAMPLES) }],
    stdout: "a\nb\n",
  },
  {
    args: ["del", "mykey"],
    routes: [{
      path: "/v3/kv/deleterange",
      request: { key: b64("mykey") },
      body: `{"header":${hdr(5)},"deleted":"1"}`,
    }],
    stdout: "1\n",
  },
  {
    args: ["put", "mykey", "myvalue2", "--prev-kv"],
    routes: [{
      path: "/v3/kv/put",
      request: { key: b64("mykey"), value: b64("myvalue2"), prev_kv: true },
      body: headerOnly(6),
    }],
    stdout: "OK\n",
  },
]);

const J = `"cluster_id":${CLUSTER},"member_id":${ETCD1}`;

goldenTest("1.3 JSON output", [
  {
    args: ["get", "mykey", "-w", "json"],
    routes: [{ path: "/v3/kv/range", body: range(6, [kv("mykey", "myvalue2", 6)]) }],
    stdout: `{"header":{${J},"revision":6,"raft_term":2},"kvs":[{"key":"bXlrZXk=",` +
      `"create_revision":6,"mod_revision":6,"version":1,"value":"bXl2YWx1ZTI="}],"count":1}\n`,
  },
  {
    args: ["get", "example", "--prefix", "-w", "json"],
    routes: [{ path: "/v3/kv/range", request: PREFIX_EXAMPLE, body: range(6, EXAMPLES) }],
    stdout: `{"header":{${J},"revision":6,"raft_term":2},"kvs":[{"key":"ZXhhbXBsZTE=",` +
      `"create_revision":3,"mod_revision":3,"version":1,"value":"YQ=="},{"key":"ZXhhbXBsZTI=",` +
      `"create_revision":4,"mod_revision":4,"version":1,"value":"Yg=="}],"count":2}\n`,
  },
  {
    args: ["put", "example3", "c", "-w", "json"],
    routes: [{ path: "/v3/kv/put", body: headerOnly(7) }],
    stdout: `{"header":{${J},"revision":7,"raft_term":2}}\n`,
  },
  {
    args: ["del", "example3", "-w", "json"],
    routes: [{ path: "/v3/kv/deleterange", body: `{"header":${hdr(8)},"deleted":"1"}` }],
    stdout: `{"header":{${J},"revision":8,"raft_term":2},"deleted":1}\n`,
  },
]);

const STATUS_TABLE_LINE =
  "+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+\n";

goldenTest("1.4 endpoint status", [
  {
    args: ["endpoint", "status", "-w", "table", "--cluster"],
    routes: STATUS_ROUTES,
    stdout: STATUS_TABLE_LINE +
      "|        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |\n" +
      STATUS_TABLE_LINE +
      "|  http://127.0.0.1:2379 | 692bd121bc7cf3d4 |  3.4.23 |   20 kB |     false |      false |         2 |         18 |                 18 |        |\n" +
      "| http://127.0.0.1:32379 | d999fd798f3cfc7a |  3.4.23 |   20 kB |     false |      false |         2 |         18 |                 18 |        |\n" +
      "| http://127.0.0.1:22379 | e32b500543ca8332 |  3.4.23 |   20 kB |      true |      false |         2 |         18 |                 18 |        |\n" +
      STATUS_TABLE_LINE,
  },
  {
    args: ["endpoint", "status", "--cluster"],
    routes: STATUS_ROUTES,
    stdout: "http://127.0.0.1:2379, 692bd121bc7cf3d4, 3.4.23, 20 kB, false, false, 2, 18, 18, \n" +
      "http://127.0.0.1:32379, d999fd798f3cfc7a, 3.4.23, 20 kB, false, false, 2, 18, 18, \n" +
      "http://127.0.0.1:22379, e32b500543ca8332, 3.4.23, 20 kB, true, false, 2, 18, 18, \n",
  },
  {
    args: ["endpoint", "status", "-w", "json"],
    routes: STATUS_ROUTES,
    stdout: `[{"Endpoint":"127.0.0.1:2379","Status":{"header":{${J},"revision":8,"raft_term":2},` +
      `"version":"3.4.23","dbSize":20480,"leader":${ETCD2},"raftIndex":18,"raftTerm":2,` +
      `"raftAppliedIndex":18,"dbSizeInUse":16384}}]\n`,
  },
]);

/** Health routes that answer 22379 first, then 32379, then 2379. */
function healthRoutes(order: string[]): Route[] {
  return [
    { path: "/v3/cluster/member/list", body: MEMBER_LIST },
    ...order.map((port, i): Route => ({
      path: "/v3/kv/range",
      endpoint: `127.0.0.1:${port}`,
      request: { key: b64("health") },
      body: range(8, []),
      delayMs: 40 * i,
    })),
  ];
}

/** A monotonic clock returning `readings` (ms) in turn: three starts, then three ends. */
function clock(readings: number[]): () => number {
  let i = 0;
  return () => readings[Math.min(i++, readings.length - 1)]!;
}

goldenTest("1.4 endpoint health", [
  {
    args: ["endpoint", "health", "--cluster"],
    routes: healthRoutes(["22379", "32379", "2379"]),
    options: { monotonicMs: clock([0, 0, 0, 2.669822, 2.781288, 2.883185]) },
    stdout: "",
    stderr:
      "http://127.0.0.1:22379 is healthy: successfully committed proposal: took = 2.669822ms\n" +
      "http://127.0.0.1:32379 is healthy: successfully committed proposal: took = 2.781288ms\n" +
      "http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 2.883185ms\n",
  },
  {
    args: ["endpoint", "health", "--cluster", "-w", "table"],
    routes: healthRoutes(["22379", "2379", "32379"]),
    options: { monotonicMs: clock([0, 0, 0, 3.255853, 6.349028, 6.187756]) },
    stdout: `+------------------------+--------+------------+-------+
|        ENDPOINT        | HEALTH |    TOOK    | ERROR |
+------------------------+--------+------------+-------+
| http://127.0.0.1:22379 |   true | 3.255853ms |       |
|  http://127.0.0.1:2379 |   true | 6.349028ms |       |
| http://127.0.0.1:32379 |   true | 6.187756ms |       |
+------------------------+--------+------------+-------+
`,
  },
]);

goldenTest("1.5 a put with a lease", [
  {
    args: ["put", "leasedkey", "leasedvalue", "--lease=73d4a20a160cfb14"],
    routes: [{
      path: "/v3/kv/put",
      request: {
        key: b64("leasedkey"),
        value: b64("leasedvalue"),
        lease: "8346474173627693844",
      },
      body: headerOnly(9),
    }],
    stdout: "OK\n",
  },
  {
    args: ["get", "leasedkey", "-w", "json"],
    routes: [{
      path: "/v3/kv/range",
      body: range(9, [kv("leasedkey", "leasedvalue", 9, 9, 1, "8346474173627693844")]),
    }],
    stdout: `{"header":{${J},"revision":9,"raft_term":2},"kvs":[{"key":"bGVhc2Vka2V5",` +
      `"create_revision":9,"mod_revision":9,"version":1,"value":"bGVhc2VkdmFsdWU=",` +
      `"lease":8346474173627693844}],"count":1}\n`,
  },
]);

const nestedHdr = (revision: number) => `{"revision":"${revision}"}`;

function txnAnswer(revision: number, succeeded: boolean, responses: string[]): string {
  return `{"header":${hdr(revision)}${succeeded ? ',"succeeded":true' : ""},` +
    `"responses":[${responses.join(",")}]}`;
}

const PROMPTS = "compares:\nsuccess requests (get, put, del):\nfailure requests (get, put, del):\n";

goldenTest("1.6 txn", [
  {
    args: ["txn", "-i"],
    options: {
      stdin:
        'value("mykey") = "myvalue2"\n\nput mykey "txn-succeeded"\nget mykey\n\nput mykey "txn-failed"\n\n',
    },
    routes: [{
      path: "/v3/kv/txn",
      request: {
        compare: [{ key: b64("mykey"), target: "VALUE", value: b64("myvalue2") }],
        success: [
          { request_put: { key: b64("mykey"), value: b64("txn-succeeded") } },
          { request_range: { key: b64("mykey") } },
        ],
        failure: [{ request_put: { key: b64("mykey"), value: b64("txn-failed") } }],
      },
      body: txnAnswer(10, true, [
        `{"response_put":{"header":${nestedHdr(10)}}}`,
        `{"response_range":{"header":${nestedHdr(10)},"kvs":[${
          kv("mykey", "txn-succeeded", 6, 10, 2)
        }],"count":"1"}}`,
      ]),
    }],
    stdout: PROMPTS + "SUCCESS\n\nOK\n\nmykey\ntxn-succeeded\n",
  },
  {
    args: ["txn", "-i"],
    options: {
      stdin:
        'value("mykey") = "no-such-value"\n\nput mykey "txn-succeeded-2"\n\nput mykey "txn-failed-2"\nget mykey\n\n',
    },
    routes: [{
      path: "/v3/kv/txn",
      body: txnAnswer(11, false, [
        `{"response_put":{"header":${nestedHdr(11)}}}`,
        `{"response_range":{"header":${nestedHdr(11)},"kvs":[${
          kv("mykey", "txn-failed-2", 6, 11, 3)
        }],"count":"1"}}`,
      ]),
    }],
    stdout: PROMPTS + "FAILURE\n\nOK\n\nmykey\ntxn-failed-2\n",
  },
  {
    args: ["txn"],
    options: {
      stdin:
        'version("mykey") > "0"\nmod("mykey") > "0"\ncreate("mykey") > "0"\n\nget mykey\n\ndel mykey\n\n',
    },
    routes: [{
      path: "/v3/kv/txn",
      request: {
        compare: [
          { key: b64("mykey"), result: "GREATER", version: "0" },
          { key: b64("mykey"), result: "GREATER", target: "MOD", mod_revision: "0" },
          { key: b64("mykey"), result: "GREATER", target: "CREATE", create_revision: "0" },
        ],
        success: [{ request_range: { key: b64("mykey") } }],
        failure: [{ request_delete_range: { key: b64("mykey") } }],
      },
      body: txnAnswer(11, true, [
        `{"response_range":{"header":${nestedHdr(11)},"kvs":[${
          kv("mykey", "txn-failed-2", 6, 11, 3)
        }],"count":"1"}}`,
      ]),
    }],
    stdout: "SUCCESS\n\nmykey\ntxn-failed-2\n",
  },
  {
    args: ["txn", "-w", "json"],
    options: { stdin: 'version("mykey") > "0"\n\nget mykey\n\ndel mykey\n\n' },
    routes: [{
      path: "/v3/kv/txn",
      body: txnAnswer(12, true, [
        `{"response_range":{"header":${nestedHdr(12)},"kvs":[${
          kv("mykey", "txn-failed-2", 6, 12, 3)
        }],"count":"1"}}`,
      ]),
    }],
    stdout: `{"header":{${J},"revision":12,"raft_term":2},"succeeded":true,"responses":[` +
      `{"Response":{"ResponseRange":{"header":{"revision":12},"kvs":[{"key":"bXlrZXk=",` +
      `"create_revision":6,"mod_revision":12,"version":3,"value":"dHhuLWZhaWxlZC0y"}],` +
      `"count":1}}}]}\n`,
  },
]);

goldenTest("1.9 errors and edge cases", [
  {
    args: ["get", "no-such-key"],
    routes: [{ path: "/v3/kv/range", body: range(17, []) }],
    stdout: "",
  },
  {
    args: ["get", "no-such-key", "-w", "json"],
    routes: [{ path: "/v3/kv/range", body: range(17, []) }],
    stdout: `{"header":{${J},"revision":17,"raft_term":2}}\n`,
  },
  {
    args: ["del", "no-such-key"],
    routes: [{ path: "/v3/kv/deleterange", body: headerOnly(17) }],
    stdout: "0\n",
  },
  {
    args: ["put", "", "emptykey"],
    routes: [{
      path: "/v3/kv/put",
      status: 400,
      body: gatewayError("etcdserver: key is not provided", 3),
    }],
    stdout: "",
    stderr: "Error: etcdserver: key is not provided\n",
    code: 1,
  },
  {
    args: ["get"],
    routes: [],
    stdout: "",
    stderr: "Error: get command needs one argument as key and an optional argument as range_end\n",
    code: 128,
  },
  {
    args: ["get", "mykey", "--rev=999999"],
    routes: [{
      path: "/v3/kv/range",
      request: { key: b64("mykey"), revision: "999999" },
      status: 400,
      body: gatewayError("etcdserver: mvcc: required revision is a future revision", 11),
    }],
    stdout: "",
    stderr: "Error: etcdserver: mvcc: required revision is a future revision\n",
    code: 1,
  },
  {
    args: ["compaction", "5"],
    routes: [{ path: "/v3/kv/compaction", request: { revision: "5" }, body: headerOnly(17) }],
    stdout: "compacted revision 5\n",
  },
  {
    args: ["compaction", "5"],
    routes: [{
      path: "/v3/kv/compaction",
      status: 400,
      body: gatewayError("etcdserver: mvcc: required revision has been compacted", 11),
    }],
    stdout: "",
    stderr: "Error: etcdserver: mvcc: required revision has been compacted\n",
    code: 1,
  },
  {
    args: ["get", "mykey", "--rev=3"],
    routes: [{
      path: "/v3/kv/range",
      status: 400,
      body: gatewayError("etcdserver: mvcc: required revision has been compacted", 11),
    }],
    stdout: "",
    stderr: "Error: etcdserver: mvcc: required revision has been compacted\n",
    code: 1,
  },
  {
    args: ["get", "mykey", "--rev=5"],
    routes: [{
      path: "/v3/kv/range",
      request: { key: b64("mykey"), revision: "5" },
      body: range(17, []),
    }],
    stdout: "",
  },
]);

Deno.test("golden: 1.9 unreachable endpoints (context deadline exceeded after 2s)", async () => {
  const gateway = new FakeGateway();
  try {
    const timeouts = ["--dial-timeout=1s", "--command-timeout=2s"];
    const [bad, refused, health] = await Promise.all([
      ctl(["--endpoints=http//bad:::1", ...timeouts, "get", "mykey"], { fetch: gateway.fetch }),
      ctl(["--endpoints=http://127.0.0.1:1", ...timeouts, "get", "mykey"], {
        fetch: gateway.fetch,
      }),
      ctl(["--endpoints=127.0.0.1:1", ...timeouts, "endpoint", "health"], {
        fetch: gateway.fetch,
      }),
    ]);
    for (const run of [bad, refused]) {
      assert.deepEqual(
        [run.stdout, run.stderr, run.code],
        ["", "Error: context deadline exceeded\n", 1],
      );
    }
    assert.equal(health.stdout, "");
    assert.equal(
      health.stderr,
      "127.0.0.1:1 is unhealthy: failed to commit proposal: context deadline exceeded\n" +
        "Error: unhealthy cluster\n",
    );
    assert.equal(health.code, 1);
  } finally {
    await gateway.close();
  }
});

Deno.test("golden: put reads the value from standard input, bytes as they are", async () => {
  const gateway = new FakeGateway();
  try {
    gateway.routes = [{
      path: "/v3/kv/put",
      request: { key: b64("k3"), value: "YQpi/wo=" },
      body: headerOnly(11),
    }];
    const stdin = new Uint8Array([0x61, 0x0a, 0x62, 0xff, 0x0a]);
    const run = await ctl(["put", "k3"], { fetch: gateway.fetch, stdin });
    assert.deepEqual([run.stdout, run.stderr, run.code], ["OK\n", "", 0]);
  } finally {
    await gateway.close();
  }
});

const AUTH_ROUTES: Route[] = [
  {
    path: "/v3/auth/authenticate",
    request: { name: "root", password: "rootpw" },
    body: `{"header":${hdr(20)},"token":"eVgNIxbWEpMcxGae.113"}`,
  },
  {
    path: "/v3/auth/authenticate",
    status: 400,
    body: gatewayError("etcdserver: authentication failed, invalid user ID or password", 3),
  },
];

goldenTest("1.10 auth", [
  {
    args: ["put", "authkey", "authvalue"],
    routes: [{
      path: "/v3/kv/put",
      status: 400,
      body: gatewayError("etcdserver: user name is empty", 3),
    }],
    stdout: "",
    stderr: "Error: etcdserver: user name is empty\n",
    code: 1,
  },
  {
    args: ["--user=root:rootpw", "put", "authkey", "authvalue"],
    routes: [...AUTH_ROUTES, { path: "/v3/kv/put", body: headerOnly(21) }],
    stdout: "OK\n",
  },
  {
    args: ["--user=root", "--password=rootpw", "get", "authkey"],
    routes: [...AUTH_ROUTES, {
      path: "/v3/kv/range",
      body: range(21, [kv("authkey", "authvalue", 21)]),
    }],
    stdout: "authkey\nauthvalue\n",
  },
  {
    args: ["--user=root:wrongpw", "get", "authkey"],
    routes: AUTH_ROUTES,
    stdout: "",
    stderr: "Error: etcdserver: authentication failed, invalid user ID or password\n",
    code: 2,
  },
]);

Deno.test("golden: the token goes in the Authorization header, bare", async () => {
  const gateway = new FakeGateway();
  try {
    gateway.routes = [...AUTH_ROUTES, { path: "/v3/kv/put", body: headerOnly(21) }];
    await ctl(["--user=root:rootpw", "put", "authkey", "authvalue"], { fetch: gateway.fetch });
    const put = gateway.received.find((r) => r.path === "/v3/kv/put");
    assert.equal(put?.authorization, "eVgNIxbWEpMcxGae.113");
  } finally {
    await gateway.close();
  }
});
