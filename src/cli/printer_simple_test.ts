// Expected output is etcdctl 3.4.23's, from the reference transcript
// (sections 1.1, 1.2, 1.4, 1.6) and from our own runs of etcdctl 3.4.23.
import assert from "node:assert/strict";
import { emptyHeader } from "../proto/rpc.ts";
import { capture, ETCD1, ETCD2, header, kv, MEMBERS, status } from "./_test_fixtures.ts";
import { SimplePrinter } from "./printer_simple.ts";

function printer(isHex = false) {
  const c = capture();
  return { ...c, p: new SimplePrinter(c.output, isHex) };
}

Deno.test("simple: get prints key and value lines; keys-only leaves empty values", () => {
  const { p, stdout } = printer();
  p.get({
    header: header(5),
    kvs: [kv("example1", "a", 3), kv("example2", "b", 4)],
    more: false,
    count: 2,
  });
  p.get({
    header: header(5),
    kvs: [kv("example1", "", 3), kv("example2", "", 4)],
    more: false,
    count: 2,
  });
  assert.equal(stdout(), "example1\na\nexample2\nb\nexample1\n\nexample2\n\n");
});

Deno.test("simple: --print-value-only, --hex, raw bytes", () => {
  const { p, stdout } = printer();
  p.valueOnly = true;
  p.get({
    header: header(5),
    kvs: [kv("example1", "a", 3), kv("example2", "b", 4)],
    more: false,
    count: 2,
  });
  assert.equal(stdout(), "a\nb\n");
  const hexed = printer(true);
  hexed.p.put({ header: header(6), prevKv: kv("foo", "bar", 2) });
  assert.equal(hexed.stdout(), "OK\n\\x66\\x6f\\x6f\n\\x62\\x61\\x72\n");
  const raw = printer();
  raw.p.get({
    header: header(5),
    kvs: [{ ...kv("bin", "", 3), value: new Uint8Array([0xff, 0x01]) }],
    more: false,
    count: 1,
  });
  assert.deepEqual([...raw.stdoutBytes()], [0x62, 0x69, 0x6e, 0x0a, 0xff, 0x01, 0x0a]);
});

Deno.test("simple: put, del and their previous key-values", () => {
  const { p, stdout } = printer();
  p.put({ header: header(6), prevKv: null });
  p.put({ header: header(7), prevKv: kv("k1", "v1", 4) });
  p.del({ header: header(8), deleted: 0, prevKvs: [] });
  p.del({ header: header(9), deleted: 2, prevKvs: [kv("d1", "x", 5), kv("d2", "y", 6)] });
  assert.equal(stdout(), "OK\nOK\nk1\nv1\n0\n2\nd1\nx\nd2\ny\n");
});

Deno.test("simple: txn (transcript 1.6)", () => {
  const { p, stdout } = printer();
  p.txn({
    header: header(11),
    succeeded: false,
    responses: [
      { responsePut: { header: { ...emptyHeader(), revision: 11 }, prevKv: null } },
      {
        responseRange: {
          header: { ...emptyHeader(), revision: 11 },
          kvs: [kv("mykey", "txn-failed-2", 6, 11, 3)],
          more: false,
          count: 1,
        },
      },
    ],
  });
  assert.equal(stdout(), "FAILURE\n\nOK\n\nmykey\ntxn-failed-2\n");
});

Deno.test("simple: member list (transcript 1.1) and a learner not yet started", () => {
  const { p, stdout } = printer();
  p.memberList({ header: header(0), members: MEMBERS });
  p.memberList({
    header: header(0),
    members: [{
      id: 0x7bd22749535b2960n,
      name: "",
      peerUrls: ["http://127.0.0.1:47398", "http://127.0.0.1:47399"],
      clientUrls: [],
      isLearner: true,
    }],
  });
  assert.equal(
    stdout(),
    "692bd121bc7cf3d4, started, etcd1, http://127.0.0.1:2380, http://127.0.0.1:2379, false\n" +
      "d999fd798f3cfc7a, started, etcd3, http://127.0.0.1:32380, http://127.0.0.1:32379, false\n" +
      "e32b500543ca8332, started, etcd2, http://127.0.0.1:22380, http://127.0.0.1:22379, false\n" +
      "7bd22749535b2960, unstarted, , http://127.0.0.1:47398,http://127.0.0.1:47399, , true\n",
  );
});

Deno.test("simple: endpoint status (transcript 1.4), trailing space for no errors", () => {
  const { p, stdout } = printer();
  p.endpointStatus([
    { ep: "http://127.0.0.1:2379", resp: status(ETCD1) },
    { ep: "http://127.0.0.1:22379", resp: status(ETCD2) },
  ]);
  assert.equal(
    stdout(),
    "http://127.0.0.1:2379, 692bd121bc7cf3d4, 3.4.23, 20 kB, false, false, 2, 18, 18, \n" +
      "http://127.0.0.1:22379, e32b500543ca8332, 3.4.23, 20 kB, true, false, 2, 18, 18, \n",
  );
});

Deno.test("simple: endpoint health goes to standard error (transcript 1.4, 1.9)", () => {
  const { p, stdout, stderr } = printer();
  p.endpointHealth([
    { ep: "http://127.0.0.1:22379", health: true, took: "2.669822ms", error: "" },
    { ep: "127.0.0.1:1", health: false, took: "2.001s", error: "context deadline exceeded" },
  ]);
  assert.equal(stdout(), "");
  assert.equal(
    stderr(),
    "http://127.0.0.1:22379 is healthy: successfully committed proposal: took = 2.669822ms\n" +
      "127.0.0.1:1 is unhealthy: failed to commit proposal: context deadline exceeded\n",
  );
});
