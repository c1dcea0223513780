// Every id below was read from a real etcd 3.4.23 started on loopback with the
// configuration shown (`etcdctl member list -w json` / `-w table` and the
// "added member … to cluster …" log lines), on 2026-11-23.

import assert from "node:assert/strict";
import { clusterIdOf, formatId, memberIdOf, parseId } from "./ids.ts";

Deno.test("ids: one member, token tok-solo (etcd 3.4.23)", () => {
  // etcd --name solo --initial-cluster-token tok-solo
  //   --initial-advertise-peer-urls http://127.0.0.1:32380
  //   --initial-cluster solo=http://127.0.0.1:32380
  // member list -w json: ID 1938255138533998773, cluster_id 7879281466250253118
  const member = memberIdOf(["http://127.0.0.1:32380"], "tok-solo");
  assert.equal(member, 1938255138533998773n);
  assert.equal(formatId(member), "1ae610c7786500b5");
  const cluster = clusterIdOf([member]);
  assert.equal(cluster, 7879281466250253118n);
  assert.equal(formatId(cluster), "6d58d4bf512a533e");
});

Deno.test("ids: three members, token tok-three (etcd 3.4.23)", () => {
  // --initial-cluster m1=http://127.0.0.1:33381,m2=http://127.0.0.1:33382,m3=http://127.0.0.1:33383
  // --initial-cluster-token tok-three; member list -w json from m1:
  // cluster_id 4748596266480860538; m1 17983936217660314222, m2 1397877690553482183,
  // m3 6736252337927812048.
  const m1 = memberIdOf(["http://127.0.0.1:33381"], "tok-three");
  const m2 = memberIdOf(["http://127.0.0.1:33382"], "tok-three");
  const m3 = memberIdOf(["http://127.0.0.1:33383"], "tok-three");
  assert.deepEqual([m1, m2, m3], [
    17983936217660314222n,
    1397877690553482183n,
    6736252337927812048n,
  ]);
  assert.deepEqual([m1, m2, m3].map(formatId), [
    "f993c6b4fcecd26e",
    "1366425a70e23bc7",
    "5d7bf9cfa794f3d0",
  ]);
  // The cluster id does not depend on the order the members are given in.
  assert.equal(clusterIdOf([m1, m2, m3]), 4748596266480860538n);
  assert.equal(clusterIdOf([m3, m1, m2]), 4748596266480860538n);
  assert.equal(formatId(clusterIdOf([m2, m3, m1])), "41e667252d567d7a");
});

Deno.test("ids: a member with two peer URLs, default token (etcd 3.4.23)", () => {
  // etcd --name foo --initial-advertise-peer-urls http://127.0.0.1:31380,http://127.0.0.2:31380
  // log: added member 24e23bb56fca9f5f [http://127.0.0.1:31380 http://127.0.0.2:31380]
  //      to cluster 5b7b2c85568f32fd
  const urls = ["http://127.0.0.2:31380", "http://127.0.0.1:31380"];
  const member = memberIdOf(urls, "etcd-cluster");
  assert.equal(formatId(member), "24e23bb56fca9f5f");
  assert.equal(memberIdOf([...urls].reverse(), "etcd-cluster"), member, "URLs are sorted first");
  assert.equal(formatId(clusterIdOf([member])), "5b7b2c85568f32fd");
});

Deno.test("ids: two members, default token; ids print without leading zeros (etcd 3.4.23)", () => {
  // --initial-cluster foo=http://127.0.0.1:31380,bar=http://127.0.0.1:31390
  // log: added member 6caccbb4eef8c39 [http://127.0.0.1:31390] /
  //      added member 8ddab73534be950c [http://127.0.0.1:31380] to cluster 45e8dbae672cfd4
  const foo = memberIdOf(["http://127.0.0.1:31380"], "etcd-cluster");
  const bar = memberIdOf(["http://127.0.0.1:31390"], "etcd-cluster");
  assert.equal(formatId(foo), "8ddab73534be950c");
  assert.equal(formatId(bar), "6caccbb4eef8c39");
  assert.equal(formatId(clusterIdOf([foo, bar])), "45e8dbae672cfd4");
  // And alone (the one-member default-token cluster etcd logged as 8c2ff40632fd55ca).
  assert.equal(formatId(clusterIdOf([foo])), "8c2ff40632fd55ca");
});

Deno.test("ids: the token and a run-time addition time change the member id", () => {
  const urls = ["http://127.0.0.1:2380"];
  const base = memberIdOf(urls, "etcd-cluster");
  assert.notEqual(memberIdOf(urls, "other-token"), base);
  assert.notEqual(memberIdOf(urls, "etcd-cluster", 1_700_000_000), base);
  assert.equal(
    memberIdOf(urls, "etcd-cluster", 1_700_000_000),
    memberIdOf(urls, "etcd-cluster", 1_700_000_000.9),
  );
});

Deno.test("ids: formatId/parseId round trip; bad input refused", () => {
  for (const id of [0n, 1n, 0xfn, 0x6caccbb4eef8c39n, (1n << 64n) - 1n]) {
    assert.equal(parseId(formatId(id)), id);
  }
  assert.equal(formatId(0n), "0");
  assert.throws(() => parseId(""), RangeError);
  assert.throws(() => parseId("xyz"), RangeError);
  assert.throws(() => parseId("1".repeat(17)), RangeError);
  assert.throws(() => clusterIdOf([-1n]), RangeError);
  assert.throws(() => clusterIdOf([1n << 64n]), RangeError);
});
