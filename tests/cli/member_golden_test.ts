// Golden tests of `member add/remove/update/promote`: ctl against a fake
// gateway answering as etcd 3.4.23's gateway did, compared byte for byte
// with what etcdctl 3.4.23 printed for the same answers. Recorded against a
// 3-member etcd 3.4.23 (cluster 639251452477487419 = 8df13cf2312b93b; m1
// answered; peer ports 5n380, client ports 5n379) with a 4th member added on
// 54380. The fake's endpoint is 127.0.0.1:2379 (ctl's default); the member
// commands print no endpoint.
import assert from "node:assert/strict";
import { ctl } from "./_ctl_io.ts";
import { FakeGateway, type Route } from "./_fake_gateway.ts";

const CLUSTER = "639251452477487419";
const M1_ID = "7483549097294873886";
const M3_ID = "15679842276203101306";

const hdr = (member = M1_ID) =>
  `{"cluster_id":"${CLUSTER}","member_id":"${member}","raft_term":"2"}`;

function member(id: string, name: string, n: number, learner = false): string {
  const urls = `"peerURLs":["http://127.0.0.1:5${n}380"]`;
  const client = name === "" ? "" : `,"clientURLs":["http://127.0.0.1:5${n}379"]`;
  const named = name === "" ? "" : `,"name":"${name}"`;
  return `{"ID":"${id}"${named},${urls}${client}${learner ? ',"isLearner":true' : ""}}`;
}

const M1 = member(M1_ID, "m1", 1);
const M3 = member("12878439331375849242", "m3", 3);
const M2 = member("14170069394354339642", "m2", 2);
const list = (members: string[], by = M1_ID) => `{"header":${hdr(by)},"members":[${members}]}`;
const added = (m: string, members: string[]) =>
  `{"header":${hdr()},"member":${m},"members":[${members}]}`;
const gatewayError = (message: string, code: number) =>
  JSON.stringify({ error: message, message, code });

const ADD = "/v3/cluster/member/add";
const LIST = "/v3/cluster/member/list";

interface Golden {
  readonly args: string[];
  readonly routes: Route[];
  readonly stdout?: string;
  readonly stdoutHex?: string;
  readonly stderr?: string;
  readonly code?: number;
  /** The paths ctl must have called, in order. */
  readonly calls?: string[];
}

