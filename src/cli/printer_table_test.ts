// Expected tables are etcdctl 3.4.23's `-w table`, from the reference
// transcript (sections 1.1 and 1.4) and our runs of etcdctl 3.4.23.
import assert from "node:assert/strict";
import { capture, ETCD1, ETCD2, ETCD3, header, kv, MEMBERS, status } from "./_test_fixtures.ts";
import { TablePrinter } from "./printer_table.ts";
import { renderTable } from "./tablewriter.ts";

function printer() {
  const c = capture();
  return { ...c, p: new TablePrinter(c.output) };
}

Deno.test("table: member list (transcript 1.1)", () => {
  const { p, stdout } = printer();
  p.memberList({ header: header(0), members: MEMBERS });
  assert.equal(
    stdout(),
    `+------------------+---------+-------+------------------------+------------------------+------------+
|        ID        | STATUS  | NAME  |       PEER ADDRS       |      CLIENT ADDRS      | IS LEARNER |
+------------------+---------+-------+------------------------+------------------------+------------+
| 692bd121bc7cf3d4 | started | etcd1 |  http://127.0.0.1:2380 |  http://127.0.0.1:2379 |      false |
| d999fd798f3cfc7a | started | etcd3 | http://127.0.0.1:32380 | http://127.0.0.1:32379 |      false |
| e32b500543ca8332 | started | etcd2 | http://127.0.0.1:22380 | http://127.0.0.1:22379 |      false |
+------------------+---------+-------+------------------------+------------------------+------------+
`,
  );
});

Deno.test("table: endpoint status --cluster (transcript 1.4)", () => {
  const { p, stdout } = printer();
  p.endpointStatus([
    { ep: "http://127.0.0.1:2379", resp: status(ETCD1) },
    { ep: "http://127.0.0.1:32379", resp: status(ETCD3) },
    { ep: "http://127.0.0.1:22379", resp: status(ETCD2) },
  ]);
  const line =
    "+------------------------+------------------+---------+---------+-----------+------------+-----------+------------+--------------------+--------+\n";
  assert.equal(
    stdout(),
    line +
      "|        ENDPOINT        |        ID        | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |\n" +
      line +
      "|  http://127.0.0.1:2379 | 692bd121bc7cf3d4 |  3.4.23 |   20 kB |     false |      false |         2 |         18 |                 18 |        |\n" +
      "| http://127.0.0.1:32379 | d999fd798f3cfc7a |  3.4.23 |   20 kB |     false |      false |         2 |         18 |                 18 |        |\n" +
      "| http://127.0.0.1:22379 | e32b500543ca8332 |  3.4.23 |   20 kB |      true |      false |         2 |         18 |                 18 |        |\n" +
      line,
  );
});

Deno.test("table: endpoint health (transcript 1.4) and an empty status table", () => {
  const { p, stdout } = printer();
  p.endpointHealth([
    { ep: "http://127.0.0.1:22379", health: true, took: "3.255853ms", error: "" },
    { ep: "127.0.0.1:1", health: false, took: "5.001254369s", error: "context deadline exceeded" },
  ]);
  p.endpointStatus([]);
  assert.equal(
    stdout(),
    `+------------------------+--------+--------------+---------------------------+
|        ENDPOINT        | HEALTH |     TOOK     |           ERROR           |
+------------------------+--------+--------------+---------------------------+
| http://127.0.0.1:22379 |   true |   3.255853ms |                           |
|            127.0.0.1:1 |  false | 5.001254369s | context deadline exceeded |
+------------------------+--------+--------------+---------------------------+
+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
| ENDPOINT | ID | VERSION | DB SIZE | IS LEADER | IS LEARNER | RAFT TERM | RAFT INDEX | RAFT APPLIED INDEX | ERRORS |
+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
+----------+----+---------+---------+-----------+------------+-----------+------------+--------------------+--------+
`,
  );
});

Deno.test("table: a cell over 30 columns wraps at spaces with the least raggedness", () => {
  // etcdctl 3.4.23: `--user=root:wrong endpoint health -w table` on an auth-enabled member.
  const { p, stdout } = printer();
  p.endpointHealth([{
    ep: "127.0.0.1:47511",
    health: false,
    took: "",
    error: "etcdserver: authentication failed, invalid user ID or password",
  }]);
  assert.equal(
    stdout(),
    `+-----------------+--------+------+--------------------------------+
|    ENDPOINT     | HEALTH | TOOK |             ERROR              |
+-----------------+--------+------+--------------------------------+
| 127.0.0.1:47511 |  false |      |     etcdserver: authentication |
|                 |        |      |     failed, invalid user ID or |
|                 |        |      |                       password |
+-----------------+--------+------+--------------------------------+
`,
  );
  assert.equal(
    renderTable(["a"], [["etcdserver: request timed out, possibly due to previous leader failure"]])
      .split("\n")[3],
    "|      etcdserver: request timed |",
  );
});

Deno.test("table: other results are not supported (exit 4)", () => {
  const { p } = printer();
  assert.throws(() => p.get({ header: header(1), kvs: [kv("a", "b", 1)], more: false, count: 1 }), {
    name: "CtlExit",
    message: "Error: table not supported as output format",
  });
});