async function golden(gateway: FakeGateway, g: Golden): Promise<void> {
  gateway.routes = g.routes;
  gateway.received.length = 0;
  const run = await ctl(g.args, { fetch: gateway.fetch });
  const label = `etcdctl ${g.args.join(" ")}`;
  if (g.stdoutHex !== undefined) {
    const hex = [...run.stdoutBytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    assert.equal(hex, g.stdoutHex, label);
  } else assert.equal(run.stdout, g.stdout ?? "", label);
  assert.equal(run.stderr, g.stderr ?? "", label);
  assert.equal(run.code, g.code ?? 0, label);
  if (g.calls) assert.deepEqual(gateway.received.map((r) => r.path), g.calls, label);
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

const NEW1 = member("2514725669795981755", "", 4);
const L1 = member("12075172628927986881", "", 4, true);
const J1 = member("4207567904081624248", "", 4);
const TWO_URLS =
  '{"ID":"11300025919297651886","peerURLs":["http://127.0.0.1:54380","http://127.0.0.1:54381"]}';

goldenTest("member add (simple: the ETCD_* lines from a member list)", [
  {
    args: ["member", "add", "new1", "--peer-urls=http://127.0.0.1:54380"],
    routes: [
      {
        path: ADD,
        request: { peerURLs: ["http://127.0.0.1:54380"] },
        body: added(NEW1, [NEW1, M1, M3, M2]),
      },
      { path: LIST, body: list([NEW1, M1, M3, M2]) },
    ],
    stdout: `Member 22e619ac4fbee9bb added to cluster  8df13cf2312b93b

ETCD_NAME="new1"
ETCD_INITIAL_CLUSTER="new1=http://127.0.0.1:54380,m1=http://127.0.0.1:51380,m3=http://127.0.0.1:53380,m2=http://127.0.0.1:52380"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54380"
ETCD_INITIAL_CLUSTER_STATE="existing"
`,
    calls: [ADD, LIST],
  },
  {
    args: ["member", "add", "l1", "--peer-urls=http://127.0.0.1:54380", "--learner"],
    routes: [
      {
        path: ADD,
        request: { peerURLs: ["http://127.0.0.1:54380"], isLearner: true },
        body: added(L1, [M1, L1, M3, M2]),
      },
      { path: LIST, body: list([M1, L1, M3, M2]) },
    ],
    stdout: `Member a793a1876cc5bcc1 added to cluster  8df13cf2312b93b

ETCD_NAME="l1"
ETCD_INITIAL_CLUSTER="m1=http://127.0.0.1:51380,l1=http://127.0.0.1:54380,m3=http://127.0.0.1:53380,m2=http://127.0.0.1:52380"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54380"
ETCD_INITIAL_CLUSTER_STATE="existing"
`,
  },
  {
    // Names are %q-quoted; ADVERTISE is --peer-urls as typed, the cluster the server's URLs.
    args: [
      "member",
      "add",
      'my "name"',
      "--peer-urls=http://127.0.0.1:54381, http://127.0.0.1:54380",
    ],
    routes: [
      {
        path: ADD,
        request: { peerURLs: ["http://127.0.0.1:54381", " http://127.0.0.1:54380"] },
        body: added(TWO_URLS, [M1, TWO_URLS, M3, M2]),
      },
      { path: LIST, body: list([M1, TWO_URLS, M3, M2]) },
    ],
    stdout: `Member 9cd1c1b4187184ae added to cluster  8df13cf2312b93b

ETCD_NAME="my \\"name\\""
ETCD_INITIAL_CLUSTER="m1=http://127.0.0.1:51380,my \\"name\\"=http://127.0.0.1:54380,my \\"name\\"=http://127.0.0.1:54381,m3=http://127.0.0.1:53380,m2=http://127.0.0.1:52380"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54381, http://127.0.0.1:54380"
ETCD_INITIAL_CLUSTER_STATE="existing"
`,
  },
]);

goldenTest("member add: a list from another member is synced by a get of _", [
  {
    args: ["member", "add", "new1", "--peer-urls=http://127.0.0.1:54380"],
    routes: [
      { path: ADD, body: added(NEW1, [NEW1, M1, M3, M2]) },
      { path: LIST, body: list([NEW1, M1, M3, M2], M3_ID) },
      {
        path: "/v3/kv/range",
        request: { key: btoa("_") },
        body: `{"header":{"cluster_id":"${CLUSTER}","member_id":"${M3_ID}","revision":"1"}}`,
      },
    ],
    stdout: `Member 22e619ac4fbee9bb added to cluster  8df13cf2312b93b

ETCD_NAME="new1"
ETCD_INITIAL_CLUSTER="new1=http://127.0.0.1:54380,m1=http://127.0.0.1:51380,m3=http://127.0.0.1:53380,m2=http://127.0.0.1:52380"
ETCD_INITIAL_ADVERTISE_PEER_URLS="http://127.0.0.1:54380"
ETCD_INITIAL_CLUSTER_STATE="existing"
`,
    calls: [ADD, LIST, "/v3/kv/range", LIST],
  },
  {
    // etcdctl reports the (nil) error of the list call when that get fails.
    args: ["member", "add", "new1", "--peer-urls=http://127.0.0.1:54380"],
    routes: [
      { path: ADD, body: added(NEW1, [NEW1, M1, M3, M2]) },
      { path: LIST, body: list([NEW1, M1, M3, M2], M3_ID) },
      {
        path: "/v3/kv/range",
        status: 503,
        body: gatewayError("etcdserver: request timed out", 14),
      },
    ],
    stdout: "Member 22e619ac4fbee9bb added to cluster  8df13cf2312b93b\n",
    stderr: "Error: <nil>\n",
    code: 1,
  },
  {
    args: ["member", "add", "new1", "--peer-urls=http://127.0.0.1:54380"],
    routes: [
      { path: ADD, body: added(NEW1, [NEW1, M1, M3, M2]) },
      { path: LIST, status: 503, body: gatewayError("etcdserver: request timed out", 14) },
    ],
    stdout: "Member 22e619ac4fbee9bb added to cluster  8df13cf2312b93b\n",
    stderr: "Error: etcdserver: request timed out\n",
    code: 1,
  },
]);

const J_HDR = `"header":{"cluster_id":${CLUSTER},"member_id":${M1_ID},"raft_term":2}`;
const J_M1 =
  `{"ID":${M1_ID},"name":"m1","peerURLs":["http://127.0.0.1:51380"],"clientURLs":["http://127.0.0.1:51379"]}`;
const J_M3 =
  '{"ID":12878439331375849242,"name":"m3","peerURLs":["http://127.0.0.1:53380"],"clientURLs":["http://127.0.0.1:53379"]}';
const J_M2 =
  '{"ID":14170069394354339642,"name":"m2","peerURLs":["http://127.0.0.1:52380"],"clientURLs":["http://127.0.0.1:52379"]}';
const J_J1 = '{"ID":4207567904081624248,"peerURLs":["http://127.0.0.1:54380"]}';

goldenTest("member add in the other formats (no ETCD_* lines, no member list)", [
  {
    args: ["member", "add", "j1", "--peer-urls=http://127.0.0.1:54380", "-w", "json"],
    routes: [{ path: ADD, body: added(J1, [J1, M1, M3, M2]) }],
    stdout: `{${J_HDR},"member":${J_J1},"members":[${J_J1},${J_M1},${J_M3},${J_M2}]}\n`,
    calls: [ADD],
  },
  ...["fields", "table"].map((format) => ({
    args: ["member", "add", "f1", "--peer-urls=http://127.0.0.1:54380", "-w", format],
    routes: [{ path: ADD, body: added(J1, [J1, M1, M3, M2]) }],
    stderr: `Error: ${format} not supported as output format\n`,
    code: 4,
    calls: [ADD],
  })),
]);

const REMOVED = list([M1, M3, M2]);
const REMOVE = "/v3/cluster/member/remove";
const UPDATE = "/v3/cluster/member/update";
const PROMOTE = "/v3/cluster/member/promote";
const PB_HDR = "0a1608bbf2ca98f2f9c4ef08109e8ad39b9288baed672002";
const PB_M1 =
  "123e089e8ad39b9288baed6712026d311a16687474703a2f2f3132372e302e302e313a35313338302216687474703a2f2f3132372e302e302e313a3531333739";
const PB_M3_M2 =
  "123f089abecec0ec8adadcb20112026d331a16687474703a2f2f3132372e302e302e313a35333338302216687474703a2f2f3132372e302e302e313a3533333739" +
  "123f08bafeffa89be18cd3c40112026d321a16687474703a2f2f3132372e302e302e313a35323338302216687474703a2f2f3132372e302e302e313a3532333739";

goldenTest("member remove", [
  {
    args: ["member", "remove", "22e619ac4fbee9bb"],
    routes: [{ path: REMOVE, request: { ID: "2514725669795981755" }, body: REMOVED }],
    stdout: "Member 22e619ac4fbee9bb removed from cluster  8df13cf2312b93b\n",
  },
  {
    args: ["member", "remove", "3a6448b7531ebcb8", "-w", "json"],
    routes: [{ path: REMOVE, request: { ID: "4207567904081624248" }, body: REMOVED }],
    stdout: `{${J_HDR},"members":[${J_M1},${J_M3},${J_M2}]}\n`,
  },
  {
    args: ["member", "remove", "42a0b9ee8c4cbe66", "-w", "protobuf"],
    routes: [{ path: REMOVE, body: REMOVED }],
    stdoutHex: PB_HDR + PB_M1 + PB_M3_M2,
  },
  {
    args: ["member", "remove", "aa06560b414db691", "-w", "fields"],
    routes: [{ path: REMOVE, body: REMOVED }],
    stderr: "Error: fields not supported as output format\n",
    code: 4,
    calls: [REMOVE],
  },
  {
    args: ["member", "remove", "3a64499f7f7dd1b8", "-w", "json"],
    routes: [{
      path: REMOVE,
      status: 404,
      body: gatewayError("etcdserver: member not found", 5),
    }],
    stderr: "Error: etcdserver: member not found\n",
    code: 1,
  },
  {
    args: ["member", "remove", "b7d3369580dddaa7"],
    routes: [{
      path: REMOVE,
      status: 500,
      body: gatewayError(
        "etcdserver: re-configuration failed due to not enough started members",
        2,
      ),
    }],
    stderr: "Error: etcdserver: re-configuration failed due to not enough started members\n",
    code: 1,
  },
]);

const LEARNER_OLD = member("9660866387560925883", "", 4, true);
const J_LEARNER =
  '{"ID":9660866387560925883,"peerURLs":["http://127.0.0.1:54380"],"isLearner":true}';

goldenTest("member update", [
  {
    args: ["member", "update", "67dae8412374c51e", "--peer-urls=http://127.0.0.1:51380"],
    routes: [{
      path: UPDATE,
      request: { ID: M1_ID, peerURLs: ["http://127.0.0.1:51380"] },
      body: list([M1, LEARNER_OLD, M3, M2]),
    }],
    stdout: "Member 67dae8412374c51e updated in cluster  8df13cf2312b93b\n",
  },
  {
    args: ["member", "update", "67dae8412374c51e", "--peer-urls=http://127.0.0.1:51380", "-w=json"],
    routes: [{ path: UPDATE, body: list([M1, LEARNER_OLD, M3, M2]) }],
    stdout: `{${J_HDR},"members":[${J_M1},${J_LEARNER},${J_M3},${J_M2}]}\n`,
  },
  {
    args: [
      "member",
      "update",
      "67dae8412374c51e",
      "--peer-urls=http://127.0.0.1:51380",
      "-w",
      "table",
    ],
    routes: [{ path: UPDATE, body: list([M1, LEARNER_OLD, M3, M2]) }],
    stderr: "Error: table not supported as output format\n",
    code: 4,
    calls: [UPDATE],
  },
  {
    args: ["member", "update", "67dae8412374c51e", "--peer-urls=http://127.0.0.1:52380"],
    routes: [{
      path: UPDATE,
      status: 412,
      body: gatewayError("etcdserver: Peer URLs already exists", 9),
    }],
    stderr: "Error: etcdserver: Peer URLs already exists\n",
    code: 1,
  },
  {
    args: ["member", "update", "1234", "--peer-urls=http://127.0.0.1:56380"],
    routes: [{
      path: UPDATE,
      request: { ID: "4660", peerURLs: ["http://127.0.0.1:56380"] },
      status: 404,
      body: gatewayError("etcdserver: member not found", 5),
    }],
    stderr: "Error: etcdserver: member not found\n",
    code: 1,
  },
]);

const PROMOTED = member("18218059275053410281", "s1", 4);

goldenTest("member promote", [
  {
    args: ["member", "promote", "fcd38c632291a7e9"],
    routes: [{
      path: PROMOTE,
      request: { ID: "18218059275053410281" },
      body: list([M1, M3, M2, PROMOTED]),
    }],
    stdout: "Member fcd38c632291a7e9 promoted in cluster  8df13cf2312b93b\n",
  },
  ...["json", "protobuf", "fields", "table"].map((format) => ({
    // etcdctl 3.4.23 promotes, then panics printing (its goroutine trace is not copied).
    args: ["member", "promote", "6d579f0a87ec0cc", "-w", format],
    routes: [{ path: PROMOTE, body: list([M1, M3, M2, PROMOTED]) }],
    stderr: "panic: runtime error: invalid memory address or nil pointer dereference\n" +
      "[signal SIGSEGV: segmentation violation code=0x1 addr=0x78 pc=0xbab2ee]\n",
    code: 2,
    calls: [PROMOTE],
  })),
  ...[
    [
      "86124acb45148abb",
      "etcdserver: can only promote a learner member which is in sync with leader",
    ],
    ["67dae8412374c51e", "etcdserver: can only promote a learner member"],
  ].map(([id, message]) => ({
    args: ["member", "promote", id!],
    routes: [{ path: PROMOTE, status: 412, body: gatewayError(message!, 9) }],
    stderr: `Error: ${message}\n`,
    code: 1,
  })),
  {
    args: ["member", "promote", "1234"],
    routes: [{
      path: PROMOTE,
      status: 404,
      body: gatewayError("etcdserver: member not found", 5),
    }],
    stderr: "Error: etcdserver: member not found\n",
    code: 1,
  },
]);

goldenTest("member add: the server's refusals", [
  ...[
    ["http://127.0.0.1:52380", 412, "etcdserver: Peer URLs already exists", 9],
    ["http://127.0.0.1:55380", 503, "etcdserver: unhealthy cluster", 14],
    ["http://127.0.0.1:55380", 412, "etcdserver: too many learner members in cluster", 9],
    ["http://127.0.0.1:55380", 503, "etcdserver: rpc not supported for learner", 14],
  ].map(([url, status, message, code]) => ({
    args: ["member", "add", "x", `--peer-urls=${url}`],
    routes: [{
      path: ADD,
      status: status as number,
      body: gatewayError(message as string, code as number),
    }],
    stderr: `Error: ${message}\n`,
    code: 1,
    calls: [ADD],
  })),
]);

goldenTest("member add/update: bad peer URLs are refused by the client, nothing sent", [
  ...[
    ["foo", "URL scheme must be http, https, unix, or unixs: foo"],
    ["http://127.0.0.1:56380,", "URL scheme must be http, https, unix, or unixs: "],
    ["http://a", 'URL address does not have the form "host:port": http://a'],
    ["http://a:1/x", "URL must not contain a path: http://a:1/x"],
    ["http://a b:1", 'parse "http://a b:1": invalid character " " in host name'],
    ["://x", 'parse "://x": missing protocol scheme'],
    ["http://[::1:1", `parse "http://[::1:1": missing ']' in host`],
    ["http://a:1x", 'parse "http://a:1x": invalid port ":1x" after host'],
  ].flatMap(([url, message]) => [
    {
      args: ["member", "add", "x", `--peer-urls=${url}`],
      routes: [],
      stderr: `Error: ${message}\n`,
      code: 1,
      calls: [],
    },
    {
      args: ["member", "update", "67dae8412374c51e", `--peer-urls=${url}`],
      routes: [],
      stderr: `Error: ${message}\n`,
      code: 1,
      calls: [],
    },
  ]),
]);

// endpoint status/health --cluster take the client URLs of the member list:
// an unstarted member has none; a learner answers status (is learner: true)
// but refuses the health check's get (recorded with etcdctl 3.4.23).
const CLUSTER_LIST =
  `{"header":${hdr()},"members":[{"ID":"${M1_ID}","name":"etcd1","peerURLs":["http://127.0.0.1:2380"],` +
  `"clientURLs":["http://127.0.0.1:2379"]},{"ID":"2514725669795981755","peerURLs":["http://127.0.0.1:54380"]},` +
  `{"ID":"${M3_ID}","name":"etcd3","peerURLs":["http://127.0.0.1:32380"],` +
  `"clientURLs":["http://127.0.0.1:32379"],"isLearner":true}]}`;
const statusOf = (memberId: string, learner: boolean) =>
  `{"header":{"cluster_id":"${CLUSTER}","member_id":"${memberId}","revision":"1","raft_term":"2"},` +
  `"version":"3.4.23","dbSize":"20480","leader":"${M1_ID}","raftIndex":"52","raftTerm":"2",` +
  `"raftAppliedIndex":"52","dbSizeInUse":"16384"${learner ? ',"isLearner":true' : ""}}`;

goldenTest("endpoint --cluster with an unstarted member and a learner", [
  {
    args: ["endpoint", "status", "--cluster"],
    routes: [
      { path: LIST, body: CLUSTER_LIST },
      { path: "/v3/maintenance/status", endpoint: "127.0.0.1:2379", body: statusOf(M1_ID, false) },
      { path: "/v3/maintenance/status", endpoint: "127.0.0.1:32379", body: statusOf(M3_ID, true) },
    ],
    stdout: "http://127.0.0.1:2379, 67dae8412374c51e, 3.4.23, 20 kB, true, false, 2, 52, 52, \n" +
      "http://127.0.0.1:32379, d999fd798f3cfc7a, 3.4.23, 20 kB, false, true, 2, 52, 52, \n",
  },
]);

Deno.test("golden: endpoint health --cluster with an unstarted member and a learner", async () => {
  const gateway = new FakeGateway();
  try {
    gateway.routes = [
      { path: LIST, body: CLUSTER_LIST },
      { path: "/v3/kv/range", endpoint: "127.0.0.1:2379", body: `{"header":${hdr()}}` },
      {
        path: "/v3/kv/range",
        endpoint: "127.0.0.1:32379",
        status: 503,
        body: gatewayError("etcdserver: rpc not supported for learner", 14),
      },
    ];
    const run = await ctl(["endpoint", "health", "--cluster"], {
      fetch: gateway.fetch,
      monotonicMs: () => 0,
    });
    // The checks run at once: the two lines come in the order they finish.
    const lines = run.stderr.split("\n");
    assert.deepEqual(lines.slice(0, 2).sort(), [
      "http://127.0.0.1:2379 is healthy: successfully committed proposal: took = 0s",
      "http://127.0.0.1:32379 is unhealthy: failed to commit proposal: " +
      "etcdserver: rpc not supported for learner",
    ]);
    assert.deepEqual(lines.slice(2), ["Error: unhealthy cluster", ""]);
    assert.equal(run.stdout, "");
    assert.equal(run.code, 1);
  } finally {
    await gateway.close();
  }
});
